/**
 * Issue 9: ssooidc/node against the emulator over HTTP, in a throwaway HOME, with the official AWS SDK as the
 * other reader and writer of the same files: signIn (PKCE and device), getSsoToken (refresh and write-back),
 * getProfileCredentials (the portal and the CLI's role-credential cache).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createEmulator, type Emulator } from '../src/emulator/index'
import { listen, type EmulatorServer } from '../src/emulator/node'
import {
  getProfileCredentials,
  getSsoToken,
  readTokenCache,
  signIn,
  type SignInPrompt,
} from '../src/node/index'
import { roleCredentialsCachePath, tokenCachePath } from '../src/node/cache'
import { botocoreCredentials, botocoreToken } from './support/botocore'

const START_URL = 'https://d-1234567890.awsapps.com/start'
let emulator: Emulator
let server: EmulatorServer
let tokenRequests: string[] = []
let home: string

/** The environment of a user whose config points at the emulator, as AWS CLI ≥ 2.13 and the SDKs read it. */
const env = () => ({ HOME: home, AWS_CONFIG_FILE: join(home, '.aws', 'config'), AWS_ENDPOINT_URL_SSO_OIDC: server.url, AWS_ENDPOINT_URL_SSO: server.url })

/** A browser: follows /authorize's redirect to the loopback server, as a signed-in user who consents. */
const browser = async (url: string) => {
  const authorize = await fetch(url, { redirect: 'manual' })
  const callback = authorize.headers.get('location')
  if (callback) await fetch(callback)
}

beforeAll(async () => {
  emulator = createEmulator({ interval: 0 })
  const counted = {
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init)
      if (new URL(request.url).pathname === '/token') tokenRequests.push(JSON.parse(await request.clone().text()).grantType)
      return emulator.fetch(request)
    },
  }
  server = await listen(counted)
})
afterAll(() => server.close())

function freshHome(config: string) {
  home = mkdtempSync(join(tmpdir(), 'ssooidc-node-'))
  mkdirSync(join(home, '.aws'), { recursive: true })
  writeFileSync(join(home, '.aws', 'config'), config)
  tokenRequests = []
}
afterEach(() => {
  if (home) rmSync(home, { recursive: true, force: true })
})

const SESSION_CONFIG = `[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = ReadOnlyAccess
region = eu-west-1

[sso-session my-sso]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access
`
const LEGACY_CONFIG = `[profile legacy]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = PowerUserAccess
`

describe('signIn', () => {
  it('signs an sso-session profile in with PKCE, writing the registration and token caches as `aws sso login`', async () => {
    freshHome(SESSION_CONFIG)
    const prompts: SignInPrompt[] = []
    const result = await signIn({ profile: 'dev', env: env(), openBrowser: browser, onPrompt: (p) => prompts.push(p) })
    expect(result.ok).toBe(true)
    const session = result.value!
    expect(session).toMatchObject({ flow: 'pkce', sessionName: 'my-sso', startUrl: START_URL, region: 'us-east-1', registrationCached: false })
    expect(prompts).toStrictEqual([{ flow: 'pkce', url: expect.stringMatching(new RegExp(`^${server.url}/authorize\\?response_type=code&client_id=`)) }])
    expect(session.path).toBe(tokenCachePath({ sessionName: 'my-sso', startUrl: START_URL }, { env: env() }))
    // The CLI's bytes: its key order, one line, `", "` and `": "`, whole seconds.
    const text = readFileSync(session.path, 'utf8')
    expect(text).toMatch(/^\{"startUrl": "https:\/\/d-1234567890\.awsapps\.com\/start", "region": "us-east-1", "accessToken": "aoa[\w-]+", "expiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "clientId": "[\w-]+", "clientSecret": "[\w-]+", "registrationExpiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "refreshToken": "aor[\w-]+"\}$/)
    expect(statSync(session.path).mode & 0o777).toBe(0o600)
    expect(statSync(join(home, '.aws', 'sso', 'cache')).mode & 0o777).toBe(0o700)
    expect(tokenRequests).toStrictEqual(['authorization_code'])

    // A second sign-in reuses the cached registration.
    const again = await signIn({ profile: 'dev', env: env(), openBrowser: browser })
    expect(again.value).toMatchObject({ registrationCached: true, flow: 'pkce' })
  })

  it('signs a legacy profile in with the device flow, showing the code, as `aws sso login`', async () => {
    freshHome(LEGACY_CONFIG)
    const result = await signIn({
      profile: 'legacy',
      env: env(),
      openBrowser: false,
      onPrompt: (prompt) => {
        if (prompt.flow === 'device') emulator.approve(prompt.userCode)
      },
    })
    expect(result.value).toMatchObject({ flow: 'device', startUrl: START_URL, sessionName: undefined })
    // A legacy profile's file is keyed by its start URL; its client registered no scopes: no refresh token.
    expect(result.value!.path).toBe(join(home, '.aws', 'sso', 'cache', '7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json'))
    expect(result.value!.token.refreshToken).toBeUndefined()
    expect(tokenRequests).toStrictEqual(['urn:ietf:params:oauth:grant-type:device_code'])
  })

  it('a refused sign-in is the user\'s refusal, and nothing is written', async () => {
    freshHome(SESSION_CONFIG)
    const refuse = async (url: string) => {
      const authorize = await fetch(url.replace('response_type=code', 'response_type=token'), { redirect: 'manual' })
      await fetch(authorize.headers.get('location')!)
    }
    const result = await signIn({ profile: 'dev', env: env(), openBrowser: refuse })
    expect(result.error).toMatchObject({ name: 'AuthorizationError', error: 'unsupported_response_type' })
    expect((await readTokenCache({ sessionName: 'my-sso', startUrl: START_URL }, { env: env() })).error?.name).toBe('CacheNotFoundError')
  })

  it('says what the AWS CLI says of a missing sso-session', async () => {
    freshHome('[profile broken]\nsso_session = nowhere\n')
    expect((await signIn({ profile: 'broken', env: env() })).error).toMatchObject({ message: 'The specified sso-session does not exist: "nowhere"' })
  })
})

describe('getSsoToken', () => {
  it('returns the cached token while fresh, with no request', async () => {
    freshHome(SESSION_CONFIG)
    await signIn({ profile: 'dev', env: env(), openBrowser: browser })
    tokenRequests = []
    const token = await getSsoToken({ profile: 'dev', env: env() })
    expect(token.value?.config).toMatchObject({ profileName: 'dev', sessionName: 'my-sso' })
    expect(tokenRequests).toHaveLength(0)
  })

  it('inside the window: refreshes, and writes the file back in the CLI\'s form, refresh token rotated', async () => {
    freshHome(SESSION_CONFIG)
    const signedIn = await signIn({ profile: 'dev', env: env(), openBrowser: browser, now: () => Date.now() - 3500_000 })
    tokenRequests = []
    const token = await getSsoToken({ profile: 'dev', env: env() })
    expect(token.ok).toBe(true)
    expect(tokenRequests).toStrictEqual(['refresh_token'])
    const file = JSON.parse(readFileSync(signedIn.value!.path, 'utf8'))
    expect(file.accessToken).toBe(token.value!.token.accessToken)
    expect(file.refreshToken).not.toBe(signedIn.value!.token.refreshToken)
    expect(Object.keys(file)).toStrictEqual(['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken'])
  })

  it('never signed in: NoSessionError', async () => {
    freshHome(SESSION_CONFIG)
    expect((await getSsoToken({ profile: 'dev', env: env() })).error?.name).toBe('NoSessionError')
  })
})

describe('getProfileCredentials', () => {
  it('gets role credentials from the portal, caches them as the AWS CLI does, and reuses them', async () => {
    freshHome(SESSION_CONFIG)
    await signIn({ profile: 'dev', env: env(), openBrowser: browser })
    const first = await getProfileCredentials({ profile: 'dev', env: env() })
    expect(first.value).toStrictEqual({
      accessKeyId: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/),
      secretAccessKey: expect.any(String),
      sessionToken: expect.any(String),
      expiration: expect.any(Number),
      accountId: '111122223333',
      cached: false,
    })
    const path = roleCredentialsCachePath({ accountId: '111122223333', roleName: 'ReadOnlyAccess', sessionName: 'my-sso', startUrl: START_URL }, { env: env() })
    const file = JSON.parse(readFileSync(path, 'utf8'))
    expect(file).toMatchObject({ ProviderType: 'sso', Credentials: { AccessKeyId: first.value!.accessKeyId } })
    expect(statSync(path).mode & 0o777).toBe(0o600)
    const second = await getProfileCredentials({ profile: 'dev', env: env() })
    // From the cache, whose `Expiration` has whole seconds, as the CLI writes it.
    expect(second.value).toStrictEqual({ ...first.value, expiration: Math.floor(first.value!.expiration / 1000) * 1000, cached: true })
  })

  it('a profile without sso_account_id and sso_role_name: the CLI\'s message', async () => {
    freshHome(SESSION_CONFIG.replace('sso_account_id = 111122223333\n', '').replace('sso_role_name = ReadOnlyAccess\n', ''))
    expect((await getProfileCredentials({ profile: 'dev', env: env() })).error).toMatchObject({
      name: 'MissingSsoConfigError',
      message: 'Missing the following required SSO configuration values: sso_account_id, sso_role_name.',
    })
  })
})

describe('the official AWS SDK reads and writes the same files', () => {
  /** Runs `run` with process.env as a user of this HOME has it: the SDK reads only process.env. */
  async function asUser<T>(run: () => Promise<T>): Promise<T> {
    const saved = { ...process.env }
    Object.assign(process.env, env())
    delete process.env.AWS_PROFILE
    try {
      return await run()
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
      Object.assign(process.env, saved)
    }
  }

  it('@aws-sdk/token-providers fromSso reads a token we wrote, refreshes it, and we read the file it rewrote', async () => {
    freshHome(SESSION_CONFIG)
    const signedIn = await signIn({ profile: 'dev', env: env(), openBrowser: browser, now: () => Date.now() - 3500_000 })
    const { fromSso } = await import('@aws-sdk/token-providers')
    const sdkToken = await asUser(() => fromSso({ profile: 'dev', ignoreCache: true })())
    expect(sdkToken.token).not.toBe(signedIn.value!.token.accessToken)
    // The JS SDK rewrote it its way (indented, milliseconds); we read that.
    const text = readFileSync(signedIn.value!.path, 'utf8')
    expect(text).toContain('\n  "accessToken"')
    const ours = await getSsoToken({ profile: 'dev', env: env() })
    expect(ours.value!.token.accessToken).toBe(sdkToken.token)
  })

  it('@aws-sdk/credential-provider-sso gets credentials from the emulator for a sign-in we made', async () => {
    freshHome(SESSION_CONFIG)
    await signIn({ profile: 'dev', env: env(), openBrowser: browser })
    const { fromSSO } = await import('@aws-sdk/credential-provider-sso')
    const credentials = await asUser(() => fromSSO({ profile: 'dev' })())
    expect(credentials).toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/), secretAccessKey: expect.any(String), sessionToken: expect.any(String) })
    expect(credentials.expiration!.getTime()).toBeGreaterThan(Date.now())
  })
})

describe('botocore (the AWS CLI\'s) reads and writes the same files', () => {
  /** The environment of the user, for a Python child: what it needs of ours (PATH), and the user's AWS settings. */
  const userEnv = () => ({ PATH: process.env.PATH, ...env() })

  it.each([
    ['an sso-session profile', SESSION_CONFIG, 'dev'],
    ['a legacy profile', LEGACY_CONFIG, 'legacy'],
  ])('its SSO credential provider gets credentials from the emulator for a sign-in we made (%s)', async (_, config, profile) => {
    freshHome(config)
    // A legacy profile signs in with the device flow: the user approves the code shown.
    const onPrompt = (prompt: SignInPrompt) => void (prompt.flow === 'device' && emulator.approve(prompt.userCode))
    expect((await signIn({ profile, env: env(), openBrowser: browser, onPrompt })).ok).toBe(true)
    const credentials = await botocoreCredentials(profile, userEnv())
    expect(credentials).toStrictEqual({ method: 'sso', accessKeyId: expect.stringMatching(/^ASIA/), secretAccessKey: expect.any(String), sessionToken: expect.any(String) })
  })

  it('its token provider refreshes a token we wrote, rewrites the cache (its expiry to the second), and we read the file it rewrote', async () => {
    freshHome(SESSION_CONFIG)
    const signedIn = await signIn({ profile: 'dev', env: env(), openBrowser: browser, now: () => Date.now() - 3500_000 })
    const before = signedIn.value!.token
    const requests = tokenRequests.length
    const refreshed = await botocoreToken('dev', userEnv())
    expect(refreshed.token).not.toBe(before.accessToken)
    expect(tokenRequests.slice(requests)).toStrictEqual(['refresh_token'])
    const ours = await getSsoToken({ profile: 'dev', env: env() })
    expect(ours.value!.token).toMatchObject({ accessToken: refreshed.token, clientId: before.clientId, startUrl: START_URL, region: 'us-east-1' })
    // botocore holds its expiry to the millisecond, and writes it to the second.
    expect(Date.parse(ours.value!.token.expiresAt)).toBe(Math.floor(Date.parse(refreshed.expiration) / 1000) * 1000)
    // Read as botocore left it: no refresh of ours.
    expect(tokenRequests.slice(requests)).toStrictEqual(['refresh_token'])
  })

  it('a token it refreshed we refresh in turn, and it reads what we wrote', async () => {
    freshHome(SESSION_CONFIG)
    await signIn({ profile: 'dev', env: env(), openBrowser: browser, now: () => Date.now() - 3500_000 })
    await botocoreToken('dev', userEnv())
    const path = tokenCachePath({ sessionName: 'my-sso', startUrl: START_URL }, { home })
    const record = JSON.parse(readFileSync(path, 'utf8'))
    writeFileSync(path, JSON.stringify({ ...record, expiresAt: new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z') }))
    const requests = tokenRequests.length
    const ours = await getSsoToken({ profile: 'dev', env: env() })
    expect(tokenRequests.slice(requests)).toStrictEqual(['refresh_token'])
    expect((await botocoreToken('dev', userEnv())).token).toBe(ours.value!.token.accessToken)
    expect(tokenRequests.slice(requests)).toStrictEqual(['refresh_token'])
  })
})
