import { afterEach, describe, expect, it, vi } from 'vitest'
import { createToken } from '../src/index'
import { backoff } from '../src/request'
import { SUCCESS_BODY, VALID_INPUT, json, recorder, wireError } from './support/wire'

const region = 'us-east-1'
const input = VALID_INPUT.CreateToken

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('redirects', () => {
  it.each([301, 302, 303, 307, 308])('never follows an HTTP %i: it is an UnknownServiceError, sent once', async (status) => {
    const { fetch, requests } = recorder(() => new Response(null, { status, headers: { location: 'https://evil.example/token' } }))
    const result = await createToken(input, { region, fetch })
    expect(result).toStrictEqual({
      ok: false,
      error: {
        name: 'UnknownServiceError',
        message: `Redirect refused (HTTP ${status})`,
        status,
        type: undefined,
        error: undefined,
        description: undefined,
        requestId: undefined,
      },
    })
    expect(requests).toHaveLength(1)
    expect(requests[0]!.redirect).toBe('manual')
  })

  it('treats a browser opaque redirect (status 0) the same way', async () => {
    const opaque = { status: 0, type: 'opaqueredirect', headers: new Headers(), body: null, ok: false, text: async () => '' } as unknown as Response
    const result = await createToken(input, { region, fetch: async () => opaque })
    expect(result.error).toMatchObject({ name: 'UnknownServiceError', message: 'Redirect refused (HTTP 0)' })
  })
})

describe('custom endpoints', () => {
  it.each([
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080/token'],
    ['http://127.3.4.5', 'http://127.3.4.5/token'],
    ['http://localhost:3000/', 'http://localhost:3000/token'],
    ['http://[::1]:9000', 'http://[::1]:9000/token'],
    ['https://proxy.example.com/sso', 'https://proxy.example.com/sso/token'],
  ])('sends to %s', async (endpoint, url) => {
    const { fetch, requests } = recorder(() => json(SUCCESS_BODY.CreateToken))
    expect((await createToken(input, { endpoint, fetch })).ok).toBe(true)
    expect(requests[0]!.url).toBe(url)
  })

  it.each(['http://example.com', 'http://10.0.0.1', 'http://127.0.0.1.evil.com', 'ftp://127.0.0.1', 'https://user:pw@example.com', 'not a url'])(
    'refuses %s and sends nothing',
    async (endpoint) => {
      const { fetch, requests } = recorder(() => json({}))
      const result = await createToken(input, { endpoint, fetch })
      expect(result.error?.name).toBe('EndpointError')
      expect(requests).toHaveLength(0)
    },
  )
})

describe('timeouts and aborts', () => {
  const hang = (_: unknown, init?: RequestInit) =>
    new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))
  const deaf = () => new Promise<Response>(() => {}) // a fetch that ignores its signal entirely

  it('returns TimeoutError after `timeout` ms on each of the attempts, then stops', async () => {
    vi.useFakeTimers()
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const fetch = vi.fn(hang)
    const pending = createToken(input, { region, fetch, timeout: 1000, retry: 2 })
    await vi.advanceTimersByTimeAsync(999)
    expect(fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(3000)
    expect(await pending).toStrictEqual({ ok: false, error: { name: 'TimeoutError', message: 'No response within 1000 ms' } })
    expect(fetch).toHaveBeenCalledTimes(3)
  })

  it('times out even when `fetch` ignores its signal', async () => {
    vi.useFakeTimers()
    const pending = createToken(input, { region, fetch: deaf, timeout: 50, retry: 0 })
    await vi.advanceTimersByTimeAsync(50)
    expect((await pending).error?.name).toBe('TimeoutError')
  })

  it('returns AbortError at once for an already aborted signal, sending nothing', async () => {
    const { fetch, requests } = recorder(() => json({}))
    const result = await createToken(input, { region, fetch, signal: AbortSignal.abort() })
    expect(result).toStrictEqual({ ok: false, error: { name: 'AbortError', message: 'The operation was aborted' } })
    expect(requests).toHaveLength(0)
  })

  it('returns AbortError when the signal fires mid-request, even with a deaf fetch', async () => {
    const controller = new AbortController()
    const pending = createToken(input, { region, fetch: deaf, signal: controller.signal })
    setTimeout(() => controller.abort(), 5)
    expect((await pending).error?.name).toBe('AbortError')
  })

  it('cuts a retry wait short when the signal fires', async () => {
    vi.useFakeTimers()
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const controller = new AbortController()
    const fetch = vi.fn(async () => wireError('InternalServerException'))
    const pending = createToken(input, { region, fetch, signal: controller.signal, retry: 5 })
    await vi.advanceTimersByTimeAsync(10)
    expect(fetch).toHaveBeenCalledTimes(1)
    controller.abort()
    expect((await pending).error?.name).toBe('AbortError')
    expect(fetch).toHaveBeenCalledTimes(1)
  })
})

describe('retries', () => {
  it.each([429, 500, 502, 503, 504])('retries HTTP %i twice by default, then returns the last error', async (status) => {
    vi.useFakeTimers()
    const { fetch, requests } = recorder(() => new Response('{}', { status }))
    const pending = createToken(input, { region, fetch })
    await vi.runAllTimersAsync()
    expect((await pending).error).toMatchObject({ name: 'UnknownServiceError', status })
    expect(requests).toHaveLength(3)
  })

  it('retries the modeled InternalServerException, and succeeds when the service recovers', async () => {
    vi.useFakeTimers()
    const { fetch, requests } = recorder((_, n) => (n < 2 ? wireError('InternalServerException') : json(SUCCESS_BODY.CreateToken)))
    const pending = createToken(input, { region, fetch })
    await vi.runAllTimersAsync()
    expect(await pending).toStrictEqual({ ok: true, value: SUCCESS_BODY.CreateToken })
    expect(requests).toHaveLength(3)
    expect(requests[2]!.body).toBe(requests[0]!.body)
  })

  it('retries network errors and reports the last as a NetworkError with its cause chain, copied as plain Errors', async () => {
    vi.useFakeTimers()
    const cause = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') })
    const fetch = vi.fn(async () => {
      throw cause
    })
    const pending = createToken(input, { region, fetch })
    await vi.runAllTimersAsync()
    const result = await pending
    expect(result.error).toMatchObject({ name: 'NetworkError', message: 'fetch failed: connect ECONNREFUSED 127.0.0.1:1' })
    const copied = (result.error as { cause: Error & { cause: Error } }).cause
    expect([copied.name, copied.message, copied.cause.message]).toStrictEqual(['TypeError', 'fetch failed', 'connect ECONNREFUSED 127.0.0.1:1'])
    expect(copied).not.toBe(cause)
    expect(fetch).toHaveBeenCalledTimes(3)
  })

  it.each(['SlowDownException', 'AuthorizationPendingException', 'InvalidGrantException', 'InvalidClientException'])(
    'never retries the modeled client error %s',
    async (exception) => {
      const { fetch, requests } = recorder(() => wireError(exception))
      expect((await createToken(input, { region, fetch, retry: 5 })).error?.name).toBe(exception)
      expect(requests).toHaveLength(1)
    },
  )

  it('does not retry with `retry: 0`, and makes `retry` extra attempts otherwise', async () => {
    vi.useFakeTimers()
    for (const [retry, attempts] of [[0, 1], [1, 2], [4, 5]] as const) {
      const { fetch, requests } = recorder(() => new Response('', { status: 503 }))
      const pending = createToken(input, { region, fetch, retry })
      await vi.runAllTimersAsync()
      await pending
      expect(requests).toHaveLength(attempts)
    }
  })

  it('waits with full jitter over 100 ms × 2^n, 500 ms × 2^n when throttled, capped at 20 s', () => {
    vi.spyOn(Math, 'random').mockReturnValue(1)
    expect([0, 1, 2, 3].map((n) => backoff(n, false))).toStrictEqual([100, 200, 400, 800])
    expect([0, 1, 2].map((n) => backoff(n, true))).toStrictEqual([500, 1000, 2000])
    expect(backoff(12, false)).toBe(20_000)
    vi.spyOn(Math, 'random').mockReturnValue(0.25)
    expect(backoff(2, false)).toBe(100)
  })

  it('spaces the attempts by the backoff on a fake clock', async () => {
    vi.useFakeTimers()
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const times: number[] = []
    const { fetch } = recorder(() => (times.push(Date.now()), new Response('', { status: 429 })))
    const start = Date.now()
    const pending = createToken(input, { region, fetch, retry: 2 })
    await vi.runAllTimersAsync()
    await pending
    expect(times.map((t) => t - start)).toStrictEqual([0, 500, 1500])
  })
})

describe('headers', () => {
  it('sends the caller headers, but ours win for content-type', async () => {
    const { fetch, requests } = recorder(() => json(SUCCESS_BODY.CreateToken))
    await createToken(input, { region, fetch, headers: { 'x-trace': 'abc', 'content-type': 'text/plain' } })
    expect(requests[0]!.headers).toMatchObject({ 'x-trace': 'abc', 'content-type': 'application/json' })
  })
})
