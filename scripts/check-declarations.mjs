// Checks that a TypeScript library built on ours can emit declarations naming anything we export. valibot is
// bundled, so the types of our schemas live in this package's own chunks: a consumer's `export const schema =
// CreateTokenInput` fails with TS2742 unless every type such a declaration names is exported from a public entry.
// The package is packed and installed as a user gets it; every value export of every entry is re-exported by name,
// and `tsc --declaration` must pass. Run after the build (`npm run lint` does).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const { exports } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
// Each entry as a user imports it (`ssooidc/portal`), and its module in the package (`./dist/portal/index.mjs`).
const entries = Object.entries(exports)
  .filter(([path]) => path !== './package.json')
  .map(([path, { default: module }]) => [`ssooidc${path.slice(1)}`, module])

const dir = mkdtempSync(join(tmpdir(), 'ssooidc-declarations-'))
try {
  const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' }))
  mkdirSync(join(dir, 'node_modules', 'ssooidc'), { recursive: true })
  execFileSync('tar', ['xzf', join(dir, filename), '-C', join(dir, 'node_modules', 'ssooidc'), '--strip-components=1'])
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }))
  const compilerOptions = { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, declaration: true, outDir: 'out', types: [] }
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['index.ts'] }))
  const lines = []
  for (const [n, [entry, module]] of entries.entries()) {
    const names = Object.keys(await import(join(dir, 'node_modules', 'ssooidc', module)))
    lines.push(`import * as entry${n} from '${entry}'`, ...names.map((name) => `export const ${name}${n} = entry${n}.${name}`))
  }
  writeFileSync(join(dir, 'index.ts'), `${lines.join('\n')}\n`)
  try {
    execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', dir], { cwd: dir, encoding: 'utf8' })
  } catch (error) {
    console.error(`A declaration naming our exports does not compile:\n${error.stdout}`)
    process.exitCode = 1
  }
  if (!process.exitCode) console.log(`declarations: every value export of ${entries.map(([entry]) => entry).join(', ')} can be named (${lines.length - entries.length} exports)`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
