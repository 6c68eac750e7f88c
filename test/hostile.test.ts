/**
 * Regressions from a review that tried to break the promises: hostile inputs, leaks, and corner cases of the
 * wire and the endpoint rules.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { authorizeUrl, createToken, createTokenWithIAM, pollToken, resolveEndpoint } from '../src/index'
import { CREDENTIALS, SUCCESS_BODY, VALID_INPUT, json, recorder } from './support/wire'

const region = 'us-east-1'
const throwing = new Proxy({}, { get: () => { throw new Error('hostile') }, ownKeys: () => { throw new Error('hostile') } })

afterEach(() => {
  vi.useRealTimers()
})

describe('hostile inputs never make a call throw or reject', () => {
  it.each([
    ['pollToken with a throwing input', () => pollToken(throwing as never)],
    ['pollToken with a throwing options getter', () => pollToken({ clientId: 'c', clientSecret: 's', deviceCode: 'd' }, { get onPending() { throw new Error('x') } } as never)],
    ['createToken with a throwing input', () => createToken(throwing as never, { region })],
  ])('%s resolves to a ValidationError', async (_, run) => {
    const result = await run()
    expect(result.ok).toBe(false)
    expect(result.error?.name).toBe('ValidationError')
  })

  it('createToken with options that throw on every read is a ValidationError that says so, and sends nothing', async () => {
    expect(await createToken(VALID_INPUT.CreateToken, throwing as never)).toStrictEqual({
      ok: false,
      error: { name: 'ValidationError', message: 'Invalid input: value: could not be read (a getter threw)', issues: [{ path: '', message: 'could not be read (a getter threw)' }] },
    })
  })

  it('authorizeUrl and resolveEndpoint return errors for hostile or missing options', () => {
    expect(authorizeUrl(throwing as never, { region }).error?.name).toBe('ValidationError')
    expect(authorizeUrl({ clientId: 'c', redirectUri: 'http://127.0.0.1/cb', state: 's', codeChallenge: 'x' }, throwing as never).error?.name).toBe('EndpointError')
    expect(resolveEndpoint(undefined as never)).toStrictEqual({ ok: false, error: { name: 'EndpointError', message: 'Invalid Configuration: Missing Region' } })
    expect(resolveEndpoint(null as never)).toStrictEqual({ ok: false, error: { name: 'EndpointError', message: 'Invalid Configuration: Missing Region' } })
  })

  it('an async onPending that rejects does not end the sign-in nor crash the process', async () => {
    vi.useFakeTimers()
    const { fetch } = recorder((_, n) => (n === 0 ? json({ error: 'authorization_pending' }, 400, { 'x-amzn-errortype': 'AuthorizationPendingException' }) : json(SUCCESS_BODY.CreateToken)))
    const pending = pollToken({ clientId: 'c', clientSecret: 's', deviceCode: 'd', interval: 1 }, { region, fetch, onPending: async () => { throw new Error('broken progress') } })
    await vi.runAllTimersAsync()
    expect((await pending).ok).toBe(true)
  })
})

describe('values that read differently each time cannot steer a request', () => {
  it('a region must be a string, and the flags booleans', () => {
    let reads = 0
    const region = { toString: () => (reads++ ? 'evil.example/x?' : 'us-east-1') }
    const input = { clientId: 'c', redirectUri: 'http://127.0.0.1/cb', state: 's', codeChallenge: 'x' }
    expect(authorizeUrl(input, { region } as never)).toStrictEqual({
      ok: false,
      error: { name: 'EndpointError', message: 'Invalid Configuration: options.region: expected string, received object' },
    })
    expect(resolveEndpoint({ region: 'us-east-1', useFipsEndpoint: 'no' } as never).error?.name).toBe('EndpointError')
  })

  it('a custom endpoint with a query or a fragment is refused', () => {
    for (const endpoint of ['https://host.example/base?x=1', 'https://host.example/#frag', 'https://host.example/?']) {
      expect(resolveEndpoint({ endpoint })).toStrictEqual({
        ok: false,
        error: { name: 'EndpointError', message: 'Invalid Configuration: the endpoint must be https: (http: on loopback only), without credentials, query or fragment' },
      })
    }
  })
})

describe('the wire, as the SDKs read it', () => {
  it('reads a numeric `code` as a type, as the SDK does: not one the model names', async () => {
    const { fetch } = recorder(() => json({ code: 400, __type: 'SlowDownException' }, 400))
    const result = await createToken(VALID_INPUT.CreateToken, { region, fetch })
    expect(result.error).toMatchObject({ name: 'UnknownServiceError', type: '400' })
  })

  it('keeps what follows the first `#`, as the SDK does', async () => {
    const { fetch } = recorder(() => json({ __type: 'x#InvalidGrantException#y' }, 400))
    expect((await createToken(VALID_INPUT.CreateToken, { region, fetch })).error?.name).toBe('InvalidGrantException')
  })

  it('reads invalid_request with endpoint and region as InvalidRequestException where the region exception is not modeled', async () => {
    const { fetch } = recorder(() => json({ error: 'invalid_request', endpoint: 'e', region: 'r' }, 400))
    expect((await createToken(VALID_INPUT.CreateToken, { region, fetch })).error?.name).toBe('InvalidRequestException')
  })

  it('refuses a 2xx that a `fetch` reached by following a redirect anyway', async () => {
    const followed = async () => Object.defineProperty(json(SUCCESS_BODY.CreateToken), 'redirected', { value: true })
    expect((await createToken(VALID_INPUT.CreateToken, { region, fetch: followed })).error).toMatchObject({
      name: 'UnknownServiceError',
      message: 'Redirect refused (HTTP 200)',
    })
  })
})

describe('createTokenWithIAM', () => {
  it('signs every attempt afresh, resolving the credentials each time', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0) // no backoff wait; signing runs on WebCrypto, which fake timers cannot drive
    const provider = vi.fn(async () => CREDENTIALS)
    const { fetch, requests } = recorder(() => new Response('', { status: 503 }))
    await createTokenWithIAM(VALID_INPUT.CreateTokenWithIAM, { region, credentials: provider, fetch })
    vi.restoreAllMocks()
    expect(requests).toHaveLength(3)
    expect(provider).toHaveBeenCalledTimes(3)
    expect(requests.every((r) => r.headers.authorization?.startsWith('AWS4-HMAC-SHA256 '))).toBe(true)
  })

  it('ends the wait for a credentials provider that never answers when the signal aborts', async () => {
    const controller = new AbortController()
    const { fetch, requests } = recorder(() => json({}))
    setTimeout(() => controller.abort(), 10)
    const result = await createTokenWithIAM(VALID_INPUT.CreateTokenWithIAM, { region, fetch, signal: controller.signal, credentials: () => new Promise(() => {}) })
    expect(result).toStrictEqual({ ok: false, error: { name: 'AbortError', message: 'The operation was aborted' } })
    expect(requests).toHaveLength(0)
  })
})

describe('the emulator refuses replayed CreateTokenWithIAM requests', () => {
  it('answers AccessDeniedException to a request signed more than 15 minutes from its clock', async () => {
    const { createEmulator } = await import('../src/emulator/index')
    const { signHeaders } = await import('../src/sigv4')
    const emulator = createEmulator({ iamCredentials: [CREDENTIALS] })
    const url = 'https://oidc.us-east-1.amazonaws.com/token?aws_iam=t'
    const body = JSON.stringify({ ...VALID_INPUT.CreateTokenWithIAM, assertion: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln' })
    const send = async (datetime: string) => {
      const headers = new Headers({ 'content-type': 'application/json' })
      await signHeaders({ url, headers, body }, CREDENTIALS, 'us-east-1', 'sso-oauth', datetime)
      return emulator.fetch(url, { method: 'POST', headers, body })
    }
    const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, '')
    const old = await send(amzDate(Date.now() - 16 * 60 * 1000))
    expect(old.status).toBe(400)
    expect(old.headers.get('x-amzn-errortype')).toMatch(/^AccessDeniedException:/)
    expect((await send(amzDate(Date.now() - 60 * 1000))).status).toBe(200)
  })
})
