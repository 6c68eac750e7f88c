/**
 * Issue 7: sessions that stay signed in. The session record, the pure refresh at the edges of its window, and the
 * token provider over any store: hot path, single flight, the rotation race between holders, every error.
 */
import { inspect } from 'node:util'
import { createStorage } from 'unstorage'
import memoryDriver from 'unstorage/drivers/memory'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEmulator, type EmulatorOptions } from '../src/emulator/index'
import {
  createToken,
  createTokenProvider,
  refreshSession,
  registerClient,
  SsoToken,
  startDeviceAuthorization,
  toSsoToken,
  type Fetch,
  type TokenStorage,
} from '../src/index'
import * as v from 'valibot'

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'
const START_URL = 'https://my-org.awsapps.com/start'
const T0 = Date.UTC(2026, 10, 29, 12, 0, 0)
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/** An emulator on a clock we move, a `fetch` that counts CreateToken requests, and a real sign-in to refresh. */
async function signedIn(emulatorOptions: EmulatorOptions = {}, registration: { scopes?: string[]; grantTypes?: string[] } = { scopes: ['sso:account:access'] }) {
  let now = T0
  const emulator = createEmulator({ clock: () => now, interval: 0, ...emulatorOptions })
  const tokenRequests: string[] = []
  const fetch: Fetch = async (input, init) => {
    const request = new Request(input, init)
    if (new URL(request.url).pathname === '/token') tokenRequests.push(JSON.parse(await request.clone().text()).grantType)
    return emulator.fetch(request)
  }
  const options = { region: 'us-east-1', fetch, retry: 0 }
  const client = (await registerClient({ clientName: 'test', clientType: 'public', ...registration }, options)).value!
  const clientId = client.clientId!
  const clientSecret = client.clientSecret!
  const device = (await startDeviceAuthorization({ clientId, clientSecret, startUrl: START_URL }, options)).value!
  emulator.approve(device.userCode!)
  const token = (await createToken({ clientId, clientSecret, grantType: DEVICE_CODE, deviceCode: device.deviceCode! }, options)).value!
  const session = toSsoToken({ token, client, startUrl: START_URL, region: 'us-east-1' }, now).value!
  tokenRequests.length = 0
  return {
    emulator,
    session,
    options: { fetch, retry: 0 },
    tokenRequests,
    /** Moves both clocks (the emulator's and `now()`) to `ms` after T0. */
    at: (ms: number) => (now = T0 + ms),
    now: () => now,
  }
}

describe('SsoToken', () => {
  const cli = { startUrl: START_URL, region: 'us-east-1', accessToken: 'aoa', expiresAt: '2026-11-29T17:05:53Z', clientId: 'c', clientSecret: 's', registrationExpiresAt: '2027-02-27T09:05:52Z', refreshToken: 'aor' }

  it('reads the AWS CLI\'s record (whole seconds) and the JS SDK\'s (milliseconds), keeping unknown members', () => {
    expect(v.parse(SsoToken, cli)).toStrictEqual(cli)
    const js = { ...cli, expiresAt: '2026-11-29T17:05:53.123Z', toolkit: { x: 1 } }
    expect(v.parse(SsoToken, js)).toStrictEqual(js)
    expect(v.parse(SsoToken, { accessToken: 'aoa', expiresAt: '2026-11-29T17:05:53+01:00' })).toStrictEqual({ accessToken: 'aoa', expiresAt: '2026-11-29T17:05:53+01:00' })
  })

  it.each([
    ['no accessToken', { expiresAt: cli.expiresAt }],
    ['no expiresAt', { accessToken: 'a' }],
    ['an expiresAt that is not a date', { accessToken: 'a', expiresAt: 'soon' }],
    ['a refreshToken that is not a string', { ...cli, refreshToken: 5 }],
  ])('refuses a record with %s', (_, record) => {
    expect(v.safeParse(SsoToken, record).success).toBe(false)
  })
})

describe('toSsoToken', () => {
  it('makes the record a sign-in ends with, in the AWS CLI\'s key order and time format', () => {
    const session = toSsoToken(
      { token: { accessToken: 'aoa', expiresIn: 3600, refreshToken: 'aor', tokenType: 'Bearer' }, client: { clientId: 'c', clientSecret: 's', clientSecretExpiresAt: 1_800_000_000 }, startUrl: START_URL, region: 'eu-west-1' },
      T0 + 123,
    )
    expect(session.ok).toBe(true)
    expect(JSON.stringify(session.value)).toBe(
      `{"startUrl":"${START_URL}","region":"eu-west-1","accessToken":"aoa","expiresAt":"2026-11-29T13:00:00Z","clientId":"c","clientSecret":"s","registrationExpiresAt":"2027-01-15T08:00:00Z","refreshToken":"aor"}`,
    )
  })

  it('leaves out what the sign-in did not give (no refresh token for a legacy client)', () => {
    const session = toSsoToken({ token: { accessToken: 'aoa', expiresIn: 28800 }, client: { clientId: 'c', clientSecret: 's' }, startUrl: START_URL, region: 'us-east-1' }, T0)
    expect(Object.keys(session.value!)).toStrictEqual(['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret'])
  })

  it('is a ValidationError without an access token, and never throws', () => {
    expect(toSsoToken({ token: {}, client: {}, startUrl: START_URL, region: 'us-east-1' }).error?.name).toBe('ValidationError')
    expect(toSsoToken(null as never).error?.name).toBe('ValidationError')
  })
})

describe('refreshSession at the edges of its window', () => {
  it.each([
    [301, false, 0],
    [300, true, 1],
    [1, true, 1],
    [0, true, 1],
    [-60, true, 1],
  ])('with %i s left: refreshed %s, %i CreateToken request', async (left, refreshed, requests) => {
    const { session, options, tokenRequests, at, now } = await signedIn()
    at(3600_000 - left * 1000)
    const result = await refreshSession(session, { ...options, now })
    expect(result.ok).toBe(true)
    expect(result.value!.refreshed).toBe(refreshed)
    expect(tokenRequests).toHaveLength(requests)
    if (!refreshed) expect(result.value!.session).toBe(session)
    else {
      expect(result.value!.session).toStrictEqual({ ...session, accessToken: expect.stringMatching(/^aoa/), expiresAt: iso(now() + 3600_000), refreshToken: expect.stringMatching(/^aor/) })
      expect(result.value!.session.accessToken).not.toBe(session.accessToken)
      expect(result.value!.session.refreshToken).not.toBe(session.refreshToken)
    }
  })

  it('honours its window option (botocore\'s 900 s)', async () => {
    const { session, options, tokenRequests, at, now } = await signedIn()
    at(3600_000 - 899_000)
    expect((await refreshSession(session, { ...options, now, window: 900 })).value!.refreshed).toBe(true)
    expect(tokenRequests).toStrictEqual(['refresh_token'])
  })

  it('keeps the old refresh token when the service returns none (RFC 6749 §6), and it still works', async () => {
    const { session, options, at, now } = await signedIn({ rotateRefreshTokens: false })
    at(3500_000)
    const first = await refreshSession(session, { ...options, now })
    expect(first.value!.refreshed).toBe(true)
    expect(first.value!.session.refreshToken).toBe(session.refreshToken)
    at(3500_000 + 3500_000)
    const second = await refreshSession(first.value!.session, { ...options, now })
    expect(second.value!.refreshed).toBe(true)
  })

  it('uses the rotated refresh token for the next refresh; the old one is refused', async () => {
    const { session, options, at, now } = await signedIn()
    at(3500_000)
    const first = (await refreshSession(session, { ...options, now })).value!.session
    at(7100_000)
    const stale = await refreshSession(session, { ...options, now })
    expect(stale.error).toMatchObject({ name: 'SessionExpiredError', reason: { name: 'InvalidGrantException' } })
    expect((await refreshSession(first, { ...options, now })).value!.refreshed).toBe(true)
  })

  it('a valid session that cannot be refreshed is returned with the reason, and no request', async () => {
    const { session, options, tokenRequests, at, now } = await signedIn()
    at(3500_000)
    const { refreshToken: _, ...withoutRefresh } = session
    expect((await refreshSession(withoutRefresh as typeof session, { ...options, now })).value).toStrictEqual({
      session: withoutRefresh,
      refreshed: false,
      reason: { name: 'NoRefreshToken', message: 'no refresh token' },
    })
    const registrationGone = { ...session, registrationExpiresAt: iso(now() - 1000) }
    expect((await refreshSession(registrationGone, { ...options, now })).value).toMatchObject({ refreshed: false, reason: { name: 'RegistrationExpired' } })
    expect(tokenRequests).toHaveLength(0)
  })

  it('a valid session whose refresh fails is returned with the CreateToken error as the reason', async () => {
    const { session, options, at, now } = await signedIn()
    at(3500_000)
    const result = await refreshSession({ ...session, refreshToken: 'aor-unknown' }, { ...options, now })
    expect(result.value).toMatchObject({ refreshed: false, reason: { name: 'InvalidGrantException', status: 400 } })
  })

  it.each([
    ['no refresh token', (s: SsoToken) => ({ ...s, refreshToken: undefined }), 'NoRefreshToken'],
    ['an expired registration', (s: SsoToken) => ({ ...s, registrationExpiresAt: '2026-11-29T12:30:00Z' }), 'RegistrationExpired'],
    ['a refresh the service refuses', (s: SsoToken) => ({ ...s, refreshToken: 'aor-unknown' }), 'InvalidGrantException'],
  ])('an expired session with %s is a SessionExpiredError that says to sign in again, and why', async (_, change, reason) => {
    const { session, options, at, now } = await signedIn()
    at(3600_000)
    const record = JSON.parse(JSON.stringify(change(session)))
    const result = await refreshSession(record, { ...options, now })
    expect(result.ok).toBe(false)
    expect(result.error).toMatchObject({ name: 'SessionExpiredError', reason: { name: reason } })
    expect(result.error!.message).toMatch(/^The session expired and cannot be refreshed: .+\. Sign in again\.$/)
  })

  it('an expired session whose refresh fails for a reason that may pass returns that error, not "sign in"', async () => {
    const { session, at, now } = await signedIn()
    at(3600_000)
    const down: Fetch = async () => new Response('', { status: 503 })
    expect((await refreshSession(session, { fetch: down, retry: 0, now })).error).toMatchObject({ name: 'UnknownServiceError', status: 503 })
    const offline: Fetch = async () => {
      throw new TypeError('fetch failed')
    }
    expect((await refreshSession(session, { fetch: offline, retry: 0, now })).error?.name).toBe('NetworkError')
  })

  it('reads a response without an access token as an InvalidResponseError', async () => {
    const { session, at, now } = await signedIn()
    at(3500_000)
    const empty: Fetch = async () => new Response('{"tokenType":"Bearer"}', { status: 200 })
    expect((await refreshSession(session, { fetch: empty, now })).value?.reason).toMatchObject({ name: 'InvalidResponseError', issues: [{ path: 'accessToken' }, { path: 'expiresIn' }] })
  })

  it('takes the region from the record, and the options over it', async () => {
    const { session, at, now } = await signedIn()
    at(3500_000)
    const urls: string[] = []
    const fetch: Fetch = async (input) => (urls.push(String(input)), new Response('{}', { status: 500 }))
    await refreshSession({ ...session, region: 'eu-west-1' }, { fetch, retry: 0, now })
    await refreshSession({ ...session, region: 'eu-west-1' }, { fetch, retry: 0, now, region: 'ap-south-1' })
    expect(urls).toStrictEqual(['https://oidc.eu-west-1.amazonaws.com/token', 'https://oidc.ap-south-1.amazonaws.com/token'])
  })

  it('is a ValidationError for something not a record, sending nothing', async () => {
    const { tokenRequests, options } = await signedIn()
    for (const bad of [null, 5, {}, { accessToken: 'a', expiresAt: 'never' }]) {
      expect((await refreshSession(bad as never, options)).error?.name).toBe('ValidationError')
    }
    expect(tokenRequests).toHaveLength(0)
  })

  it('never shows a secret of the record in an error', async () => {
    const { session, at, now } = await signedIn()
    at(3600_000)
    const echo: Fetch = async (_, init) =>
      new Response(JSON.stringify({ error: 'invalid_grant', error_description: `bad ${String(init?.body)}` }), { status: 400, headers: { 'x-amzn-errortype': 'InvalidGrantException' } })
    const result = await refreshSession(session, { fetch: echo, now })
    const shown = inspect(result, { depth: Infinity })
    for (const secret of [session.refreshToken!, session.clientSecret!]) expect(shown).not.toContain(secret)
  })
})

/** A Map behind the storage interface, counting reads and writes; `async` makes both return promises. */
function mapStorage(initial?: unknown, async = false) {
  const map = new Map<string, unknown>()
  if (initial !== undefined) map.set('s', initial)
  const calls = { getItem: 0, setItem: 0 }
  const storage: TokenStorage = {
    getItem: (key) => (calls.getItem++, async ? Promise.resolve(map.get(key)) : map.get(key)),
    setItem: (key, value) => (calls.setItem++, map.set(key, value), async ? Promise.resolve() : undefined),
  }
  return { map, calls, storage }
}

describe('createTokenProvider', () => {
  /** A provider over a store holding a fresh sign-in, on fake Date (the emulator reads the same clock). */
  async function provider(storeAs: 'text' | 'object' = 'text', async = false, emulatorOptions: EmulatorOptions = {}) {
    vi.useFakeTimers({ now: T0, toFake: ['Date'] })
    const setup = await signedIn({ clock: () => Date.now(), ...emulatorOptions })
    const store = mapStorage(storeAs === 'text' ? JSON.stringify(setup.session) : setup.session, async)
    const getToken = createTokenProvider({ storage: store.storage, key: 's', region: 'us-east-1', ...setup.options })
    const at = (ms: number) => vi.setSystemTime(T0 + ms)
    return { ...setup, ...store, getToken, at }
  }

  it.each([
    ['JSON text, sync', 'text', false],
    ['JSON text, async', 'text', true],
    ['an object (as unstorage reads JSON back), async', 'object', true],
  ] as const)('reads a session stored as %s, and holds it: later calls do no I/O', async (_, storeAs, async) => {
    const { getToken, session, calls, tokenRequests } = await provider(storeAs, async)
    const first = await getToken()
    expect(first).toStrictEqual({ ok: true, value: session })
    for (let i = 0; i < 100; i++) expect((await getToken()).value).toBe(first.value)
    expect(calls).toStrictEqual({ getItem: 1, setItem: 0 })
    expect(tokenRequests).toHaveLength(0)
  })

  it('100 concurrent calls inside the window share one CreateToken request, and all get the new token', async () => {
    const { getToken, session, calls, tokenRequests, map, at } = await provider('text', true)
    at(3500_000)
    const results = await Promise.all(Array.from({ length: 100 }, () => getToken()))
    expect(tokenRequests).toStrictEqual(['refresh_token'])
    const tokens = new Set(results.map((r) => r.value?.accessToken))
    expect(tokens.size).toBe(1)
    expect([...tokens][0]).not.toBe(session.accessToken)
    expect(calls).toStrictEqual({ getItem: 1, setItem: 1 })
    expect(JSON.parse(map.get('s') as string).accessToken).toBe([...tokens][0])
  })

  it('writes the refreshed record back as JSON text, unknown members kept, the refresh token rotated', async () => {
    const { getToken, session, map, at } = await provider()
    map.set('s', JSON.stringify({ ...session, toolkit: 'kept' }))
    at(3500_000)
    const result = await getToken()
    const stored = JSON.parse(map.get('s') as string)
    expect(stored).toStrictEqual({ ...session, toolkit: 'kept', accessToken: result.value!.accessToken, expiresAt: iso(Date.now() + 3600_000), refreshToken: expect.any(String) })
    expect(stored.refreshToken).not.toBe(session.refreshToken)
  })

  it('forceRefresh refreshes a fresh session', async () => {
    const { getToken, tokenRequests } = await provider()
    await getToken()
    const forced = await getToken({ forceRefresh: true })
    expect(forced.ok).toBe(true)
    expect(tokenRequests).toStrictEqual(['refresh_token'])
  })

  it('a caller\'s signal ends its own wait, not the refresh the others share', async () => {
    const { getToken, at, tokenRequests } = await provider('text', true)
    at(3500_000)
    const controller = new AbortController()
    const mine = getToken({ signal: controller.signal })
    const theirs = getToken()
    controller.abort()
    expect(await mine).toStrictEqual({ ok: false, error: { name: 'AbortError', message: 'The operation was aborted' } })
    expect((await theirs).ok).toBe(true)
    expect(tokenRequests).toHaveLength(1)
  })

  it('a token that lives less than the window is refreshed once, then served for 30 s, not refreshed on every call', async () => {
    const { getToken, tokenRequests, at } = await provider('text', false, { accessTokenExpiresIn: 200 })
    at(3500_000)
    const first = await getToken()
    for (let i = 0; i < 10; i++) expect((await getToken()).value).toBe(first.value)
    expect(tokenRequests).toHaveLength(1)
    at(3530_000)
    await getToken()
    expect(tokenRequests).toHaveLength(2)
  })

  it('after a failed refresh of a valid token, serves it for 30 s before trying again', async () => {
    const { session, at } = await provider()
    let requests = 0
    const down: Fetch = async () => (requests++, new Response('', { status: 503 }))
    const getToken = createTokenProvider({ storage: mapStorage(JSON.stringify(session)).storage, key: 's', fetch: down, retry: 0 })
    at(3500_000)
    expect((await getToken()).value).toStrictEqual(session)
    at(3529_000)
    expect((await getToken()).value).toStrictEqual(session)
    expect(requests).toBe(1)
    at(3530_000)
    await getToken()
    expect(requests).toBe(2)
  })

  describe('errors', () => {
    it('nothing stored: NoSessionError, sign in', async () => {
      const getToken = createTokenProvider({ storage: mapStorage().storage, key: 's', region: 'us-east-1' })
      expect(await getToken()).toStrictEqual({ ok: false, error: { name: 'NoSessionError', message: 'No session at "s": sign in' } })
    })

    it('a record caught mid-write (empty, then whole) is read again, not called corrupt', async () => {
      const { session } = await signedIn()
      const reads = [' ', '{"accessToken":', JSON.stringify(session)]
      const storage: TokenStorage = { getItem: () => reads.shift() ?? JSON.stringify(session), setItem: () => {} }
      const getToken = createTokenProvider({ storage, key: 's', region: 'us-east-1' })
      vi.useFakeTimers({ now: T0, toFake: ['Date'] })
      expect((await getToken()).value).toStrictEqual(session)
    })

    it.each([
      ['text that is not JSON', '{"accessToken": "a", '],
      ['JSON that is not a record', '[1, 2]'],
      ['a record without expiresAt', JSON.stringify({ accessToken: 'a' })],
      ['a number', 42],
    ])('a corrupt record (%s): CorruptSessionError, sign in again, never a throw', async (_, stored) => {
      const getToken = createTokenProvider({ storage: mapStorage(stored).storage, key: 's', region: 'us-east-1' })
      const result = await getToken()
      expect(result.error?.name).toBe('CorruptSessionError')
      expect(result.error?.message).toMatch(/^Not a session at "s" \(sign in again\): /)
    })

    it.each([
      ['getItem throws', { getItem: () => { throw new Error('connection refused') }, setItem: () => {} }, 'getItem'],
      ['getItem rejects', { getItem: () => Promise.reject(new Error('connection refused')), setItem: () => {} }, 'getItem'],
      ['getItem is missing', { setItem: () => {} }, 'getItem'],
    ])('a failing store (%s): StoreError with the store\'s message', async (_, storage, method) => {
      const getToken = createTokenProvider({ storage: storage as never, key: 's', region: 'us-east-1' })
      const result = await getToken()
      expect(result.error?.name).toBe('StoreError')
      expect(result.error?.message).toMatch(new RegExp(`^The store's ${method}\\("s"\\) failed: `))
    })

    it('a store that fails to write a refreshed session: StoreError without a secret, and the new session held', async () => {
      const { session, at, tokenRequests, options } = await provider()
      const storage: TokenStorage = {
        getItem: () => JSON.stringify(session),
        setItem: (_, value) => {
          throw new Error(`cannot store ${value}`)
        },
      }
      const getToken = createTokenProvider({ storage, key: 's', region: 'us-east-1', ...options })
      at(3500_000)
      const failed = await getToken()
      expect(failed.error?.name).toBe('StoreError')
      const shown = inspect(failed, { depth: Infinity })
      expect(shown).toContain('cannot store')
      for (const secret of [session.clientSecret!, session.refreshToken!, session.accessToken]) expect(shown).not.toContain(secret)
      expect(shown).not.toMatch(/"accessToken":"aoa[^*]/)
      const again = await getToken()
      expect(again.ok).toBe(true)
      expect(again.value!.accessToken).not.toBe(session.accessToken)
      expect(tokenRequests).toHaveLength(1)
    })

    it('a store that never answers is a StoreError after the timeout option', async () => {
      vi.useFakeTimers()
      const getToken = createTokenProvider({ storage: { getItem: () => new Promise(() => {}), setItem: () => {} }, key: 's', region: 'us-east-1', timeout: 100 })
      const pending = getToken()
      await vi.advanceTimersByTimeAsync(100)
      expect((await pending).error).toMatchObject({ name: 'StoreError', message: 'The store\'s getItem("s") failed: timed out' })
    })

    it.each([0, Number.NaN])('a timeout option of %s sets no limit on the store', async (timeout) => {
      const { session } = await provider()
      const slow = { getItem: () => new Promise<string>((resolve) => setTimeout(resolve, 20, JSON.stringify(session))), setItem: () => {} }
      const getToken = createTokenProvider({ storage: slow, key: 's', region: 'us-east-1', timeout })
      expect(await getToken()).toMatchObject({ ok: true, value: { accessToken: session.accessToken } })
    })

    it('expired and not refreshable: SessionExpiredError', async () => {
      const { getToken, map, session, at } = await provider()
      map.set('s', JSON.stringify({ ...session, refreshToken: undefined }))
      at(3600_000)
      expect((await getToken()).error).toMatchObject({ name: 'SessionExpiredError', reason: { name: 'NoRefreshToken' } })
    })

    it('the CreateToken error that ended the refresh of an expired session', async () => {
      const { session, at } = await provider()
      const getToken = createTokenProvider({ storage: mapStorage(JSON.stringify(session)).storage, key: 's', fetch: async () => new Response('', { status: 503 }), retry: 0 })
      at(3600_000)
      expect((await getToken()).error).toMatchObject({ name: 'UnknownServiceError', status: 503 })
    })

    it('options that cannot be read: a ValidationError from every call', async () => {
      const hostile = new Proxy({}, { get: () => { throw new Error('x') }, ownKeys: () => { throw new Error('x') } })
      const getToken = createTokenProvider(hostile as never)
      expect((await getToken()).error?.name).toBe('ValidationError')
    })
  })

  describe('the rotation race between holders of one store', () => {
    it('two providers with their own memory refresh at once: 0 errors, both end with the winner\'s session, 1 wasted request', async () => {
      vi.useFakeTimers({ now: T0, toFake: ['Date'] })
      const { session, options, tokenRequests } = await signedIn({ clock: () => Date.now() })
      const { storage, map } = mapStorage(JSON.stringify(session), true)
      // Both read the store before either writes: the second refresh uses a rotated refresh token.
      let reads = 0
      let open!: () => void
      const gate = new Promise<void>((resolve) => (open = resolve))
      const racing: TokenStorage = {
        getItem: async (key) => {
          const value = map.get(key)
          if (++reads === 2) open()
          else if (reads === 1) await gate
          return value
        },
        setItem: storage.setItem,
      }
      const a = createTokenProvider({ storage: racing, key: 's', region: 'us-east-1', ...options })
      const b = createTokenProvider({ storage: racing, key: 's', region: 'us-east-1', ...options })
      vi.setSystemTime(T0 + 3500_000)
      const [ra, rb] = await Promise.all([a(), b()])
      expect(ra.ok && rb.ok).toBe(true)
      expect(ra.value!.accessToken).toBe(rb.value!.accessToken)
      expect(JSON.parse(map.get('s') as string).accessToken).toBe(ra.value!.accessToken)
      expect(tokenRequests).toStrictEqual(['refresh_token', 'refresh_token'])
    })

    it('reads a session another holder wrote since, without a request of its own', async () => {
      vi.useFakeTimers({ now: T0, toFake: ['Date'] })
      const { session, options, tokenRequests } = await signedIn({ clock: () => Date.now() })
      const { storage } = mapStorage(JSON.stringify(session))
      const a = createTokenProvider({ storage, key: 's', region: 'us-east-1', ...options })
      const b = createTokenProvider({ storage, key: 's', region: 'us-east-1', ...options })
      await b()
      vi.setSystemTime(T0 + 3500_000)
      const refreshed = await a()
      expect(tokenRequests).toHaveLength(1)
      // b holds the old session in memory until its window: then it reads the store, finds a's, and does no request.
      const fromStore = await b()
      expect(fromStore.value!.accessToken).toBe(refreshed.value!.accessToken)
      expect(tokenRequests).toHaveLength(1)
    })
  })

  it('works over unstorage (its memory driver: what it writes as text it reads back as an object)', async () => {
    vi.useFakeTimers({ now: T0, toFake: ['Date'] })
    const { session, options, tokenRequests } = await signedIn({ clock: () => Date.now() })
    const storage = createStorage({ driver: memoryDriver() })
    await storage.setItem('sso:s', JSON.stringify(session))
    const getToken = createTokenProvider({ storage, key: 'sso:s', region: 'us-east-1', ...options })
    expect((await getToken()).value).toStrictEqual(session)
    vi.setSystemTime(T0 + 3500_000)
    const refreshed = await getToken()
    expect(tokenRequests).toHaveLength(1)
    expect(await storage.getItem('sso:s')).toStrictEqual(refreshed.value)
  })
})
