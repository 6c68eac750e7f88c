import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { authorizeUrl, createPkce, pollToken } from '../src/index'
import { SUCCESS_BODY, json, recorder, wireError } from './support/wire'

const client = { clientId: 'cid', clientSecret: 'SECRET-client', deviceCode: 'dev' }
const region = 'us-east-1'

/** A service that answers the device poll with `script` in order (the last entry repeats), noting when each came. */
function service(script: string[]) {
  const times: number[] = []
  const start = Date.now()
  const { fetch, requests } = recorder((_, n) => {
    times.push(Date.now() - start)
    const step = script[Math.min(n, script.length - 1)]!
    return step === 'ok' ? json(SUCCESS_BODY.CreateToken) : wireError(step)
  })
  return { fetch, requests, times }
}

describe('pollToken', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('polls at once, then every `interval` seconds while pending, and returns the tokens', async () => {
    const svc = service(['AuthorizationPendingException', 'AuthorizationPendingException', 'ok'])
    const pending = pollToken({ ...client, interval: 2, expiresIn: 600 }, { region, fetch: svc.fetch })
    await vi.runAllTimersAsync()
    expect(await pending).toStrictEqual({ ok: true, value: SUCCESS_BODY.CreateToken })
    expect(svc.times).toStrictEqual([0, 2000, 4000])
    expect(JSON.parse(svc.requests[0]!.body)).toStrictEqual({
      clientId: 'cid',
      clientSecret: 'SECRET-client',
      grantType: 'urn:ietf:params:oauth:grant-type:device_code',
      deviceCode: 'dev',
    })
  })

  it('waits 5 s between polls when the service gives no interval', async () => {
    const svc = service(['AuthorizationPendingException', 'AuthorizationPendingException', 'ok'])
    const pending = pollToken(client, { region, fetch: svc.fetch })
    await vi.runAllTimersAsync()
    await pending
    expect(svc.times).toStrictEqual([0, 5000, 10000])
  })

  it('adds 5 s on SlowDownException, for that and every later wait', async () => {
    const svc = service(['AuthorizationPendingException', 'SlowDownException', 'AuthorizationPendingException', 'SlowDownException', 'AuthorizationPendingException', 'ok'])
    const pending = pollToken({ ...client, interval: 1 }, { region, fetch: svc.fetch })
    await vi.runAllTimersAsync()
    expect((await pending).ok).toBe(true)
    expect(svc.times).toStrictEqual([0, 1000, 7000, 13000, 24000, 35000])
  })

  it('never sends two requests closer than the interval, even when responses are slow', async () => {
    const times: number[] = []
    const start = Date.now()
    const slow = async () => {
      times.push(Date.now() - start)
      await new Promise((r) => setTimeout(r, 700))
      return times.length < 4 ? wireError('AuthorizationPendingException') : json(SUCCESS_BODY.CreateToken)
    }
    const pending = pollToken({ ...client, interval: 1 }, { region, fetch: slow })
    await vi.runAllTimersAsync()
    await pending
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000)
  })

  it('stops with ExpiredTokenException when `expiresIn` has passed, without waiting past it', async () => {
    const svc = service(['AuthorizationPendingException'])
    const start = Date.now()
    const pending = pollToken({ ...client, interval: 3, expiresIn: 10 }, { region, fetch: svc.fetch })
    let settledAt = -1
    void pending.then(() => (settledAt = Date.now() - start))
    await vi.runAllTimersAsync()
    expect(await pending).toStrictEqual({
      ok: false,
      error: {
        name: 'ExpiredTokenException',
        message: 'The device code expired after 10 s without approval',
        status: 400,
        error: 'expired_token',
        description: undefined,
        requestId: undefined,
      },
    })
    expect(svc.times).toStrictEqual([0, 3000, 6000, 9000])
    expect(settledAt).toBe(10000)
  })

  it.each(['ExpiredTokenException', 'AccessDeniedException', 'InvalidClientException', 'InvalidGrantException', 'UnsupportedGrantTypeException'])(
    'returns the service\'s %s at once',
    async (exception) => {
      const svc = service(['AuthorizationPendingException', exception])
      const pending = pollToken({ ...client, interval: 1 }, { region, fetch: svc.fetch })
      await vi.runAllTimersAsync()
      expect((await pending).error?.name).toBe(exception)
      expect(svc.times).toStrictEqual([0, 1000])
    },
  )

  it('ends with AbortError within milliseconds when the signal fires mid-wait', async () => {
    const svc = service(['AuthorizationPendingException'])
    const controller = new AbortController()
    const pending = pollToken({ ...client, interval: 60 }, { region, fetch: svc.fetch, signal: controller.signal })
    await vi.advanceTimersByTimeAsync(1500)
    controller.abort()
    await vi.advanceTimersByTimeAsync(1)
    expect(await pending).toStrictEqual({ ok: false, error: { name: 'AbortError', message: 'The operation was aborted' } })
    expect(svc.requests).toHaveLength(1)
  })

  it('tells onPending each attempt, the interval and the seconds left, and survives it throwing', async () => {
    const svc = service(['AuthorizationPendingException', 'SlowDownException', 'ok'])
    const seen: unknown[] = []
    const pending = pollToken({ ...client, interval: 2, expiresIn: 100 }, {
      region,
      fetch: svc.fetch,
      onPending: (info) => {
        seen.push(info)
        throw new Error('a broken progress bar')
      },
    })
    await vi.runAllTimersAsync()
    expect((await pending).ok).toBe(true)
    expect(seen).toStrictEqual([
      { attempt: 1, interval: 2, remaining: 100 },
      { attempt: 2, interval: 7, remaining: 98 },
    ])
  })

  it('returns a ValidationError for a bad input and sends nothing', async () => {
    const svc = service(['ok'])
    const result = await pollToken({ clientId: 'c', clientSecret: 's', interval: '1' } as never, { region, fetch: svc.fetch })
    expect(result).toStrictEqual({
      ok: false,
      error: {
        name: 'ValidationError',
        message: 'Invalid input: deviceCode: is required; interval: expected number, received string',
        issues: [
          { path: 'deviceCode', message: 'is required' },
          { path: 'interval', message: 'expected number, received string' },
        ],
      },
    })
    expect(svc.requests).toHaveLength(0)
  })
})

describe('createPkce', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('matches RFC 7636 Appendix B: the verifier from its 32 octets, and its S256 challenge', async () => {
    const octets = [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121]
    vi.spyOn(crypto, 'getRandomValues').mockImplementation(((array: Uint8Array) => {
      array.set(octets)
      return array
    }) as never)
    expect(await createPkce()).toStrictEqual({
      codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    })
  })

  it('makes a fresh 43-character verifier of unreserved characters each time', async () => {
    const a = await createPkce()
    const b = await createPkce()
    expect(a.codeVerifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/)
    expect(a.codeChallenge).toMatch(/^[A-Za-z0-9\-_]{43}$/)
    expect(a.codeVerifier).not.toBe(b.codeVerifier)
  })
})

describe('authorizeUrl', () => {
  const input = { clientId: 'cid', redirectUri: 'http://127.0.0.1:53123/oauth/callback', state: 'st', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' }

  it('builds the AWS CLI v2 /authorize URL on the resolved endpoint', () => {
    expect(authorizeUrl({ ...input, scopes: ['sso:account:access', 'codewhisperer:completions'] }, { region: 'eu-west-1' })).toStrictEqual({
      ok: true,
      value:
        'https://oidc.eu-west-1.amazonaws.com/authorize?response_type=code&client_id=cid&redirect_uri=http%3A%2F%2F127.0.0.1%3A53123%2Foauth%2Fcallback&state=st&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess+codewhisperer%3Acompletions&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    })
  })

  it('defaults scopes to sso:account:access, as the AWS CLI does', () => {
    const url = authorizeUrl(input, { endpoint: 'http://127.0.0.1:9000' })
    expect(url.ok && new URL(url.value).searchParams.get('scopes')).toBe('sso:account:access')
    expect(url.ok && url.value.startsWith('http://127.0.0.1:9000/authorize?')).toBe(true)
  })

  it('returns the EndpointError or ValidationError instead of a URL', () => {
    expect(authorizeUrl(input, {})).toStrictEqual({ ok: false, error: { name: 'EndpointError', message: 'Invalid Configuration: Missing Region' } })
    expect(authorizeUrl({ ...input, state: undefined } as never, { region })).toMatchObject({ ok: false, error: { name: 'ValidationError', issues: [{ path: 'state' }] } })
  })
})
