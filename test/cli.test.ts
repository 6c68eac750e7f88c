/**
 * Issue 10: the `ssooidc` command end to end. The command is bundled from src/cli/index.ts with esbuild and run as
 * a child process (`process.execPath`), in a throwaway HOME per test; the local Identity Center is its own
 * `ssooidc emulator` subcommand, a child process on 127.0.0.1 whose two `export …` lines point the other commands at
 * it. The test plays the browser of the PKCE flow (GET /authorize without following, then its Location: the login's
 * loopback callback). Every test ends by checking every command it ran: no stack trace, and no secret where it
 * should not be (tokens and the client secret never on stderr; the access token only on the stdout of `token`, the
 * secret key and session token only on that of `credentials`).
 */
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { fromIni } from '@aws-sdk/credential-provider-ini'
import { fromProcess } from '@aws-sdk/credential-provider-process'
import { version } from '../package.json'
import { listAccounts } from '../src/portal/index'
import { botocoreCredentials } from './support/botocore'
import { HELP as LOGIN_HELP } from '../src/cli/login'
import { HELP as TOKEN_HELP } from '../src/cli/token'
import { HELP as CREDENTIALS_HELP } from '../src/cli/credentials'
import { HELP as LOGOUT_HELP } from '../src/cli/logout'
import { HELP as EMULATOR_HELP } from '../src/cli/emulator'
import {
  bundleCli,
  Child,
  Home,
  outputProblems,
  playBrowser,
  pythonSorted,
  sha1,
  startEmulator,
  within,
  type EmulatorProcess,
  type Run,
  type SecretKind,
} from './support/cli'

const T = 60_000
const START_URL = 'https://d-1234567890.awsapps.com/start'
const OTHER_URL = 'https://d-9999999999.awsapps.com/start'

const CONFIG = `[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = ReadOnlyAccess
region = eu-west-1

[sso-session my-sso]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile legacy]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = PowerUserAccess

[profile broken]
sso_session = nowhere
`

// The cache files' names, as SESSIONS.md §1, §2 and §5 give them (SHA-1 of the session name, of the start URL,
// of the registration and role keys).
const SESSION_TOKEN = `${sha1('my-sso')}.json`
const SESSION_REGISTRATION = `${sha1(pythonSorted({ tool: 'botocore', startUrl: START_URL, region: 'us-east-1', scopes: ['sso:account:access'], session_name: 'my-sso' }))}.json`
const LEGACY_TOKEN = '7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json'
const LEGACY_REGISTRATION = '365414a68be7c9bfc776c660981dbdbd942acea4.json'
const roleFile = (accountId: string, roleName: string, sessionName: string) =>
  `${sha1(`{"accountId":"${accountId}","roleName":"${roleName}","sessionName":"${sessionName}"}`)}.json`
const legacyRoleFile = (accountId: string, roleName: string, startUrl: string) =>
  `${sha1(`{"accountId":"${accountId}","roleName":"${roleName}","startUrl":"${startUrl}"}`)}.json`

let cli: { path: string; remove(): void }
let emulatorHome: Home
let emulator: EmulatorProcess

beforeAll(async () => {
  cli = await bundleCli()
  // Even the emulator gets a throwaway HOME: nothing here ever sees the real ~/.aws.
  emulatorHome = new Home(undefined, {})
  emulator = await startEmulator(cli.path, ['--auto-approve', '1'], emulatorHome.env)
}, T)

afterAll(async () => {
  try {
    if (emulator?.child.running) {
      emulator.child.kill('SIGINT')
      const stopped = await within(emulator.child.exited, 10_000, 'the emulator stopping')
      expect(stopped.code).toBe(0)
      expect(stopped.stderr).toMatch(/\nStopped\.\n$/)
      // What every test's caches held never reached the emulator's output either.
      expect(outputProblems([stopped], everySecret)).toStrictEqual([])
    }
  } finally {
    if (emulator?.child.running) emulator.child.kill('SIGKILL')
    emulatorHome?.remove()
    cli?.remove()
  }
}, T)

// The user of each test: a HOME, the commands run in it, the secrets seen in its caches.
let home: Home | undefined
const children = new Set<Child>()
const everySecret = new Map<string, SecretKind>()

function user(config: string | undefined = CONFIG): Home {
  home = new Home(config, emulator.endpoints)
  return home
}

afterEach(() => {
  for (const child of children) if (child.running) child.kill('SIGKILL')
  children.clear()
  if (!home) return
  const { runs, secrets } = home
  home.harvest()
  for (const [secret, kind] of secrets) everySecret.set(secret, kind)
  home.remove()
  home = undefined
  expect(outputProblems(runs, secrets)).toStrictEqual([])
})

/** Starts `ssooidc <args>` as the user of `h`; when it ends, its run is recorded and the caches' secrets harvested. */
function start(h: Home, args: string[], env: Record<string, string> = {}): Child {
  const child = new Child(cli.path, args, { ...h.env, ...env })
  children.add(child)
  void child.exited.then((run) => {
    h.runs.push(run)
    h.harvest()
    // What the command printed counts too (a refreshed token, the role credentials).
    if (run.code !== 0 || args.includes('--help') || args.includes('-h')) return
    if (args[0] === 'token') {
      const token = run.stdout.startsWith('{') ? JSON.parse(run.stdout).accessToken : run.stdout.trim()
      h.secrets.set(token, 'accessToken')
    }
    if (args[0] === 'credentials') {
      const { SecretAccessKey, SessionToken } = JSON.parse(run.stdout)
      h.secrets.set(SecretAccessKey, 'secretAccessKey')
      h.secrets.set(SessionToken, 'sessionToken')
    }
  }, () => {})
  return child
}

/** Runs `ssooidc <args>` to its end. */
const ssooidc = (h: Home, args: string[], env: Record<string, string> = {}): Promise<Run> =>
  within(start(h, args, env).exited, 45_000, `ssooidc ${args.join(' ')}`)

const AUTHORIZE_LINE = /^http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+$/m
const PKCE_WAIT = /Waiting for the sign-in in the browser \(\d+:\d\d left\)\n/
const pkcePrompt = (url: string) =>
  new RegExp(`^Browser will not be automatically opened\\.\\nPlease visit the following URL:\\n\\n${escape(url)}\\n\\n${PKCE_WAIT.source}$`)
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** `ssooidc login <args> --no-browser` in the PKCE flow, with the test as the browser; resolves when it ended. */
async function loginInBrowser(h: Home, args: string[]) {
  const child = start(h, ['login', ...args, '--no-browser'])
  const [url] = (await child.waitFor('stderr', AUTHORIZE_LINE)) as [string]
  const browser = await playBrowser(url)
  const run = await within(child.exited, 30_000, 'login')
  return { run, url, browser }
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'))
const mode = (path: string) => statSync(path).mode & 0o777

describe('the file names of SESSIONS.md, computed here', () => {
  it('reproduces the vectors observed from the AWS CLI', () => {
    expect(sha1('mysess')).toBe('b293dca1675b2cff32e33527c1160002476b993c')
    expect(`${sha1(START_URL)}.json`).toBe(LEGACY_TOKEN)
    expect(sha1(pythonSorted({ tool: 'botocore', startUrl: START_URL, region: 'us-east-1', scopes: null, session_name: null }))).toBe(LEGACY_REGISTRATION.slice(0, -5))
    expect(sha1(pythonSorted({ tool: 'botocore', startUrl: START_URL, region: 'us-east-1', scopes: ['sso:account:access'], session_name: 'mysess' }))).toBe(
      'c8b53396d84216b49a86ac09c2efa1fbd930582b',
    )
  })
})

describe('help, version and usage errors', () => {
  it('--help, -h and help print the help on stdout and exit 0', async () => {
    const h = user()
    const runs = await Promise.all([['--help'], ['-h'], ['help']].map((args) => ssooidc(h, args)))
    for (const run of runs) {
      expect(run).toMatchObject({ code: 0, stderr: '' })
      expect(run.stdout).toBe(runs[0]!.stdout)
    }
    const help = runs[0]!.stdout
    expect(help).toMatch(/^ssooidc: sign in to AWS IAM Identity Center.*\n\nUsage: ssooidc <command> \[options\]\n/)
    for (const command of ['login', 'token', 'credentials', 'logout', 'emulator']) expect(help).toMatch(new RegExp(`^  ${command} +\\S`, 'm'))
    expect(help).toMatch(/^  -h, --help /m)
    expect(help).toMatch(/^  -v, --version /m)
    expect(help.endsWith('\n')).toBe(true)
  }, T)

  it.each([
    ['login', LOGIN_HELP],
    ['token', TOKEN_HELP],
    ['credentials', CREDENTIALS_HELP],
    ['logout', LOGOUT_HELP],
    ['emulator', EMULATOR_HELP],
  ])('%s --help and -h print its help on stdout and exit 0', async (command, help) => {
    const h = user()
    expect(help).toMatch(new RegExp(`^Usage: ssooidc ${command}[ \\n]`))
    for (const args of [[command, '--help'], [command, '-h'], [command, '--profile', 'dev', '--help']]) {
      expect(await ssooidc(h, args)).toMatchObject({ code: 0, signal: null, stdout: help, stderr: '' })
    }
  }, T)

  it('--version and -v print the version of package.json and Node', async () => {
    const h = user()
    for (const flag of ['--version', '-v']) {
      expect(await ssooidc(h, [flag])).toMatchObject({ code: 0, stdout: `ssooidc ${version} (node ${process.version})\n`, stderr: '' })
    }
  }, T)

  it.each([
    [['bogus'], 'Unknown command: bogus', 'ssooidc --help'],
    [['login', '--bogus'], "Unknown option '--bogus'", 'ssooidc login --help'],
    [['token', '-x'], "Unknown option '-x'", 'ssooidc token --help'],
    [['token', '--profile'], "Option '--profile <value>' argument missing", 'ssooidc token --help'],
    [['credentials', '--account-id', '444455556666'], '--account-id and --role-name go together', 'ssooidc credentials --help'],
    [['logout', 'extra'], "Unexpected argument 'extra'. This command does not take positional arguments", 'ssooidc logout --help'],
    [['login', '--start-url', START_URL], '--start-url and --region go together', 'ssooidc login --help'],
    [['login', '--profile', 'dev', '--sso-session', 'my-sso'], 'Give one of --profile, --sso-session or --start-url', 'ssooidc login --help'],
    [['emulator', '--port', 'x'], '--port must be a port number, not x', 'ssooidc emulator --help'],
  ])('ssooidc %j: 252, one line and where to look on stderr, nothing on stdout', async (args, line, see) => {
    const h = user()
    expect(await ssooidc(h, args)).toMatchObject({ code: 252, signal: null, stdout: '', stderr: `${line}\nSee: ${see}\n` })
  }, T)

  it('an unknown option before any command: 252, one line and where to look', async () => {
    const h = user()
    const run = await ssooidc(h, ['--bogus'])
    expect(run).toMatchObject({ code: 252, signal: null, stdout: '' })
    expect(run.stderr).toMatch(/^[^\n]*--bogus[^\n]*\nSee: ssooidc --help\n$/)
  }, T)

  it('no command at all: 252 and the help', async () => {
    const h = user()
    const run = await ssooidc(h, [])
    expect(run.code).toBe(252)
    expect(run.stdout + run.stderr).toContain('Usage: ssooidc <command> [options]')
  }, T)
})

describe('login', () => {
  it('signs an sso-session profile in with PKCE, writes the token and registration caches, and a second login reuses the registration', async () => {
    const h = user()
    const { run, url, browser } = await loginInBrowser(h, ['--profile', 'dev'])
    expect(run).toMatchObject({ code: 0, signal: null, stdout: `Successfully logged into Start URL: ${START_URL}\n` })
    expect(run.stderr).toMatch(pkcePrompt(url))
    // The authorize request went to the emulator, with PKCE, a state, and the loopback server's redirect URI.
    const authorize = new URL(url)
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${emulator.url}/authorize`)
    expect(authorize.searchParams.get('response_type')).toBe('code')
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authorize.searchParams.get('state')).toMatch(/.{16,}/)
    expect(authorize.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/)
    expect(browser).toMatchObject({ authorize: 302, callback: 200 })
    expect(browser.location.startsWith(`${authorize.searchParams.get('redirect_uri')}?`)).toBe(true)

    // The files of `aws sso login`: the token by the session's name, the registration by its key; 0600 in 0700.
    expect(h.files(h.ssoCache)).toStrictEqual([SESSION_TOKEN, SESSION_REGISTRATION].sort())
    expect(mode(join(h.dir, '.aws', 'sso'))).toBe(0o700)
    expect(mode(h.ssoCache)).toBe(0o700)
    for (const name of h.files(h.ssoCache)) expect(mode(join(h.ssoCache, name))).toBe(0o600)
    const token = readJson(join(h.ssoCache, SESSION_TOKEN))
    const registration = readJson(join(h.ssoCache, SESSION_REGISTRATION))
    expect(Object.keys(token)).toStrictEqual(['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken'])
    expect(token).toMatchObject({ startUrl: START_URL, region: 'us-east-1', clientId: registration.clientId, clientSecret: registration.clientSecret })
    expect(Date.parse(token.expiresAt)).toBeGreaterThan(Date.now() + 50 * 60_000)
    expect(registration).toMatchObject({ scopes: ['sso:account:access'], grantTypes: ['authorization_code', 'refresh_token'] })
    const registrationText = readFileSync(join(h.ssoCache, SESSION_REGISTRATION), 'utf8')

    // Again: a new token, the same client, the registration file untouched.
    const again = await loginInBrowser(h, ['--profile', 'dev'])
    expect(again.run).toMatchObject({ code: 0, stdout: `Successfully logged into Start URL: ${START_URL}\n` })
    expect(again.url).not.toBe(url)
    expect(new URL(again.url).searchParams.get('client_id')).toBe(authorize.searchParams.get('client_id'))
    expect(readFileSync(join(h.ssoCache, SESSION_REGISTRATION), 'utf8')).toBe(registrationText)
    const second = readJson(join(h.ssoCache, SESSION_TOKEN))
    expect(second.accessToken).not.toBe(token.accessToken)
    expect(second.clientId).toBe(token.clientId)
    expect(h.files(h.ssoCache)).toStrictEqual([SESSION_TOKEN, SESSION_REGISTRATION].sort())
  }, T)

  it('the loopback server refuses a callback with a wrong state (400), and the right one still completes the sign-in', async () => {
    const h = user()
    const child = start(h, ['login', '--sso-session', 'my-sso', '--no-browser'])
    const [url] = (await child.waitFor('stderr', AUTHORIZE_LINE)) as [string]
    const authorize = await fetch(url, { redirect: 'manual' })
    expect(authorize.status).toBe(302)
    const callback = new URL(authorize.headers.get('location')!)
    const forged = new URL(callback)
    forged.searchParams.set('state', `${callback.searchParams.get('state')}x`)
    const refused = await fetch(forged, { redirect: 'manual' })
    expect(refused.status).toBe(400)
    expect(await refused.text()).not.toContain(callback.searchParams.get('code')!)
    const noState = new URL(callback)
    noState.searchParams.delete('state')
    expect((await fetch(noState)).status).toBe(400)
    expect(child.running).toBe(true)

    const accepted = await fetch(callback, { redirect: 'manual' })
    expect(accepted.status).toBe(200)
    await accepted.arrayBuffer()
    const run = await within(child.exited, 30_000, 'login')
    expect(run).toMatchObject({ code: 0, stdout: `Successfully logged into Start URL: ${START_URL}\n` })
    expect(h.files(h.ssoCache)).toContain(SESSION_TOKEN)
  }, T)

  it('--use-device-code: the code and the URLs on stderr, approved by the emulator after 1 s', async () => {
    const h = user()
    const run = await ssooidc(h, ['login', '--profile', 'dev', '--use-device-code', '--no-browser'])
    expect(run).toMatchObject({ code: 0, signal: null, stdout: `Successfully logged into Start URL: ${START_URL}\n` })
    expect(run.stderr).toMatch(
      /^Browser will not be automatically opened\.\nPlease visit the following URL:\n\n(https:\/\/\S+)\n\nThen enter the code:\n\n([A-Z]{4}-[A-Z]{4})\n\nAlternatively, you may visit the following URL which will autofill the code upon loading:\n\1\?user_code=\2\n\nWaiting for the code to be approved \(\d+:\d\d left\)\n$/,
    )
    // One registration file for both flows (the session's key), made for the device flow this time.
    expect(h.files(h.ssoCache)).toStrictEqual([SESSION_TOKEN, SESSION_REGISTRATION].sort())
    const registration = readJson(join(h.ssoCache, SESSION_REGISTRATION))
    expect(registration.grantTypes).toBeUndefined()
    expect(readJson(join(h.ssoCache, SESSION_TOKEN))).toMatchObject({ startUrl: START_URL, region: 'us-east-1', clientId: registration.clientId })
    for (const name of h.files(h.ssoCache)) expect(mode(join(h.ssoCache, name))).toBe(0o600)
  }, T)

  it('a legacy profile (sso_start_url and sso_region in the profile) signs in with a device code; its files are named by the start URL', async () => {
    const h = user()
    const run = await ssooidc(h, ['login', '--profile', 'legacy', '--no-browser'])
    expect(run).toMatchObject({ code: 0, stdout: `Successfully logged into Start URL: ${START_URL}\n` })
    expect(run.stderr).toMatch(/\nThen enter the code:\n\n[A-Z]{4}-[A-Z]{4}\n/)
    expect(h.files(h.ssoCache)).toStrictEqual([LEGACY_TOKEN, LEGACY_REGISTRATION].sort())
    const token = readJson(join(h.ssoCache, LEGACY_TOKEN))
    expect(token).toMatchObject({ startUrl: START_URL, region: 'us-east-1' })
    // And the other commands find it.
    expect(await ssooidc(h, ['token', '--profile', 'legacy'])).toMatchObject({ code: 0, stdout: `${token.accessToken}\n`, stderr: '' })
  }, T)

  it('--start-url and --region sign in without any config file', async () => {
    const h = user(undefined)
    const run = await ssooidc(h, ['login', '--start-url', OTHER_URL, '--region', 'us-east-1', '--no-browser'])
    expect(run).toMatchObject({ code: 0, stdout: `Successfully logged into Start URL: ${OTHER_URL}\n` })
    expect(run.stderr).toMatch(/\nThen enter the code:\n\n[A-Z]{4}-[A-Z]{4}\n/)
    const registration = `${sha1(pythonSorted({ tool: 'botocore', startUrl: OTHER_URL, region: 'us-east-1', scopes: null, session_name: null }))}.json`
    expect(h.files(h.ssoCache)).toStrictEqual([`${sha1(OTHER_URL)}.json`, registration].sort())
    expect(readJson(join(h.ssoCache, `${sha1(OTHER_URL)}.json`))).toMatchObject({ startUrl: OTHER_URL, region: 'us-east-1' })
  }, T)

  it('refused in the browser (the redirect carries error=access_denied): 254 as its help says, the refusal on stderr, no token', async () => {
    const h = user()
    const child = start(h, ['login', '--profile', 'dev', '--no-browser'])
    const [url] = (await child.waitFor('stderr', AUTHORIZE_LINE)) as [string]
    const authorize = await fetch(url, { redirect: 'manual' })
    const callback = new URL(authorize.headers.get('location')!)
    const refusal = new URL(`${callback.origin}${callback.pathname}`)
    refusal.searchParams.set('error', 'access_denied')
    refusal.searchParams.set('state', callback.searchParams.get('state')!)
    const page = await fetch(refusal)
    expect(page.status).toBe(400)
    await page.arrayBuffer()
    const run = await within(child.exited, 30_000, 'login')
    expect(run).toMatchObject({ code: 254, signal: null, stdout: '' })
    expect(run.stderr).toMatch(new RegExp(`${pkcePrompt(url).source.slice(0, -1)}The sign-in was refused: access_denied\\n$`))
    expect(h.files(h.ssoCache)).toStrictEqual([SESSION_REGISTRATION])
  }, T)

  it('Ctrl-C while it waits for the browser: 130, "Interrupted.", no token written, the loopback server gone', async () => {
    const h = user()
    const child = start(h, ['login', '--profile', 'dev', '--no-browser'])
    const [url] = (await child.waitFor('stderr', AUTHORIZE_LINE)) as [string]
    await child.waitFor('stderr', PKCE_WAIT)
    child.kill('SIGINT')
    const run = await within(child.exited, 10_000, 'login after Ctrl-C')
    expect(run).toMatchObject({ code: 130, signal: null, stdout: '' })
    expect(run.stderr).toMatch(new RegExp(`${pkcePrompt(url).source.slice(0, -1)}\\nInterrupted\\.\\n$`))
    // The registration was made before the prompt; the token never was.
    expect(h.files(h.ssoCache)).toStrictEqual([SESSION_REGISTRATION])
    await expect(fetch(new URL(url).searchParams.get('redirect_uri')!)).rejects.toThrow()
  }, T)

  it('Ctrl-C while it waits for a device code to be approved: 130, "Interrupted.", no token written', async () => {
    const h = user()
    // An emulator of its own, that leaves device codes pending for 10 minutes.
    const slow = start(h, ['emulator', '--auto-approve', '600'])
    const [, url] = (await slow.waitFor('stdout', /^export AWS_ENDPOINT_URL_SSO_OIDC=(\S+)\n/)) as [string, string]
    const child = start(h, ['login', '--profile', 'legacy', '--no-browser'], { AWS_ENDPOINT_URL_SSO_OIDC: url, AWS_ENDPOINT_URL_SSO: url })
    await child.waitFor('stderr', /\nWaiting for the code to be approved \(\d+:\d\d left\)\n$/)
    child.kill('SIGINT')
    const run = await within(child.exited, 10_000, 'login after Ctrl-C')
    expect(run).toMatchObject({ code: 130, signal: null, stdout: '' })
    expect(run.stderr).toMatch(/\nThen enter the code:\n\n[A-Z]{4}-[A-Z]{4}\n[^]*\n\nInterrupted\.\n$/)
    expect(h.files(h.ssoCache)).toStrictEqual([LEGACY_REGISTRATION])
    slow.kill('SIGINT')
    expect(await within(slow.exited, 10_000, 'the emulator stopping')).toMatchObject({ code: 0, stderr: expect.stringMatching(/\nStopped\.\n$/) })
  }, T)

  it('a missing sso-session or profile: 253 and the AWS CLI\'s message', async () => {
    const h = user()
    expect(await ssooidc(h, ['login', '--profile', 'broken', '--no-browser'])).toMatchObject({
      code: 253,
      stdout: '',
      stderr: 'The specified sso-session does not exist: "nowhere"\n',
    })
    expect(await ssooidc(h, ['login', '--profile', 'nope', '--no-browser'])).toMatchObject({
      code: 253,
      stdout: '',
      stderr: 'The config profile (nope) could not be found\n',
    })
    expect(h.files(h.ssoCache)).toStrictEqual([])
  }, T)
})

describe('token', () => {
  it('prints the cached token and nothing else; --json prints {"accessToken","expiresAt"}', async () => {
    const h = user()
    expect((await loginInBrowser(h, ['--profile', 'dev'])).run.code).toBe(0)
    const { accessToken, expiresAt } = readJson(join(h.ssoCache, SESSION_TOKEN))
    expect(await ssooidc(h, ['token', '--profile', 'dev'])).toMatchObject({ code: 0, stdout: `${accessToken}\n`, stderr: '' })
    expect(await ssooidc(h, ['token', '--profile', 'dev', '--json'])).toMatchObject({
      code: 0,
      stdout: `{"accessToken":${JSON.stringify(accessToken)},"expiresAt":${JSON.stringify(expiresAt)}}\n`,
      stderr: '',
    })
    expect(await ssooidc(h, ['token', '--sso-session', 'my-sso'])).toMatchObject({ code: 0, stdout: `${accessToken}\n`, stderr: '' })
    expect(await ssooidc(h, ['token'], { AWS_PROFILE: 'dev' })).toMatchObject({ code: 0, stdout: `${accessToken}\n`, stderr: '' })
    // Not refreshed: the file is as the login wrote it.
    expect(readJson(join(h.ssoCache, SESSION_TOKEN)).accessToken).toBe(accessToken)
  }, T)

  it('a token that expires within the window (100 s) is refreshed with its refresh token, written back, and printed', async () => {
    const h = user()
    expect((await loginInBrowser(h, ['--profile', 'dev'])).run.code).toBe(0)
    const path = join(h.ssoCache, SESSION_TOKEN)
    const old = readJson(path)
    const soon = new Date(Date.now() + 100_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
    writeFileSync(path, JSON.stringify({ ...old, expiresAt: soon }), { mode: 0o600 })

    const run = await ssooidc(h, ['token', '--profile', 'dev'])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    const fresh = readJson(path)
    expect(run.stdout).toBe(`${fresh.accessToken}\n`)
    expect(fresh.accessToken).not.toBe(old.accessToken)
    expect(fresh.refreshToken).toEqual(expect.any(String))
    expect(fresh.refreshToken).not.toBe(old.refreshToken)
    expect(Date.parse(fresh.expiresAt)).toBeGreaterThan(Date.now() + 50 * 60_000)
    expect(fresh).toMatchObject({ startUrl: START_URL, region: 'us-east-1', clientId: old.clientId, clientSecret: old.clientSecret })
    expect(mode(path)).toBe(0o600)
    // The next call serves the refreshed one as it is.
    expect(await ssooidc(h, ['token', '--profile', 'dev'])).toMatchObject({ code: 0, stdout: `${fresh.accessToken}\n` })
  }, T)

  it.each([
    [['--profile', 'dev'], 'my-sso', 'ssooidc login --profile dev'],
    [['--sso-session', 'my-sso'], 'my-sso', 'ssooidc login --sso-session my-sso'],
    [['--profile', 'legacy'], START_URL, 'ssooidc login --profile legacy'],
  ])('never signed in (%j): 255, botocore\'s "Token for <session or start URL> does not exist" and the command that cures it', async (args, name, command) => {
    const h = user()
    expect(await ssooidc(h, ['token', ...args])).toMatchObject({
      code: 255,
      signal: null,
      stdout: '',
      stderr: `Error loading SSO Token: Token for ${name} does not exist. To sign in again, run: ${command}\n`,
    })
  }, T)

  it('a missing sso-session: 253 and the AWS CLI\'s message', async () => {
    const h = user()
    expect(await ssooidc(h, ['token', '--profile', 'broken'])).toMatchObject({
      code: 253,
      stdout: '',
      stderr: 'The specified sso-session does not exist: "nowhere"\n',
    })
    expect(await ssooidc(h, ['token', '--sso-session', 'nowhere'])).toMatchObject({
      code: 253,
      stdout: '',
      stderr: 'The specified sso-session does not exist: "nowhere"\n',
    })
  }, T)
})

describe('credentials', () => {
  const PROCESS_JSON =
    /^\{\n {2}"Version": 1,\n {2}"AccessKeyId": "ASIA[A-Z2-7]{16}",\n {2}"SecretAccessKey": "[^"\n]+",\n {2}"SessionToken": "[^"\n]+",\n {2}"Expiration": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z"\n\}\n$/

  it('prints the credential_process JSON, caches the role credentials as the AWS CLI does, and reuses them', async () => {
    const h = user()
    expect((await loginInBrowser(h, ['--profile', 'dev'])).run.code).toBe(0)
    const first = await ssooidc(h, ['credentials', '--profile', 'dev'])
    expect(first).toMatchObject({ code: 0, signal: null, stderr: '' })
    expect(first.stdout).toMatch(PROCESS_JSON)
    const output = JSON.parse(first.stdout)
    expect(first.stdout).toBe(`${JSON.stringify(output, null, 2)}\n`)
    expect(Object.keys(output)).toStrictEqual(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'])
    expect(Date.parse(output.Expiration)).toBeGreaterThan(Date.now() + 50 * 60_000)

    // ~/.aws/cli/cache/<sha1 of the CLI's key>.json, as the AWS CLI writes it; 0600 in 0700.
    const name = roleFile('111122223333', 'ReadOnlyAccess', 'my-sso')
    expect(h.files(h.cliCache)).toStrictEqual([name])
    expect(mode(h.cliCache)).toBe(0o700)
    expect(mode(join(h.cliCache, name))).toBe(0o600)
    const cached = readJson(join(h.cliCache, name))
    expect(Object.keys(cached)).toStrictEqual(['ProviderType', 'Credentials'])
    expect(cached.ProviderType).toBe('sso')
    // botocore writes these (and, since it knows account-based endpoints, the AccountId).
    expect(cached.Credentials).toStrictEqual({
      AccessKeyId: output.AccessKeyId,
      SecretAccessKey: output.SecretAccessKey,
      SessionToken: output.SessionToken,
      Expiration: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      ...('AccountId' in cached.Credentials && { AccountId: '111122223333' }),
    })

    // The second call is served from that file: the same credentials (the portal would give new ones).
    const second = await ssooidc(h, ['credentials', '--profile', 'dev'])
    expect(second).toMatchObject({ code: 0, stderr: '' })
    expect(second.stdout).toMatch(PROCESS_JSON)
    const again = JSON.parse(second.stdout)
    expect(again).toMatchObject({ Version: 1, AccessKeyId: output.AccessKeyId, SecretAccessKey: output.SecretAccessKey, SessionToken: output.SessionToken })
    expect(Math.floor(Date.parse(again.Expiration) / 1000)).toBe(Math.floor(Date.parse(output.Expiration) / 1000))
  }, T)

  it('--account-id and --role-name: another role; an unknown role is the portal\'s refusal (254); one without the other is a usage error (252)', async () => {
    const h = user()
    expect((await loginInBrowser(h, ['--profile', 'dev'])).run.code).toBe(0)
    const own = JSON.parse((await ssooidc(h, ['credentials', '--profile', 'dev'])).stdout)
    const other = await ssooidc(h, ['credentials', '--profile', 'dev', '--account-id', '444455556666', '--role-name', 'PowerUserAccess'])
    expect(other).toMatchObject({ code: 0, stderr: '' })
    expect(other.stdout).toMatch(PROCESS_JSON)
    expect(JSON.parse(other.stdout).AccessKeyId).not.toBe(own.AccessKeyId)
    expect(h.files(h.cliCache)).toStrictEqual(
      [roleFile('111122223333', 'ReadOnlyAccess', 'my-sso'), roleFile('444455556666', 'PowerUserAccess', 'my-sso')].sort(),
    )

    // Production has no PowerUserAccess: ResourceNotFoundException from GetRoleCredentials.
    for (const args of [
      ['--account-id', '111122223333', '--role-name', 'PowerUserAccess'],
      ['--account-id', '444455556666', '--role-name', 'NoSuchRole'],
    ]) {
      const refused = await ssooidc(h, ['credentials', '--profile', 'dev', ...args])
      expect(refused).toMatchObject({ code: 254, signal: null, stdout: '' })
      expect(refused.stderr).toMatch(/^[^\n]+\n$/)
      expect(refused.stderr).toContain(args[3]!)
    }

    for (const args of [['--account-id', '444455556666'], ['--role-name', 'PowerUserAccess']]) {
      expect(await ssooidc(h, ['credentials', '--profile', 'dev', ...args])).toMatchObject({
        code: 252,
        stdout: '',
        stderr: '--account-id and --role-name go together\nSee: ssooidc credentials --help\n',
      })
    }
  }, T)

  it('never signed in: 255 and how to sign in; a missing sso-session: 253', async () => {
    const h = user()
    const run = await ssooidc(h, ['credentials', '--profile', 'dev'])
    expect(run).toMatchObject({ code: 255, stdout: '' })
    expect(run.stderr).toBe('Error loading SSO Token: Token for my-sso does not exist. To sign in again, run: ssooidc login --profile dev\n')
    expect(await ssooidc(h, ['credentials', '--profile', 'broken'])).toMatchObject({
      code: 253,
      stdout: '',
      stderr: 'The specified sso-session does not exist: "nowhere"\n',
    })
  }, T)

  it('the AWS SDK and botocore get them through credential_process: fromProcess, fromIni, botocore\'s process provider', async () => {
    const h = user()
    const quote = (text: string) => `"${text.replace(/(["\\$`])/g, '\\$1')}"`
    writeFileSync(h.config, `${CONFIG}\n[profile app]\ncredential_process = ${quote(process.execPath)} ${quote(cli.path)} credentials --profile dev\n`)
    expect((await loginInBrowser(h, ['--profile', 'dev'])).run.code).toBe(0)

    const viaProcess = await asUser(h, () => fromProcess({ profile: 'app', ignoreCache: true })())
    expect(viaProcess).toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/), secretAccessKey: expect.any(String), sessionToken: expect.any(String) })
    expect(viaProcess.expiration!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000)
    const viaIni = await asUser(h, () => fromIni({ profile: 'app', ignoreCache: true })())
    // The second process found the first one's role-credential cache.
    expect(viaIni).toMatchObject({ accessKeyId: viaProcess.accessKeyId, secretAccessKey: viaProcess.secretAccessKey, sessionToken: viaProcess.sessionToken })
    expect(h.files(h.cliCache)).toStrictEqual([roleFile('111122223333', 'ReadOnlyAccess', 'my-sso')])
    const cached = readJson(join(h.cliCache, roleFile('111122223333', 'ReadOnlyAccess', 'my-sso')))
    expect(cached.Credentials.AccessKeyId).toBe(viaProcess.accessKeyId)
    // botocore, what the AWS CLI runs, through the same line, finds them too.
    const viaBotocore = await botocoreCredentials('app', h.env)
    expect(viaBotocore).toStrictEqual({ method: 'custom-process', accessKeyId: viaProcess.accessKeyId, secretAccessKey: viaProcess.secretAccessKey, sessionToken: viaProcess.sessionToken })
  }, T)
})

/** Runs `run` with process.env as the user of `h` has it: the SDK reads only process.env (and passes it to credential_process). */
async function asUser<V>(h: Home, run: () => Promise<V>): Promise<V> {
  const saved = { ...process.env }
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key]
  Object.assign(process.env, h.env)
  try {
    return await run()
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
  }
}

describe('logout', () => {
  it('ends every cached token at the portal and deletes it; keeps registrations and other cache files; deletes SSO role credentials; prints nothing', async () => {
    const h = user()
    expect((await loginInBrowser(h, ['--profile', 'dev'])).run.code).toBe(0)
    expect((await ssooidc(h, ['login', '--profile', 'legacy', '--no-browser'])).code).toBe(0)
    expect((await ssooidc(h, ['credentials', '--profile', 'dev'])).code).toBe(0)
    expect((await ssooidc(h, ['credentials', '--profile', 'legacy'])).code).toBe(0)
    // Not an SSO role's credentials: an assume-role entry of the CLI's cache stays.
    const assumeRole = 'b'.repeat(40) + '.json'
    mkdirSync(h.cliCache, { recursive: true })
    writeFileSync(join(h.cliCache, assumeRole), JSON.stringify({ ProviderType: 'assume-role', Credentials: { AccessKeyId: 'ASIAOTHER' } }))
    expect(h.files(h.ssoCache)).toStrictEqual([SESSION_TOKEN, SESSION_REGISTRATION, LEGACY_TOKEN, LEGACY_REGISTRATION].sort())
    expect(h.files(h.cliCache)).toStrictEqual(
      [roleFile('111122223333', 'ReadOnlyAccess', 'my-sso'), legacyRoleFile('444455556666', 'PowerUserAccess', START_URL), assumeRole].sort(),
    )

    const tokens = [SESSION_TOKEN, LEGACY_TOKEN].map((name) => readJson(join(h.ssoCache, name)).accessToken as string)
    const portal = { region: 'us-east-1', endpoint: emulator.endpoints.AWS_ENDPOINT_URL_SSO }
    for (const accessToken of tokens) expect((await listAccounts({ accessToken }, portal)).ok).toBe(true)

    expect(await ssooidc(h, ['logout'])).toMatchObject({ code: 0, signal: null, stdout: '', stderr: '' })
    expect(h.files(h.ssoCache)).toStrictEqual([SESSION_REGISTRATION, LEGACY_REGISTRATION].sort())
    expect(h.files(h.cliCache)).toStrictEqual([assumeRole])
    // The portal refuses the old tokens: they were ended, not only deleted.
    for (const accessToken of tokens) expect((await listAccounts({ accessToken }, portal)).error?.name).toBe('UnauthorizedException')
    const token = await ssooidc(h, ['token', '--profile', 'dev'])
    expect(token).toMatchObject({ code: 255, stdout: '' })
    expect(token.stderr).toMatch(/^Error loading SSO Token: Token for \S+ does not exist\. To sign in again, run: ssooidc login --profile dev\n$/)

    // Nothing cached: still 0, still silent.
    expect(await ssooidc(h, ['logout'])).toMatchObject({ code: 0, stdout: '', stderr: '' })
  }, T)

  it('with no ~/.aws at all: 0, nothing printed', async () => {
    const h = user(undefined)
    expect(await ssooidc(h, ['logout'])).toMatchObject({ code: 0, signal: null, stdout: '', stderr: '' })
  }, T)

  it('a profile naming a [services] section that is not there: 253, one line, nothing deleted', async () => {
    const h = user(`${CONFIG}\n[profile elsewhere]\nservices = missing\n`)
    expect((await ssooidc(h, ['login', '--profile', 'legacy', '--no-browser'])).code).toBe(0)
    const cached = h.files(h.ssoCache)
    // No endpoint in the environment, so that the profile's [services] setting is read.
    const run = await ssooidc(h, ['logout', '--profile', 'elsewhere'], { AWS_ENDPOINT_URL_SSO: '', AWS_ENDPOINT_URL_SSO_OIDC: '' })
    expect(run).toMatchObject({ code: 253, stdout: '' })
    expect(run.stderr.split('\n')).toHaveLength(2)
    expect(run.stderr).toContain('missing')
    expect(h.files(h.ssoCache)).toStrictEqual(cached)
  }, T)
})

describe('a reader that goes away', () => {
  it('ssooidc --help | (closed at once): exits quietly, no EPIPE crash', async () => {
    const h = user(undefined)
    const { spawn } = await import('node:child_process')
    const child = spawn(process.execPath, [cli.path, '--help'], { env: h.env, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.destroy()
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
    const code = await within(new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c))), 10_000, 'ssooidc --help')
    expect({ code, stderr }).toStrictEqual({ code: 0, stderr: '' })
  }, T)
})

describe('emulator', () => {
  it('prints the two export lines on stdout, serves on 127.0.0.1, and Ctrl-C stops it: 0 and "Stopped."', async () => {
    const h = user(undefined)
    const child = start(h, ['emulator', '--region', 'eu-west-1'])
    const [, url] = (await child.waitFor('stdout', /^export AWS_ENDPOINT_URL_SSO_OIDC=(http:\/\/127\.0\.0\.1:\d+)\nexport AWS_ENDPOINT_URL_SSO=\1\n$/)) as [string, string]
    await child.waitFor('stderr', /Ctrl-C stops it\.\n/)
    expect(child.stderr).toContain(`listening on ${url} (region eu-west-1)`)
    // A portal call without a token is refused as the portal refuses it: the server is there.
    expect((await listAccounts({ accessToken: 'not-a-token' }, { region: 'eu-west-1', endpoint: url })).error?.name).toBe('UnauthorizedException')
    child.kill('SIGINT')
    const run = await within(child.exited, 10_000, 'the emulator stopping')
    expect(run).toMatchObject({ code: 0, signal: null, stdout: `export AWS_ENDPOINT_URL_SSO_OIDC=${url}\nexport AWS_ENDPOINT_URL_SSO=${url}\n` })
    expect(run.stderr).toMatch(/\nStopped\.\n$/)
    await expect(fetch(url)).rejects.toThrow()
  }, T)

  it('an --accounts file that is not that shape: 253 and what is wrong, before listening', async () => {
    const h = user(undefined)
    const file = join(h.dir, 'accounts.json')
    for (const [json, problem] of [
      ['{"accountId":"111122223333"}', 'not a JSON array'],
      ['[{"accountId":"1234","accountName":"a","emailAddress":"a@example.com","roles":[]}]', 'entry 0: accountId must be a 12-digit string'],
      ['[{"accountId":"111122223333","accountName":"a","emailAddress":"a@example.com","roles":"Admin"}]', 'entry 0: roles must be an array of strings'],
      ['[null]', 'entry 0: accountId'],
      ['not json', 'JSON'],
    ]) {
      writeFileSync(file, json!)
      const run = await ssooidc(h, ['emulator', '--accounts', file])
      expect(run).toMatchObject({ code: 253, stdout: '' })
      expect(run.stderr).toContain(problem)
    }
  }, T)
})
