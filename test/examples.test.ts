/**
 * Every `@example` in the sources and every TypeScript block of the README compiles against the library's
 * types (strict), with the free variables an example assumes declared.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUT = join(ROOT, 'node_modules/.cache/ssooidc-examples')

/** What the examples take as given, from earlier steps: globals, which an example's own names shadow. */
const GIVEN = `declare const clientId: string, clientSecret: string, startUrl: string, region: string, deviceCode: string
declare const refreshToken: string, code: string, userCode: string, port: number, applicationArn: string
declare const accessKeyId: string, secretAccessKey: string, sessionToken: string, idTokenFromYourIdP: string
declare const interval: number, expiresIn: number, clientSecretExpiresAt: number, accessToken: string, url: string, api: string
declare const session: import('../../../src/index').SsoToken, storage: import('../../../src/index').TokenStorage
declare const env: { SESSIONS: import('../../../src/index').TokenStorage }
`

/** Every source file, at any depth, as a path under src/ without its extension. */
const sources = (dir = join(ROOT, 'src'), prefix = ''): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name), `${prefix}${entry.name}/`) : entry.name.endsWith('.ts') ? [`${prefix}${entry.name.slice(0, -3)}`] : [],
  )

function blocks(): { name: string; code: string }[] {
  const found: { name: string; code: string }[] = []
  for (const file of sources()) {
    const text = readFileSync(join(ROOT, 'src', `${file}.ts`), 'utf8')
    for (const [i, match] of [...text.matchAll(/@example\n((?:\s*\*.*\n)+?)\s*\*\//g)].entries()) {
      const code = match[1]!.split('\n').map((line) => line.replace(/^\s*\* ?/, '')).join('\n')
      found.push({ name: `${file.replaceAll('/', '-')}-${i}`, code: code.replace(/```ts\n|```/g, '') })
    }
  }
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  for (const [i, match] of [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].entries()) {
    if (/^\s*(import|const|await)/m.test(match[1]!) && !match[1]!.includes('type Result<')) found.push({ name: `readme-${i}`, code: match[1]! })
  }
  return found
}

it('every @example and README TypeScript block type-checks against the library', () => {
  const examples = blocks()
  expect(examples.length).toBeGreaterThanOrEqual(12)
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(OUT, { recursive: true })
  writeFileSync(join(OUT, 'given.d.ts'), GIVEN)
  for (const { name, code } of examples) writeFileSync(join(OUT, `${name}.ts`), `export {}\n${code}`)
  writeFileSync(
    join(OUT, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../../tsconfig.json',
      compilerOptions: {
        noEmit: true,
        noUnusedLocals: false,
        paths: {
          ssooidc: ['../../../src/index.ts'],
          'ssooidc/portal': ['../../../src/portal/index.ts'],
          'ssooidc/node': ['../../../src/node/index.ts'],
          'ssooidc/emulator': ['../../../src/emulator/index.ts'],
          'ssooidc/emulator/node': ['../../../src/emulator/node.ts'],
        },
      },
      include: ['*.ts'],
    }),
  )
  let output = ''
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', OUT], { encoding: 'utf8' })
  } catch (error) {
    output = (error as { stdout: string }).stdout
  }
  expect(output).toBe('')
  expect(readdirSync(OUT).length).toBe(examples.length + 2)
}, 60_000)
