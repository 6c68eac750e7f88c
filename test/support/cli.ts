/**
 * The `ssooidc` command as a user runs it, for test/cli.test.ts: bundled from src/cli/index.ts with esbuild (as the
 * package ships it: one ESM file, packages left to node_modules), spawned with `process.execPath` in a throwaway
 * HOME, its stdout and stderr collected; the browser of the PKCE flow; the `ssooidc emulator` subcommand as the
 * local Identity Center.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Bundles the command into node_modules/.cache/<tmp>/ssooidc.mjs (where its packages resolve); returns its path and a cleanup. */
export async function bundleCli(): Promise<{ path: string; remove(): void }> {
  const cache = join(ROOT, 'node_modules', '.cache')
  mkdirSync(cache, { recursive: true })
  const dir = mkdtempSync(join(cache, 'ssooidc-cli-test-'))
  const path = join(dir, 'ssooidc.mjs')
  await build({
    entryPoints: [join(ROOT, 'src', 'cli', 'index.ts')],
    outfile: path,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    bundle: true,
    packages: 'external',
    logLevel: 'silent',
  })
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** What a finished command did. */
export interface Run {
  readonly args: readonly string[]
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** A running command: its output so far, waiting on it, signalling it, and its end. */
export class Child {
  stdout = ''
  stderr = ''
  readonly exited: Promise<Run>
  private readonly process: ChildProcess
  private readonly listeners = new Set<() => void>()
  private done = false

  constructor(
    cli: string,
    readonly args: readonly string[],
    env: Record<string, string>,
  ) {
    this.process = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    this.process.stdout!.setEncoding('utf8').on('data', (text: string) => {
      this.stdout += text
      this.notify()
    })
    this.process.stderr!.setEncoding('utf8').on('data', (text: string) => {
      this.stderr += text
      this.notify()
    })
    this.exited = new Promise((resolve, reject) => {
      this.process.once('error', reject)
      // 'close': the process has exited and both streams are read to the end.
      this.process.once('close', (code, signal) => {
        this.done = true
        this.notify()
        resolve({ args, code, signal, stdout: this.stdout, stderr: this.stderr })
      })
    })
  }

  private notify() {
    for (const listener of [...this.listeners]) listener()
  }

  /** Resolves with the first match of `pattern` in `stream`, as soon as it is there; rejects if the process ends first, or after `timeout` ms. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeout = 30_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this[stream].match(pattern)
        if (match) finish(() => resolve(match))
        else if (this.done) finish(() => reject(new Error(`${this.describe()} ended without ${pattern} on ${stream}`)))
      }
      const timer = setTimeout(() => finish(() => reject(new Error(`${this.describe()}: no ${pattern} on ${stream} within ${timeout} ms`))), timeout)
      const finish = (then: () => void) => {
        clearTimeout(timer)
        this.listeners.delete(check)
        then()
      }
      this.listeners.add(check)
      check()
    })
  }

  /** Whether it is still running. */
  get running(): boolean {
    return !this.done
  }

  /** Sends `signal` to this process (by its pid). */
  kill(signal: NodeJS.Signals): void {
    this.process.kill(signal)
  }

  private describe() {
    return `ssooidc ${this.args.join(' ')} (stdout ${JSON.stringify(this.stdout)}, stderr ${JSON.stringify(this.stderr)})`
  }
}

/** Waits for `promise`, or fails after `ms` with `what`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)))
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** The `ssooidc emulator` subcommand, running: its URL, once it printed the two export lines. */
export interface EmulatorProcess {
  readonly child: Child
  readonly url: string
  /** The two variables it printed, to pass in the env of the other commands. */
  readonly endpoints: { AWS_ENDPOINT_URL_SSO_OIDC: string; AWS_ENDPOINT_URL_SSO: string }
}

/** Starts `ssooidc emulator <args>` and waits for the two `export …` lines on its stdout. */
export async function startEmulator(cli: string, args: string[], env: Record<string, string>): Promise<EmulatorProcess> {
  const child = new Child(cli, ['emulator', ...args], env)
  const [, oidc, portal] = await child.waitFor('stdout', /^export AWS_ENDPOINT_URL_SSO_OIDC=(\S+)\nexport AWS_ENDPOINT_URL_SSO=(\S+)\n/)
  return { child, url: oidc!, endpoints: { AWS_ENDPOINT_URL_SSO_OIDC: oidc!, AWS_ENDPOINT_URL_SSO: portal! } }
}

/** The browser of a user who is signed in and consents: GET /authorize (no redirect followed), then its Location. */
export async function playBrowser(authorizeUrl: string): Promise<{ authorize: number; callback: number; location: string }> {
  const authorize = await fetch(authorizeUrl, { redirect: 'manual' })
  await authorize.arrayBuffer()
  const location = authorize.headers.get('location') ?? ''
  const response = await fetch(location, { redirect: 'manual' })
  await response.arrayBuffer()
  return { authorize: authorize.status, callback: response.status, location }
}

export const sha1 = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex')

/** Python's `json.dumps(value, sort_keys=True)` for the flat objects of the registration key (`", "`, `": "`). */
export const pythonSorted = (value: Record<string, unknown>): string =>
  `{${Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}: ${JSON.stringify(value[key]).replace(/,/g, ', ')}`)
    .join(', ')}}`

/** The kinds of secret the command handles, and which command may print each on its stdout. */
export type SecretKind = 'accessToken' | 'refreshToken' | 'clientSecret' | 'secretAccessKey' | 'sessionToken'
export const PRINTED_BY: Record<SecretKind, string | undefined> = {
  accessToken: 'token',
  refreshToken: undefined,
  clientSecret: undefined,
  secretAccessKey: 'credentials',
  sessionToken: 'credentials',
}

/** A throwaway HOME with ~/.aws/config, the env of a user of it, and the secrets seen in its caches. */
export class Home {
  readonly dir = mkdtempSync(join(tmpdir(), 'ssooidc-cli-'))
  readonly secrets = new Map<string, SecretKind>()
  readonly runs: Run[] = []

  constructor(config: string | undefined, endpoints: Record<string, string>) {
    mkdirSync(join(this.dir, '.aws'), { mode: 0o700 })
    if (config !== undefined) writeFileSync(this.config, config)
    this.env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.dir,
      AWS_CONFIG_FILE: this.config,
      AWS_SHARED_CREDENTIALS_FILE: join(this.dir, '.aws', 'credentials'),
      ...endpoints,
    }
  }

  readonly env: Record<string, string>
  get config(): string {
    return join(this.dir, '.aws', 'config')
  }
  get ssoCache(): string {
    return join(this.dir, '.aws', 'sso', 'cache')
  }
  get cliCache(): string {
    return join(this.dir, '.aws', 'cli', 'cache')
  }

  /** The names of the files in a cache directory (none when it is not there), sorted. */
  files(dir: string): string[] {
    return existsSync(dir) ? readdirSync(dir).sort() : []
  }

  /** Records every secret in the cache files now, so that no output may hold it. */
  harvest(): void {
    const add = (value: unknown, kind: SecretKind) => {
      if (typeof value === 'string' && value.length >= 8) this.secrets.set(value, kind)
    }
    for (const dir of [this.ssoCache, this.cliCache]) {
      for (const name of this.files(dir)) {
        let data: Record<string, any>
        try {
          data = JSON.parse(readFileSync(join(dir, name), 'utf8'))
        } catch {
          continue
        }
        add(data.accessToken, 'accessToken')
        add(data.refreshToken, 'refreshToken')
        add(data.clientSecret, 'clientSecret')
        add(data.Credentials?.SecretAccessKey, 'secretAccessKey')
        add(data.Credentials?.SessionToken, 'sessionToken')
      }
    }
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** The output rules every command keeps: no stack trace; a secret only on the stdout of the command that prints it. */
export function outputProblems(runs: readonly Run[], secrets: ReadonlyMap<string, SecretKind>): string[] {
  const problems: string[] = []
  for (const run of runs) {
    const name = `ssooidc ${run.args.join(' ')}`
    if (/^ {4}at /m.test(run.stderr) || /^ {4}at /m.test(run.stdout)) problems.push(`${name}: a stack trace: ${run.stderr}`)
    for (const [secret, kind] of secrets) {
      if (run.stderr.includes(secret)) problems.push(`${name}: its stderr holds a ${kind}`)
      if (run.stdout.includes(secret) && PRINTED_BY[kind] !== run.args[0]) problems.push(`${name}: its stdout holds a ${kind}`)
    }
  }
  return problems
}
