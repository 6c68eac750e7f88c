/**
 * The runtime matrix's suite: the device sign-in and the core cases, against the in-process emulator, with
 * nothing but the web platform (no Node built-ins, no `process`, no `Buffer`), so that the same bundle runs in
 * Node, Deno, Bun, workerd and edge-runtime. `scripts/test-runtimes.mjs` bundles it and runs `run()` in each.
 * Not a vitest file (vitest takes `test/**\/*.test.ts`); nothing runs at import, as workerd forbids
 * randomness outside a request.
 */
import { createEmulator, type EmulatorOptions } from '../../src/emulator/index'
import { getRoleCredentials, listAllAccountRoles, listAllAccounts, logout } from '../../src/portal/index'
import {
  authorizeUrl,
  createPkce,
  createToken,
  createTokenProvider,
  toSsoToken,
  createTokenWithIAM,
  pollToken,
  registerClient,
  startDeviceAuthorization,
  type Fetch,
  type Options,
  type Result,
} from '../../src/index'

export interface CaseResult {
  name: string
  ok: boolean
  detail?: string
}

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'
const START_URL = 'https://my-org.awsapps.com/start'
const CALLBACK = 'http://127.0.0.1/oauth/callback'
const APPLICATION = 'arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222'
const ASSERTION = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl'
const IAM = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const NOW = Math.floor(Date.now() / 1000) * 1000 // the emulator's clock, fixed at a whole second near real time (SigV4 dates are checked)
const REGION = 'us-east-1'

// Patterns for the random parts of whole values; anything else is compared exactly.
const B64URL = (n: number) => new RegExp(`^[A-Za-z0-9_-]{${n}}$`)
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const ACCESS_TOKEN = /^aoa[A-Za-z0-9_-]{43}$/
const REFRESH_TOKEN = /^aor[A-Za-z0-9_-]{43}$/
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

const show = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) => (v instanceof RegExp ? `<${v}>` : v === undefined ? '<undefined>' : v))

/** Whether `actual` is `expected`, deeply, with the same keys; a RegExp in `expected` matches a string. */
function matches(actual: unknown, expected: unknown): boolean {
  if (expected instanceof RegExp) return typeof actual === 'string' && expected.test(actual)
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) {
    return Object.is(actual, expected)
  }
  if (Array.isArray(expected) !== Array.isArray(actual)) return false
  const a = actual as Record<string, unknown>
  const e = expected as Record<string, unknown>
  const keys = Object.keys(e)
  return Object.keys(a).length === keys.length && keys.every((key) => key in a && matches(a[key], e[key]))
}

/** The one assertion: the whole value, or a failure naming what was expected and what came. */
function expect(what: string, actual: unknown, expected: unknown): void {
  if (!matches(actual, expected)) throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`)
}

/** The value of a Result that must have succeeded. */
function value<T>(what: string, result: Result<T, unknown>): T {
  if (!result.ok) throw new Error(`${what}: expected success, got ${show(result.error)}`)
  return result.value
}

/** A service exception as the library returns it, for the emulator's answer `description`. */
const exception = (name: string, error: string, description: string, extras: object = {}) => ({
  name,
  message: description,
  status: 400,
  error,
  description,
  requestId: UUID,
  ...extras,
})

/** A `fetch` that answers with `respond` and counts its calls. */
function spy(respond: Fetch = () => new Promise<never>(() => {})): Fetch & { calls: number } {
  const fetch = Object.assign((input: RequestInfo | URL, init?: RequestInit) => (fetch.calls++, respond(input, init)), { calls: 0 })
  return fetch
}

/** A fresh emulator on the fixed clock, and the options that reach it. */
function setup(options: EmulatorOptions = {}) {
  const emulator = createEmulator({ clock: () => NOW, interval: 0, ...options })
  return { emulator, options: { region: REGION, fetch: emulator.fetch, retry: 0 } }
}

/** Registers a device client and starts a sign-in, checking both answers whole; returns what pollToken needs. */
async function startDevice(options: Options, grantTypes: string[]) {
  const client = value('registerClient', await registerClient({ clientName: 'matrix', clientType: 'public', grantTypes }, options))
  expect('registerClient', client, {
    clientId: B64URL(22),
    clientSecret: B64URL(64),
    clientIdIssuedAt: NOW / 1000,
    clientSecretExpiresAt: NOW / 1000 + 90 * 24 * 3600,
  })
  const { clientId = '', clientSecret = '' } = client
  const device = value('startDeviceAuthorization', await startDeviceAuthorization({ clientId, clientSecret, startUrl: START_URL }, options))
  const { deviceCode = '', userCode = '', expiresIn, interval } = device
  expect('startDeviceAuthorization', device, {
    deviceCode: B64URL(43),
    userCode: /^[B-DF-HJ-NP-TV-XZ]{4}-[B-DF-HJ-NP-TV-XZ]{4}$/,
    verificationUri: 'https://device.sso.us-east-1.amazonaws.com/',
    verificationUriComplete: `https://device.sso.us-east-1.amazonaws.com/?user_code=${userCode}`,
    expiresIn: 600,
    interval: 0,
  })
  return { userCode, poll: { clientId, clientSecret, deviceCode, expiresIn, interval } }
}

const cases: Record<string, () => Promise<void>> = {
  async 'device sign-in, refresh, rotation'() {
    const { emulator, options } = setup()
    const { userCode, poll } = await startDevice(options, [DEVICE_CODE, 'refresh_token'])
    const { clientId, clientSecret } = poll
    // The user approves while the poller waits: the first poll is pending, the second gets the tokens.
    const pending: unknown[] = []
    const onPending = (info: unknown) => void (pending.push(info), emulator.approve(userCode))
    const tokens = value('pollToken', await pollToken(poll, { ...options, onPending }))
    // The emulator says interval 0; the poller never goes faster than once a second.
    expect('pollToken pending calls', pending, [{ attempt: 1, interval: 1, remaining: 600 }])
    expect('pollToken', tokens, { accessToken: ACCESS_TOKEN, tokenType: 'Bearer', expiresIn: 3600, refreshToken: REFRESH_TOKEN })
    const refresh = { clientId, clientSecret, grantType: 'refresh_token', refreshToken: tokens.refreshToken ?? '' }
    const refreshed = value('refresh', await createToken(refresh, options))
    expect('refresh', refreshed, { accessToken: ACCESS_TOKEN, tokenType: 'Bearer', expiresIn: 3600, refreshToken: REFRESH_TOKEN })
    expect('rotated tokens differ', [refreshed.accessToken === tokens.accessToken, refreshed.refreshToken === tokens.refreshToken], [false, false])
    const again = await createToken(refresh, options)
    expect('old refresh token', again, {
      ok: false,
      error: exception('InvalidGrantException', 'invalid_grant', 'Invalid refresh token provided'),
    })
  },

  async 'authorization code with PKCE'() {
    const { emulator, options } = setup()
    const pkce = await createPkce()
    expect('createPkce', pkce, { codeVerifier: B64URL(43), codeChallenge: B64URL(43) })
    const registration = {
      clientName: 'matrix',
      clientType: 'public',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [CALLBACK],
      issuerUrl: START_URL,
      scopes: ['sso:account:access'],
    }
    const { clientId = '', clientSecret = '' } = value('registerClient', await registerClient(registration, options))
    const redirectUri = 'http://127.0.0.1:53123/oauth/callback' // a registered loopback URI, on any port
    const state = 'st4te-of-the-request'
    const url = authorizeUrl({ clientId, redirectUri, state, codeChallenge: pkce.codeChallenge }, { region: REGION })
    expect('authorizeUrl', url, {
      ok: true,
      value:
        `https://oidc.us-east-1.amazonaws.com/authorize?response_type=code&client_id=${clientId}` +
        `&redirect_uri=http%3A%2F%2F127.0.0.1%3A53123%2Foauth%2Fcallback&state=${state}` +
        `&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=${pkce.codeChallenge}`,
    })
    const response = await emulator.fetch(url.value ?? '', { redirect: 'manual' })
    const location = response.headers.get('location') ?? ''
    expect('GET /authorize', { status: response.status, location }, {
      status: 302,
      location: new RegExp(`^http://127\\.0\\.0\\.1:53123/oauth/callback\\?code=[A-Za-z0-9_-]{43}&state=${state}$`),
    })
    const callback = new URL(location).searchParams
    expect('callback state', callback.get('state'), state)
    const code = callback.get('code') ?? ''
    const grant = { clientId, clientSecret, grantType: 'authorization_code', code, redirectUri, codeVerifier: pkce.codeVerifier }
    const tokens = await createToken(grant, options)
    expect('createToken authorization_code', tokens, {
      ok: true,
      value: { accessToken: ACCESS_TOKEN, tokenType: 'Bearer', expiresIn: 3600, refreshToken: REFRESH_TOKEN },
    })
    expect('code reused', await createToken(grant, options), {
      ok: false,
      error: exception('InvalidGrantException', 'invalid_grant', 'Invalid authorization code provided'),
    })
  },

  async 'createTokenWithIAM signed, verified, and refused with wrong credentials'() {
    const { options } = setup({ iamCredentials: [IAM] })
    const input = { clientId: APPLICATION, grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: ASSERTION }
    expect('right credentials', await createTokenWithIAM(input, { ...options, credentials: IAM }), {
      ok: true,
      value: {
        accessToken: ACCESS_TOKEN,
        tokenType: 'Bearer',
        expiresIn: 3600,
        refreshToken: REFRESH_TOKEN,
        idToken: JWT,
        issuedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
        scope: ['openid', 'aws', 'sts:identity_context'],
        awsAdditionalDetails: { identityContext: B64URL(64) },
      },
    })
    const wrong = { ...IAM, secretAccessKey: 'not-the-secret-key-at-all' }
    expect('wrong credentials', await createTokenWithIAM(input, { ...options, credentials: wrong }), {
      ok: false,
      error: exception('AccessDeniedException', 'access_denied', 'The request signature does not match', { reason: undefined }),
    })
  },

  async 'denied device code'() {
    const { emulator, options } = setup()
    const { userCode, poll } = await startDevice(options, [DEVICE_CODE])
    expect('deny', emulator.deny(userCode), true)
    expect('pollToken', await pollToken(poll, options), {
      ok: false,
      error: exception('AccessDeniedException', 'access_denied', 'The user denied the authorization request', { reason: undefined }),
    })
  },

  async 'ValidationError, nothing sent'() {
    const fetch = spy()
    const input = { clientId: 'id', clientSecret: 42 as unknown as string, grantType: 'refresh_token' }
    expect('createToken', await createToken(input, { region: REGION, fetch, timeout: 0 }), {
      ok: false,
      error: {
        name: 'ValidationError',
        message: 'Invalid input: options.timeout: expected milliseconds from 1 to 2^31-1, received number; clientSecret: expected string, received number',
        issues: [
          { path: 'options.timeout', message: 'expected milliseconds from 1 to 2^31-1, received number' },
          { path: 'clientSecret', message: 'expected string, received number' },
        ],
      },
    })
    expect('fetch calls', fetch.calls, 0)
  },

  async 'EndpointError for a hostile region, nothing sent'() {
    const fetch = spy()
    const result = await registerClient({ clientName: 'm', clientType: 'public' }, { region: 'evil.example/x#', fetch })
    expect('registerClient', result, {
      ok: false,
      error: { name: 'EndpointError', message: 'Invalid Configuration: the region is not a valid host label' },
    })
    expect('fetch calls', fetch.calls, 0)
  },

  async 'UnknownServiceError for an HTML 502, retried once'() {
    const fetch = spy(async () => new Response('<html><h1>502 Bad Gateway</h1></html>', { status: 502, headers: { 'content-type': 'text/html' } }))
    const result = await registerClient({ clientName: 'm', clientType: 'public' }, { region: REGION, fetch, retry: 1 })
    expect('registerClient', result, {
      ok: false,
      error: {
        name: 'UnknownServiceError',
        message: 'Unrecognized error response (HTTP 502)',
        status: 502,
        type: undefined,
        error: undefined,
        description: undefined,
        requestId: undefined,
      },
    })
    expect('fetch calls', fetch.calls, 2)
  },

  async 'TimeoutError with a fetch that never answers'() {
    const fetch = spy()
    const result = await registerClient({ clientName: 'm', clientType: 'public' }, { region: REGION, fetch, timeout: 20, retry: 0 })
    expect('registerClient', result, { ok: false, error: { name: 'TimeoutError', message: 'No response within 20 ms' } })
    expect('fetch calls', fetch.calls, 1)
  },

  async 'AbortError, signal aborted before and during the call'() {
    const fetch = spy()
    const input = { clientName: 'm', clientType: 'public' }
    const before = await registerClient(input, { region: REGION, fetch, signal: AbortSignal.abort() })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 10)
    const during = await registerClient(input, { region: REGION, fetch, signal: controller.signal })
    const aborted = { ok: false, error: { name: 'AbortError', message: 'The operation was aborted' } }
    expect('before, during, fetch calls', [before, during, fetch.calls], [aborted, aborted, 1])
  },

  async 'portal: sign in, list accounts and roles, get role credentials, log out'() {
    const { emulator, options } = setup()
    const { userCode, poll } = await startDevice(options, [DEVICE_CODE, 'refresh_token'])
    emulator.approve(userCode)
    const { accessToken = '' } = value('pollToken', await pollToken(poll, options))
    const accounts = value('listAllAccounts', await listAllAccounts({ accessToken, maxResults: 1 }, options))
    expect('listAllAccounts', accounts.map((a) => a.accountId), ['111122223333', '444455556666'])
    const roles = value('listAllAccountRoles', await listAllAccountRoles({ accessToken, accountId: '111122223333' }, options))
    expect('listAllAccountRoles', roles, [
      { roleName: 'AdministratorAccess', accountId: '111122223333' },
      { roleName: 'ReadOnlyAccess', accountId: '111122223333' },
    ])
    const credentials = value('getRoleCredentials', await getRoleCredentials({ accessToken, accountId: '111122223333', roleName: 'ReadOnlyAccess' }, options))
    expect('getRoleCredentials', credentials, {
      roleCredentials: { accessKeyId: /^ASIA[A-Z2-7]{16}$/, secretAccessKey: /^.{40}$/, sessionToken: /^IQoJb3JpZ2luX2Vj/, expiration: NOW + 3600_000 },
    })
    expect('logout', await logout({ accessToken }, options), { ok: true, value: {} })
    const after = await listAllAccounts({ accessToken }, options)
    expect('after logout', { ok: after.ok, name: after.error?.name, status: (after.error as { status?: number } | undefined)?.status }, { ok: false, name: 'UnauthorizedException', status: 401 })
  },

  async 'sessions: a token provider over a Map refreshes once for concurrent callers, keeping the record'() {
    const { emulator, options } = setup({ accessTokenExpiresIn: 100 })
    const registration = { clientName: 'matrix', clientType: 'public', scopes: ['sso:account:access'] }
    const client = value('registerClient', await registerClient(registration, options))
    const { clientId = '', clientSecret = '' } = client
    const device = value('startDeviceAuthorization', await startDeviceAuthorization({ clientId, clientSecret, startUrl: START_URL }, options))
    emulator.approve(device.userCode ?? '')
    const token = value('createToken', await createToken({ clientId, clientSecret, grantType: DEVICE_CODE, deviceCode: device.deviceCode ?? '' }, options))
    const session = value('toSsoToken', toSsoToken({ token, client, startUrl: START_URL, region: REGION }, NOW))
    const map = new Map([['s', JSON.stringify(session)]])
    const storage = { getItem: (key: string) => map.get(key), setItem: (key: string, text: string) => void map.set(key, text) }
    const getToken = createTokenProvider({ storage, key: 's', ...options })
    // 100 s left, inside the 300 s window: one refresh for all.
    const results = await Promise.all([getToken(), getToken(), getToken()])
    const tokens = new Set(results.map((result) => value('getToken', result).accessToken))
    expect('one new token for all', [tokens.size, tokens.has(session.accessToken)], [1, false])
    expect('stored', JSON.parse(map.get('s') ?? '{}').accessToken, [...tokens][0])
  },
}

/** Runs every case in turn; a case fails by throwing, and its message is the detail. */
export async function run(): Promise<CaseResult[]> {
  const results: CaseResult[] = []
  for (const [name, test] of Object.entries(cases)) {
    try {
      await test()
      results.push({ name, ok: true })
    } catch (error) {
      results.push({ name, ok: false, detail: error instanceof Error ? error.message : String(error) })
    }
  }
  return results
}
