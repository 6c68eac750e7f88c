/**
 * The cross-process rotation race (issue 7): real `node` processes, each with its own token provider over one
 * shared store, refreshing one session at the same instant against the emulator served over HTTP on loopback.
 * Used by test/race.test.ts (unstorage's fs driver) and test/redis/race.test.ts (a real Redis).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Storage } from 'unstorage'
import * as v from 'valibot'
import { expect } from 'vitest'
import { createEmulator, type EmulatorOptions } from '../../src/emulator/index'
import { listen } from '../../src/emulator/node'
import { createToken, createTokenWithIAM, registerClient, SsoToken, startDeviceAuthorization, toSsoToken, type Fetch } from '../../src/index'
import { cleanEnv } from './env'
import type { Go, StoreConfig, WorkerConfig, WorkerReport } from './race-worker'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token'
const APPLICATION = 'arn:aws:sso::123456789012:application/ssoins-1/apl-1'
const START_URL = 'https://my-org.awsapps.com/start'

/** The worker, bundled for `node`; `remove()` deletes the bundle. */
export interface WorkerBundle {
  file: string
  remove(): Promise<void>
}

/**
 * Bundles test/support/race-worker.ts (and the src/ it imports) with esbuild, packages left external, into a fresh
 * directory under node_modules/.cache, from where `unstorage`, `ioredis` and the rest resolve as installed.
 */
export async function buildWorker(): Promise<WorkerBundle> {
  const cache = join(ROOT, 'node_modules', '.cache')
  await mkdir(cache, { recursive: true })
  const dir = await mkdtemp(join(cache, 'ssooidc-race-'))
  const file = join(dir, 'race-worker.mjs')
  await build({
    entryPoints: [join(ROOT, 'test', 'support', 'race-worker.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  })
  return { file, remove: () => rm(dir, { recursive: true, force: true }) }
}

/** What a race is run with. */
export interface RaceOptions {
  /** The bundled worker. */
  worker: WorkerBundle
  /** The parent's own handle on the shared store: it writes the signed-in session there and reads the end state. */
  storage: Storage
  /** The same store, as the workers open it. */
  store: StoreConfig
  /** The key of the session in the store. */
  key: string
  /** How many processes race. Default 4. */
  processes?: number
  /** How many `getToken()` calls each makes in a row. Default 3. */
  calls?: number
  /** Options of the emulator (its clock excepted). */
  emulator?: EmulatorOptions
  /**
   * Seconds the signed-in session has left when the processes start: the sign-in is played that much before the
   * access token's expiry (the emulator's clock is set back for it), so the record and the emulator agree. Default
   * 200, inside the provider's default 300 s window: every process has to refresh at once.
   */
  left?: number
}

/** How a race went. */
export interface RaceOutcome {
  /** Each process's report, in spawn order. */
  reports: WorkerReport[]
  /** The CreateToken refresh_token requests the emulator received, by HTTP status, in order of arrival. */
  refreshes: number[]
  /** The access token of the sign-in (before any refresh). */
  signedIn: string
  /** What the store holds at the end, as the parent reads it back. */
  stored: unknown
  /**
   * The emulator's verdict, at the end of the race, on each access token a process ended with, on the stored one
   * and on a made-up one (the control): `"accepted"`, or the exception name of the refused token exchange.
   */
  verdicts: Record<string, string>
  /** A token the emulator never issued, whose verdict must be a refusal. */
  bogus: string
  /** Wall time of the processes, from spawn to the last exit, in ms. */
  ms: number
}

/** Starts the emulator on loopback, signs in, stores the session, runs the processes, and collects what happened. */
export async function race(options: RaceOptions): Promise<RaceOutcome> {
  const { worker, storage, store, key, processes = 4, calls = 3, emulator: emulatorOptions = {}, left = 200 } = options
  const lifetime = emulatorOptions.accessTokenExpiresIn ?? 3600
  if (left > lifetime) throw new Error(`left (${left} s) exceeds the access token lifetime (${lifetime} s)`)
  let offset = -(lifetime - left) * 1000
  const emulator = createEmulator({ ...emulatorOptions, interval: 0, clock: () => Date.now() + offset })

  const refreshes: number[] = []
  const counted: Fetch = async (input, init) => {
    const request = new Request(input, init)
    let grantType: unknown
    if (new URL(request.url).pathname === '/token') {
      try {
        grantType = (JSON.parse(await request.clone().text()) as { grantType?: unknown }).grantType
      } catch {}
    }
    const response = await emulator.fetch(request)
    if (grantType === 'refresh_token') refreshes.push(response.status)
    return response
  }
  const server = await listen({ fetch: counted }, { port: 0 })
  const children: ChildProcess[] = []
  try {
    // The sign-in, as the device flow does it, `lifetime - left` seconds ago by the emulator's clock.
    const call = { region: 'us-east-1', endpoint: server.url, retry: 0 }
    const client = await registerClient({ clientName: 'race', clientType: 'public', scopes: ['sso:account:access'] }, call)
    if (!client.ok) throw new Error(`RegisterClient: ${client.error.message}`)
    const { clientId = '', clientSecret = '' } = client.value
    const device = await startDeviceAuthorization({ clientId, clientSecret, startUrl: START_URL }, call)
    if (!device.ok) throw new Error(`StartDeviceAuthorization: ${device.error.message}`)
    if (!emulator.approve(device.value.userCode ?? '')) throw new Error('the emulator did not approve the user code')
    const token = await createToken({ clientId, clientSecret, grantType: DEVICE_CODE, deviceCode: device.value.deviceCode ?? '' }, call)
    if (!token.ok) throw new Error(`CreateToken: ${token.error.message}`)
    const session = toSsoToken({ token: token.value, client: client.value, startUrl: START_URL, region: 'us-east-1' }, Date.now() + offset)
    if (!session.ok) throw new Error(session.error.message)
    if (!session.value.refreshToken) throw new Error('the sign-in gave no refresh token')
    offset = 0
    await storage.setItem(key, JSON.stringify(session.value))

    // The processes: each opens the store and its provider, says it is ready, and waits for the common instant.
    const config: WorkerConfig = { store, key, endpoint: server.url, calls }
    const started = performance.now()
    const runs = Array.from({ length: processes }, () => {
      const child = spawn(process.execPath, [worker.file], {
        env: cleanEnv({ RACE_WORKER: JSON.stringify(config) }),
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      })
      children.push(child)
      let stdout = ''
      let stderr = ''
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
      const ready = new Promise<void>((resolve) => child.once('message', () => resolve()))
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('close', (code, signal) => resolve({ code, signal })),
      )
      return { child, ready, exited, out: () => ({ stdout, stderr }) }
    })
    const who = (i: number) => {
      const { stdout, stderr } = runs[i]!.out()
      return `process ${i + 1} (pid ${runs[i]!.child.pid}): stdout ${JSON.stringify(stdout)}, stderr ${JSON.stringify(stderr)}`
    }
    const failed = runs.map((run, i) => run.exited.then(({ code, signal }) => Promise.reject(new Error(`${who(i)} exited (${code ?? signal}) before it was ready`))))
    for (const f of failed) f.catch(() => {})
    await within(60_000, 'the processes to be ready', Promise.race([Promise.all(runs.map((run) => run.ready)), ...failed]))

    // The barrier: one start instant for all, far enough ahead for every process to get the message.
    const go: Go = { at: Date.now() + 300 }
    for (const { child } of runs) child.send(go)
    const exits = await within(60_000, 'the processes to end', Promise.all(runs.map((run) => run.exited)))
    const ms = Math.round(performance.now() - started)

    const reports = runs.map((_, i) => {
      const { code, signal } = exits[i]!
      const line = runs[i]!.out().stdout.trim().split('\n').pop() ?? ''
      if (code !== 0) throw new Error(`${who(i)} exited with ${code ?? signal}`)
      try {
        return JSON.parse(line) as WorkerReport
      } catch {
        throw new Error(`${who(i)} printed no report`)
      }
    })

    // The end state, and the emulator's word on every token: a token exchange answers only for a live access token.
    const stored = await storage.getItem(key)
    const bogus = `aoa${'0'.repeat(40)}`
    const tokens = new Set([bogus, ...reports.flatMap((r) => r.calls.flatMap((c) => (c.ok ? [c.accessToken] : [])))])
    if (stored && typeof stored === 'object' && typeof (stored as { accessToken?: unknown }).accessToken === 'string') {
      tokens.add((stored as { accessToken: string }).accessToken)
    }
    const verdicts: Record<string, string> = {}
    for (const subjectToken of tokens) {
      const exchanged = await createTokenWithIAM(
        { clientId: APPLICATION, grantType: TOKEN_EXCHANGE, subjectToken, subjectTokenType: ACCESS_TOKEN },
        { ...call, credentials: { accessKeyId: 'AKIDRACE', secretAccessKey: 'any: the emulator checks only the form' } },
      )
      verdicts[subjectToken] = exchanged.ok ? 'accepted' : exchanged.error.name
    }
    return { reports, refreshes, signedIn: session.value.accessToken, stored, verdicts, bogus, ms }
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await server.close()
  }
}

/** `promise`, or a rejection naming what was awaited after `ms`. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)))])
  } finally {
    clearTimeout(timer)
  }
}

/** One line of figures for the test's output. */
export function summary(label: string, outcome: RaceOutcome): string {
  const errors = outcome.reports.reduce((n, r) => n + r.calls.filter((c) => !c.ok).length, 0)
  const used = outcome.refreshes.filter((s) => s === 200).length
  const spread = Math.max(...outcome.reports.map((r) => r.lateBy))
  const firsts = outcome.reports.map((r) => r.calls[0]?.ms ?? 0)
  return (
    `[${label}] ${outcome.reports.length} processes × ${outcome.reports[0]?.calls.length ?? 0} calls: ${errors} errors; ` +
    `${outcome.refreshes.length} refresh requests (${used} used, ${outcome.refreshes.length - used} refused: [${outcome.refreshes.join(', ')}]); ` +
    `first calls ${firsts.join('/')} ms; barrier late by ≤ ${spread} ms; processes ${outcome.ms} ms`
  )
}

/**
 * The outcome every store must give: no process sees an error; every call of every process gets the one session
 * the winner of the race stored (live, by the emulator's word, and out of the refresh window); exactly one refresh
 * is used, and each other one is a loser's refused request, so at most `processes - 1` are wasted.
 */
export function expectOneWinner(outcome: RaceOutcome, processes = 4, calls = 3): void {
  const { reports, refreshes, stored, verdicts, bogus, signedIn } = outcome
  expect(reports).toHaveLength(processes)
  expect(reports.flatMap((r) => r.calls.filter((c) => !c.ok)), 'errors').toStrictEqual([])
  for (const report of reports) expect(report.calls).toHaveLength(calls)

  const record = v.safeParse(SsoToken, stored)
  expect(record.success, `the store holds a session record: ${JSON.stringify(stored)}`).toBe(true)
  const session = record.output as SsoToken
  expect(session.accessToken).not.toBe(signedIn)
  expect(Date.parse(session.expiresAt) - Date.now()).toBeGreaterThan(300_000)
  expect(verdicts[session.accessToken]).toBe('accepted')

  const finals = reports.map((r) => (r.calls.at(-1) as { accessToken?: string }).accessToken ?? '')
  for (const token of finals) expect(verdicts[token], 'the emulator accepts each final token').toBe('accepted')
  expect(verdicts[bogus], 'the control: a made-up token is refused').toBe('InvalidGrantException')
  const tokens = reports.flatMap((r) => r.calls.map((c) => (c.ok ? c.accessToken : '')))
  expect(new Set(tokens), 'every call got the stored session').toStrictEqual(new Set([session.accessToken]))

  expect(refreshes.filter((status) => status === 200), 'one refresh used').toHaveLength(1)
  expect(refreshes.filter((status) => status !== 200).every((status) => status === 400)).toBe(true)
  expect(refreshes.length, 'refresh requests: 1 + the losers').toBeLessThanOrEqual(processes)
}
