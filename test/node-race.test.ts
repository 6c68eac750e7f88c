/**
 * Issue 9: 16 processes calling getSsoToken() at once when the token is inside its refresh window, over one token
 * cache file, while a watcher process reads that file as fast as it can: every process ends with a valid token, the
 * file is complete valid JSON at every read (atomic writes), and at most one refresh request per holder.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createEmulator } from '../src/emulator/index'
import { listen, type EmulatorServer } from '../src/emulator/node'
import { signIn } from '../src/node/index'
import { tokenCachePath } from '../src/node/cache'
import { cleanEnv } from './support/env'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const PROCESSES = 16
const START_URL = 'https://d-1234567890.awsapps.com/start'
let dir: string
let worker: string
let server: EmulatorServer
const refreshes: number[] = []

/** A watcher: reads `file` in a loop until `until` (epoch ms); prints how many reads were absent, valid, broken. */
const WATCHER = `
const { readFileSync } = require('node:fs')
const [file, until] = [process.argv[1], Number(process.argv[2])]
const seen = { absent: 0, valid: 0, broken: 0 }
while (Date.now() < until) {
  let text
  try { text = readFileSync(file, 'utf8') } catch { seen.absent++; continue }
  try { const record = JSON.parse(text); record.accessToken && record.expiresAt ? seen.valid++ : seen.broken++ } catch { seen.broken++ }
}
console.log(JSON.stringify(seen))
`

const run = (args: string[], env: NodeJS.ProcessEnv) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.stderr.on('data', (chunk) => (err += chunk))
    child.on('close', (code) => (code === 0 ? resolve(out.trim().split('\n').pop()!) : reject(new Error(`exit ${code}: ${err}`))))
  })

beforeAll(async () => {
  dir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'ssooidc-node-race-'))
  worker = join(dir, 'worker.mjs')
  await build({ entryPoints: [join(ROOT, 'test/support/node-race-worker.ts')], outfile: worker, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'silent' })
  const emulator = createEmulator()
  server = await listen({
    fetch: async (input, init) => {
      const request = new Request(input, init)
      if (new URL(request.url).pathname === '/token' && JSON.parse(await request.clone().text()).grantType === 'refresh_token') {
        const response = await emulator.fetch(request)
        refreshes.push(response.status)
        return response
      }
      return emulator.fetch(request)
    },
  })
})
afterAll(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

it(`${PROCESSES} processes refresh one cache file at once: all valid, the file whole at every read, at most one request each`, async () => {
  const home = join(dir, 'home')
  mkdirSync(join(home, '.aws'), { recursive: true })
  const config = `[profile dev]\nsso_session = s\n\n[sso-session s]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n`
  writeFileSync(join(home, '.aws', 'config'), config)
  const env = cleanEnv({ HOME: home, AWS_CONFIG_FILE: join(home, '.aws', 'config'), AWS_ENDPOINT_URL_SSO_OIDC: server.url, AWS_PROFILE: 'dev' })
  const browser = async (url: string) => {
    const authorize = await fetch(url, { redirect: 'manual' })
    await fetch(authorize.headers.get('location')!)
  }
  // Signed in as if 3500 s ago: 100 s left, inside every process's 300 s window.
  const signedIn = await signIn({ profile: 'dev', env, openBrowser: browser, now: () => Date.now() - 3500_000 })
  expect(signedIn.ok).toBe(true)
  const file = tokenCachePath({ sessionName: 's', startUrl: START_URL }, { env })
  const start = Date.now() + 1500 // time for every process to load
  const watching = run(['-e', WATCHER, file, String(start + 4000)], env)
  const results = await Promise.all(Array.from({ length: PROCESSES }, () => run([worker], { ...env, START_AT: String(start) }).then((line) => JSON.parse(line))))
  const seen = JSON.parse(await watching)

  const errors = results.filter((r) => !r.ok)
  expect(errors).toStrictEqual([])
  const tokens = new Set(results.map((r) => r.accessToken))
  const stored = JSON.parse(readFileSync(file, 'utf8'))
  expect(tokens.has(signedIn.value!.token.accessToken)).toBe(false)
  expect([...tokens]).toContain(stored.accessToken)
  // The file was there, whole, at every one of many reads (a watcher that hardly ran would prove nothing).
  expect(seen).toMatchObject({ absent: 0, broken: 0 })
  expect(seen.valid).toBeGreaterThan(1000)
  expect(refreshes.length).toBeGreaterThanOrEqual(1)
  expect(refreshes.length).toBeLessThanOrEqual(PROCESSES)
  console.log(`${PROCESSES} processes: 0 errors; ${tokens.size} distinct token(s); ${refreshes.length} refresh requests (${refreshes.filter((s) => s === 200).length} used); watcher reads: ${JSON.stringify(seen)}`)
}, 60_000)
