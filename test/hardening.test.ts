/**
 * Issue 12: the twelve defects a review found by trying to break the core, one describe each, numbered as in the
 * issue. Every case here failed before its fix.
 */
import { inspect } from 'node:util'
import { isThrottlingError, isTransientError } from '@smithy/core/retry'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createToken, createTokenWithIAM, pollToken, registerClient, resolveEndpoint } from '../src/index'
import { createEmulator } from '../src/emulator/index'
import { listen } from '../src/emulator/node'
import { retryKind } from '../src/request'
import { CREDENTIALS, SUCCESS_BODY, VALID_INPUT, json, recorder, wireError } from './support/wire'
import { unhandledDuring } from './support/unhandled'

const region = 'us-east-1'
const input = VALID_INPUT.CreateToken

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('1. no promise we are handed goes unhandled', () => {
  it('a fetch that aborts the caller\'s signal and then rejects: an AbortError, and no unhandled rejection', async () => {
    const controller = new AbortController()
    const fetch = () => {
      controller.abort()
      return Promise.reject(new Error(`failed with ${input.clientSecret}`))
    }
    const { result, unhandled } = await unhandledDuring(() => createToken(input, { region, fetch, signal: controller.signal }))
    expect(result).toStrictEqual({ ok: false, error: { name: 'AbortError', message: 'The operation was aborted' } })
    expect(unhandled).toStrictEqual([])
  })

  it('a credentials provider that aborts the caller\'s signal and then rejects: the same', async () => {
    const controller = new AbortController()
    const credentials = () => {
      controller.abort()
      return Promise.reject(new Error(CREDENTIALS.secretAccessKey))
    }
    const { result, unhandled } = await unhandledDuring(() =>
      createTokenWithIAM(VALID_INPUT.CreateTokenWithIAM, { region, credentials, signal: controller.signal, fetch: async () => json({}) }),
    )
    expect(result.error?.name).toBe('AbortError')
    expect(unhandled).toStrictEqual([])
  })

  it('a fetch that rejects after its attempt timed out: no unhandled rejection either', async () => {
    const fetch = () => new Promise<Response>((_, reject) => setTimeout(() => reject(new Error('late')), 30))
    const { result, unhandled } = await unhandledDuring(() => createToken(input, { region, fetch, timeout: 5, retry: 0 }))
    expect(result.error?.name).toBe('TimeoutError')
    expect(unhandled).toStrictEqual([])
  })
})

describe('2. nothing a caller\'s code throws escapes', () => {
  const hostile: [string, () => unknown][] = [
    ['a Proxy whose every getter throws the Proxy itself', () => { const proxy: object = new Proxy({}, { get: () => { throw proxy }, getPrototypeOf: () => { throw proxy } }); return proxy }],
    ['a Proxy whose every getter throws', () => new Proxy({}, { get: () => { throw new Error('getter') }, getPrototypeOf: () => { throw new Error('proto') } })],
    ['a revoked Proxy', () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy }],
    ['a Symbol', () => Symbol('odd')],
    ['an object whose toString throws', () => ({ toString() { throw new Error('toString') } })],
    ['an Error whose cause getter throws', () => Object.defineProperty(new Error('outer'), 'cause', { get() { throw new Error('cause') } })],
    ['null', () => null],
  ]
  it.each(hostile)('fetch throws %s: a NetworkError, never a rejection', async (_, make) => {
    const fetch = () => { throw make() }
    const result = await createToken(input, { region, fetch, retry: 0 })
    expect(result.ok).toBe(false)
    expect(result.error?.name).toBe('NetworkError')
    expect(typeof result.error?.message).toBe('string')
    expect(() => inspect(result, { depth: Infinity, showHidden: true })).not.toThrow()
  })

  it.each(hostile)('a credentials provider throws %s: a CredentialsError', async (_, make) => {
    const result = await createTokenWithIAM(VALID_INPUT.CreateTokenWithIAM, { region, credentials: () => { throw make() }, fetch: async () => json({}) })
    expect(result.error?.name).toBe('CredentialsError')
  })
})

describe('3. `timeout` covers every await of an attempt', () => {
  it('a credentials provider that never settles is a TimeoutError after `timeout` ms, and each retry asks it again', async () => {
    vi.useFakeTimers()
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const credentials = vi.fn(() => new Promise<never>(() => {}))
    const { fetch, requests } = recorder(() => json({}))
    const pending = createTokenWithIAM(VALID_INPUT.CreateTokenWithIAM, { region, credentials, fetch, timeout: 100 })
    await vi.advanceTimersByTimeAsync(99)
    expect(credentials).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(300)
    expect(await pending).toStrictEqual({ ok: false, error: { name: 'TimeoutError', message: 'No response within 100 ms' } })
    expect(credentials).toHaveBeenCalledTimes(3)
    expect(requests).toHaveLength(0)
  })
})

describe('4. pollToken keeps its pace whatever the server sends', () => {
  /** A device service answering `script` in order (the last repeats), noting when each request came. */
  const service = (script: (string | number)[]) => {
    const start = Date.now()
    const times: number[] = []
    const { fetch } = recorder((_, n) => {
      times.push(Date.now() - start)
      const step = script[Math.min(n, script.length - 1)]!
      return step === 'ok' ? json(SUCCESS_BODY.CreateToken) : typeof step === 'number' ? new Response('', { status: step }) : wireError(step)
    })
    return { fetch, times }
  }
  const device = { clientId: 'c', clientSecret: 'SECRET-client', deviceCode: 'd' }

  it('a 5xx, a 429 or a throttling code is polled again at the interval, never on the sub-second backoff', async () => {
    vi.useFakeTimers()
    const svc = service([500, 'AuthorizationPendingException', 429, 503, 'ok'])
    const pending = pollToken({ ...device, interval: 2, expiresIn: 600 }, { region, fetch: svc.fetch })
    await vi.runAllTimersAsync()
    expect((await pending).ok).toBe(true)
    expect(svc.times).toStrictEqual([0, 2000, 4000, 6000, 8000])
  })

  it('stops on the third transient failure in a row (retry 2), or the first with `retry: 0`', async () => {
    vi.useFakeTimers()
    for (const [retry, polls] of [[undefined, 3], [0, 1], [5, 6]] as const) {
      const svc = service([503])
      const pending = pollToken({ ...device, interval: 1 }, { region, fetch: svc.fetch, ...(retry === undefined ? {} : { retry }) })
      await vi.runAllTimersAsync()
      expect((await pending).error).toMatchObject({ name: 'UnknownServiceError', status: 503 })
      expect(svc.times).toHaveLength(polls)
    }
  })

  it('an interval beyond a timer\'s range waits (real timers, which overflow past 2^31-1 ms): one request, not a hot loop', async () => {
    const svc = service(['AuthorizationPendingException'])
    const signal = AbortSignal.timeout(300)
    const result = await pollToken({ ...device, interval: 2 ** 31 / 1000 + 1 }, { region, fetch: svc.fetch, signal })
    expect(result.error?.name).toBe('AbortError')
    expect(svc.times).toHaveLength(1)
  })

  it('an interval beyond a timer\'s range still ends at the deadline', async () => {
    vi.useFakeTimers()
    const svc = service(['AuthorizationPendingException'])
    const pending = pollToken({ ...device, interval: 3e6, expiresIn: 600 }, { region, fetch: svc.fetch })
    await vi.advanceTimersByTimeAsync(600_000)
    expect((await pending).error?.name).toBe('ExpiredTokenException')
    expect(svc.times).toStrictEqual([0])
  })

  it('an interval and an expiry beyond a timer\'s range: polled again after the interval, expired only at the deadline', async () => {
    vi.useFakeTimers()
    const day = 86_400_000
    const svc = service(['AuthorizationPendingException', 'AuthorizationPendingException'])
    let settled = false
    const pending = pollToken({ ...device, interval: (30 * day) / 1000, expiresIn: (40 * day) / 1000 }, { region, fetch: svc.fetch }).finally(() => (settled = true))
    await vi.advanceTimersByTimeAsync(29 * day)
    expect([svc.times, settled]).toStrictEqual([[0], false])
    await vi.advanceTimersByTimeAsync(day)
    expect([svc.times, settled]).toStrictEqual([[0, 30 * day], false])
    await vi.advanceTimersByTimeAsync(9 * day)
    expect(settled).toBe(false)
    await vi.advanceTimersByTimeAsync(day)
    expect((await pending).error?.name).toBe('ExpiredTokenException')
    expect(svc.times).toStrictEqual([0, 30 * day])
  })

  it.each([0, -3, Number.NaN, 0.2])('an interval of %s never polls faster than once a second', async (interval) => {
    vi.useFakeTimers()
    const svc = service(['AuthorizationPendingException', 'AuthorizationPendingException', 'ok'])
    const pending = pollToken({ ...device, interval }, { region, fetch: svc.fetch })
    await vi.runAllTimersAsync()
    await pending
    const expected = Number.isNaN(interval) ? [0, 5000, 10000] : [0, 1000, 2000]
    expect(svc.times).toStrictEqual(expected)
  })
})

describe('5. secrets are scrubbed in every form they take on the way out', () => {
  const secret = 'Rt+/a"b\\c=d e'
  const forms = {
    raw: secret,
    'JSON-escaped': JSON.stringify(secret).slice(1, -1),
    'percent-encoded': encodeURIComponent(secret),
    'form-encoded': new URLSearchParams({ s: secret }).toString().slice(2),
    'JSON-escaped twice': JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1),
  }
  const refresh = { clientId: 'cid', clientSecret: 'SECRET-client', grantType: 'refresh_token', refreshToken: secret }

  it.each(Object.entries(forms))('a service echoing the refresh token %s', async (_, form) => {
    const { fetch } = recorder(() => wireError('InvalidGrantException', { error_description: `bad token ${form}` }))
    const result = await createToken(refresh, { region, fetch })
    expect(result.error).toMatchObject({ name: 'InvalidGrantException', description: 'bad token ***' })
    expect(JSON.stringify(result)).not.toContain(form)
  })

  it('a fetch error quoting the JSON body', async () => {
    const fetch = async (_: unknown, init?: RequestInit) => { throw new TypeError(`could not send ${String(init?.body)}`) }
    const result = await createToken(refresh, { region, fetch, retry: 0 })
    const shown = inspect(result, { depth: Infinity })
    for (const form of Object.values(forms)) expect(shown).not.toContain(form)
    expect(result.error?.message).toContain('"refreshToken":"***"')
  })

  it('a session token with a stray CR LF, quoted trimmed by undici\'s Headers', async () => {
    const sessionToken = '\r\nFwoGZXIvYXdzEJr//////////wEaDN+SeSsIoN=\r\n'
    const result = await createTokenWithIAM(VALID_INPUT.CreateTokenWithIAM, {
      region,
      retry: 0,
      credentials: { ...CREDENTIALS, sessionToken: `${sessionToken}\r\nx` },
      fetch: async () => json({}),
    })
    expect(result.ok).toBe(false)
    const shown = inspect(result, { depth: Infinity, showHidden: true })
    expect(shown).not.toContain('FwoGZXIvYXdzEJr')
  })
})

describe('6. throttling and transient codes are retried whatever the status, as the SDK does', () => {
  // The AWS SDK v3's own lists (@smithy/core retry/service-error-classification/constants.js), copied to ask its
  // own classifier, plus codes it does not retry.
  const THROTTLING = ['BandwidthLimitExceeded', 'EC2ThrottledException', 'LimitExceededException', 'PriorRequestNotComplete', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException', 'SlowDown', 'ThrottledException', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'TransactionInProgressException']
  const TRANSIENT = ['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']
  const OTHERS = ['SlowDownException', 'InvalidGrantException', 'ThrottlingExceptionX', 'throttlingexception', 'Throttle', 'InternalServerException', '']

  it.each([...THROTTLING, ...TRANSIENT, ...OTHERS].flatMap((code) => [400, 403, 429, 500, 501, 503].map((status) => [code, status] as const)))(
    'classifies %j at HTTP %i as the SDK\'s isThrottlingError and isTransientError do',
    (code, status) => {
      const sdkError = { name: code, message: 'x', $metadata: { httpStatusCode: status } } as Parameters<typeof isThrottlingError>[0]
      const sdk = isThrottlingError(sdkError) ? 'throttling' : isTransientError(sdkError) ? 'transient' : undefined
      expect(retryKind(status, code)).toBe(sdk)
    },
  )

  it.each(['ThrottlingException', 'TooManyRequestsException', 'RequestTimeoutException'])('retries a 400 %s, with the throttling or transient backoff', async (code) => {
    vi.useFakeTimers()
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const start = Date.now()
    const times: number[] = []
    const { fetch } = recorder(() => (times.push(Date.now() - start), json({ __type: `com.amazon#${code}`, message: 'slow down' }, 400)))
    const pending = createToken(input, { region, fetch })
    await vi.runAllTimersAsync()
    expect((await pending).error).toMatchObject({ name: 'UnknownServiceError', status: 400, type: `com.amazon#${code}` })
    expect(times).toStrictEqual(code === 'RequestTimeoutException' ? [0, 100, 300] : [0, 500, 1500])
  })

  it.each([
    ['x-amz-retry-after: 3000 (ms)', { 'x-amz-retry-after': '3000' }, 3000],
    ['Retry-After: 2 (s)', { 'retry-after': '2' }, 2000],
    ['Retry-After: 60 (s), at most 5 s past the backoff', { 'retry-after': '60' }, 5000],
    ['a Retry-After date', { 'retry-after': 'DATE' }, 4000],
    ['an unreadable Retry-After', { 'retry-after': 'soon' }, 0],
  ])('honours %s', async (_, headers: Record<string, string>, wait) => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) })
    vi.spyOn(Math, 'random').mockReturnValue(0)
    if (headers['retry-after'] === 'DATE') headers['retry-after'] = new Date(Date.now() + 4000).toUTCString()
    const start = Date.now()
    const times: number[] = []
    const { fetch } = recorder((_, n) => (times.push(Date.now() - start), n ? json(SUCCESS_BODY.CreateToken) : json({}, 503, headers)))
    const pending = createToken(input, { region, fetch })
    await vi.runAllTimersAsync()
    expect((await pending).ok).toBe(true)
    expect(times).toStrictEqual([0, wait])
  })
})

describe('7. a custom endpoint is used as it was checked', () => {
  it.each([
    ['https://good.example ', 'https://good.example/token'],
    [' https://good.example/base/ ', 'https://good.example/base/token'],
    ['https://go\tod.exa\nmple', 'https://good.example/token'],
    ['HTTPS://GOOD.EXAMPLE', 'https://good.example/token'],
  ])('%j sends to %s, once', async (endpoint, url) => {
    const { fetch, requests } = recorder(() => json(SUCCESS_BODY.CreateToken))
    expect((await createToken(input, { endpoint, fetch })).ok).toBe(true)
    expect(requests.map((r) => r.url)).toStrictEqual([url])
    expect(resolveEndpoint({ endpoint })).toStrictEqual({ ok: true, value: url.replace(/\/token$/, '') })
  })
})

describe('7b. options come from the caller, not from Object.prototype', () => {
  it.each([
    ['an option given as undefined', { region, endpoint: undefined }],
    ['options without a prototype', Object.assign(Object.create(null), { region })],
  ])('%s: a polluted endpoint is not used', async (_, options) => {
    const polluted = Object.prototype as { endpoint?: string }
    polluted.endpoint = 'https://evil.example'
    try {
      expect(resolveEndpoint(options)).toStrictEqual({ ok: true, value: 'https://oidc.us-east-1.amazonaws.com' })
      // A polluted prototype also breaks valibot's object schemas (they walk their entries with for…in): a call is
      // then a ValidationError, and sends nothing anywhere.
      const { fetch, requests } = recorder(() => json(SUCCESS_BODY.CreateToken))
      expect((await createToken(input, { ...options, fetch })).error?.name).toBe('ValidationError')
      expect(requests).toStrictEqual([])
    } finally {
      delete polluted.endpoint
    }
  })
})

describe('8. the caller\'s headers are read once', () => {
  it.each([
    ['a Map iterator', () => new Map([['x-trace', 'abc']]).entries()],
    ['a generator', function* () { yield ['x-trace', 'abc'] as [string, string] }],
  ])('%s reaches the wire, on every attempt', async (_, make) => {
    vi.useFakeTimers()
    const { fetch, requests } = recorder((_, n) => (n ? json(SUCCESS_BODY.CreateToken) : new Response('', { status: 503 })))
    const pending = createToken(input, { region, fetch, headers: make() as never })
    await vi.runAllTimersAsync()
    expect((await pending).ok).toBe(true)
    expect(requests.map((r) => r.headers['x-trace'])).toStrictEqual(['abc', 'abc'])
  })

  it('headers that cannot be read are a ValidationError, and nothing is sent', async () => {
    const { fetch, requests } = recorder(() => json({}))
    const headers = { *[Symbol.iterator]() { throw new Error('no') } }
    const result = await createToken(input, { region, fetch, headers: headers as never })
    expect(result.error).toMatchObject({ name: 'ValidationError', issues: [{ path: 'options.headers', message: 'expected HeadersInit, received object' }] })
    expect(requests).toHaveLength(0)
  })
})

describe('9. regions as the SDK client reads them', () => {
  it.each([
    ['US-EAST-1', false, 'https://oidc.us-east-1.amazonaws.com'],
    ['CN-North-1', false, 'https://oidc.cn-north-1.amazonaws.com.cn'],
    ['fips-us-east-1', false, 'https://oidc-fips.us-east-1.amazonaws.com'],
    ['us-east-1-fips', false, 'https://oidc-fips.us-east-1.amazonaws.com'],
    ['fips-dkr-us-west-2', false, 'https://oidc-fips.us-west-2.amazonaws.com'],
    ['aws-fips', false, 'https://oidc-fips.us-east-1.amazonaws.com'],
    ['fips-aws-global', false, 'https://oidc-fips.us-east-1.amazonaws.com'],
    ['us-gov-west-1-fips', false, 'https://oidc.us-gov-west-1.amazonaws.com'],
    ['fips-us-east-1', true, 'https://oidc-fips.us-east-1.api.aws'],
  ])('%s (dual-stack %s) resolves to %s', (region, dual, url) => {
    expect(resolveEndpoint({ region, useDualstackEndpoint: dual })).toStrictEqual({ ok: true, value: url })
  })

  it('signs for the lower-cased region, in the credential scope', async () => {
    const { fetch, requests } = recorder(() => json(SUCCESS_BODY.CreateTokenWithIAM))
    expect((await createTokenWithIAM(VALID_INPUT.CreateTokenWithIAM, { region: 'EU-West-1', credentials: CREDENTIALS, fetch })).ok).toBe(true)
    expect(requests[0]!.url).toBe('https://oidc.eu-west-1.amazonaws.com/token?aws_iam=t')
    expect(requests[0]!.headers.authorization).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/sso-oauth\/aws4_request/)
  })

  it('the emulator accepts what a pseudo-region signs: the real region', async () => {
    const emulator = createEmulator({ region: 'us-west-2', iamCredentials: [CREDENTIALS] })
    const assertion = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln'
    const result = await createTokenWithIAM({ ...VALID_INPUT.CreateTokenWithIAM, assertion }, { region: 'US-WEST-2-FIPS', credentials: CREDENTIALS, fetch: emulator.fetch })
    expect(result.ok).toBe(true)
  })
})

describe('10. output types name exactly the model\'s members', () => {
  it('a typo does not compile (test/types.test-d.ts), and unknown members are not in the value', async () => {
    const { fetch } = recorder(() => json({ ...SUCCESS_BODY.CreateToken, acessToken: 'typo' }))
    const result = await createToken(input, { region, fetch })
    expect(result).toStrictEqual({ ok: true, value: SUCCESS_BODY.CreateToken })
  })
})

describe('11. the emulator\'s /authorize sends codes only where the service would', () => {
  const arn = 'arn:aws:sso::123456789012:application/ssoins-1/apl-1'
  const query = (clientId: string, redirectUri: string) =>
    `https://oidc.us-east-1.amazonaws.com/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      state: 's',
      code_challenge_method: 'S256',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    })}`

  it.each(['javascript:alert(1)', 'http://evil.example/cb', 'data:text/html,x', 'https://user:pw@app.example/cb', 'https://app.example/cb#frag', 'relative/cb'])(
    'refuses %s for an application ARN with a 400 page, no redirect',
    async (uri) => {
      const response = await createEmulator().fetch(query(arn, uri))
      expect(response.status).toBe(400)
      expect(response.headers.get('location')).toBeNull()
    },
  )

  it.each(['http://127.0.0.1:8080/cb', 'http://[::1]/cb', 'https://app.example/cb'])('redirects to %s for an application ARN', async (uri) => {
    const response = await createEmulator().fetch(query(arn, uri))
    expect(response.status).toBe(302)
    expect(new URL(response.headers.get('location')!).searchParams.get('code')).toBeTruthy()
  })

  it.each(['http://user@127.0.0.1:5555/oauth/callback', 'http://127.0.0.1:5555/oauth/callback#x'])(
    'refuses %s for a client registered with http://127.0.0.1/oauth/callback',
    async (uri) => {
      const emulator = createEmulator()
      const client = await registerClient(
        { clientName: 'c', clientType: 'public', grantTypes: ['authorization_code'], redirectUris: ['http://127.0.0.1/oauth/callback'] },
        { region, fetch: emulator.fetch },
      )
      const response = await emulator.fetch(query(client.value!.clientId!, uri))
      expect(response.status).toBe(400)
    },
  )

  it.each(['javascript:alert(1)', 'http://evil.example/cb', 'https://u:p@app.example/cb'])('RegisterClient refuses the redirect URI %s', async (uri) => {
    const result = await registerClient({ clientName: 'c', clientType: 'public', redirectUris: [uri] }, { region, fetch: createEmulator().fetch })
    expect(result.error?.name).toBe('InvalidRedirectUriException')
  })
})

describe('12. small things', () => {
  it('approve and deny of something not a string are false, not a throw', () => {
    const emulator = createEmulator()
    for (const code of [undefined, null, 5, {}]) {
      expect(emulator.approve(code as never)).toBe(false)
      expect(emulator.deny(code as never)).toBe(false)
    }
  })

  it('a server bound to 0.0.0.0 gives a loopback URL the library accepts', async () => {
    const server = await listen(createEmulator(), { host: '0.0.0.0' })
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect((await registerClient({ clientName: 'c', clientType: 'public' }, { endpoint: server.url })).ok).toBe(true)
    } finally {
      await server.close()
    }
  })
})
