import fc from 'fast-check'
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { createToken, createTokenProvider, createTokenWithIAM, refreshSession } from '../src/index'
import { OPERATIONS, OPERATION_NAMES } from './support/ops'
import { unhandledDuring } from './support/unhandled'
import { SUCCESS_BODY, VALID_INPUT, allExceptions } from './support/wire'

/** Any response a service, a proxy or a broken network could give. */
const response = fc.oneof(
  fc.record({
    status: fc.constantFrom(200, 201, 204, 301, 302, 400, 401, 403, 404, 429, 500, 502, 503, 504),
    body: fc.oneof(
      fc.string(),
      fc.json(),
      fc.constantFrom(...Object.values(SUCCESS_BODY).map((b) => JSON.stringify(b))),
      fc.record({ error: fc.string(), error_description: fc.string(), reason: fc.anything() }).map((o) => JSON.stringify(o)),
      fc.dictionary(fc.constantFrom('code', 'Code', '__type', 'error', 'endpoint', 'region', '__proto__', 'constructor'), fc.anything()).map((o) => JSON.stringify(o)),
    ),
    errorType: fc.option(fc.oneof(fc.string(), fc.constantFrom(...allExceptions))),
    contentType: fc.option(fc.constantFrom('application/json', 'text/html', 'application/x-amz-json-1.1', 'weird/type')),
  }),
  fc.constantFrom('throw', 'throw-non-error', 'not-a-response', 'reject-undefined'),
)

const toFetch = (r: any) => async (): Promise<Response> => {
  if (r === 'throw') throw new TypeError('fetch failed')
  if (r === 'throw-non-error') throw 42 // eslint-disable-line no-throw-literal
  if (r === 'not-a-response') return { status: 'x', headers: null } as never
  if (r === 'reject-undefined') return Promise.reject(undefined)
  const headers: Record<string, string> = {}
  if (r.errorType != null) headers['x-amzn-errortype'] = r.errorType
  if (r.contentType != null) headers['content-type'] = r.contentType
  return new Response([204].includes(r.status) || (r.status >= 300 && r.status < 400) ? null : r.body, { status: r.status, headers })
}

const input = (op: string) =>
  fc.oneof(
    fc.anything(),
    fc.constant(VALID_INPUT[op as keyof typeof VALID_INPUT]),
    fc.dictionary(fc.constantFrom('clientId', 'clientSecret', 'grantType', 'scope', 'scopes', 'clientName', 'clientType', 'startUrl', 'assertion', 'deviceCode'), fc.anything()),
  )

const options = fc.oneof(
  fc.anything(),
  fc.record(
    {
      region: fc.oneof(fc.constant('us-east-1'), fc.string()),
      endpoint: fc.oneof(fc.constant('http://127.0.0.1:1'), fc.webUrl(), fc.string()),
      useFipsEndpoint: fc.anything(),
      useDualstackEndpoint: fc.boolean(),
      timeout: fc.oneof(fc.integer({ min: -5, max: 50 }), fc.double()),
      retry: fc.constantFrom(0, -1, 1.5, 'x'),
      headers: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.anything()),
      credentials: fc.anything(),
    },
    { requiredKeys: [] },
  ),
)

describe.each(OPERATION_NAMES)('%s never throws and never rejects', (op) => {
  it('whatever the input, options and response', async () => {
    await fc.assert(
      fc.asyncProperty(input(op), options, response, async (anyInput, anyOptions, anyResponse) => {
        const opts = anyOptions && typeof anyOptions === 'object' && !Array.isArray(anyOptions) ? { ...anyOptions, fetch: toFetch(anyResponse), retry: 0 } : anyOptions
        const result = await OPERATIONS[op]!(anyInput, opts as never)
        expect(typeof result.ok).toBe('boolean')
        if (!result.ok) expect(typeof result.error.name).toBe('string')
        if (!result.ok) expect(typeof result.error.message).toBe('string')
      }),
      { numRuns: 300 },
    )
  })
})

describe.each(OPERATION_NAMES)('%s reads any response into a Result', (op) => {
  it('valid input, any response: never throws, and `ok` only for a 2xx', async () => {
    await fc.assert(
      fc.asyncProperty(response, async (anyResponse) => {
        const result = await OPERATIONS[op]!(VALID_INPUT[op as keyof typeof VALID_INPUT], { region: 'us-east-1', fetch: toFetch(anyResponse), retry: 0 })
        if (result.ok) expect(typeof anyResponse === 'object' && anyResponse.status < 300).toBe(true)
        else expect(result.error.name).toMatch(/Exception$|Error$/)
      }),
      { numRuns: 300 },
    )
  })
})

/**
 * Hostile callers (issue 12), not only random ones: a `fetch` or credentials provider that aborts the caller's
 * signal and then fails, throws odd values (Proxies, Symbols), never settles, or echoes a secret JSON-escaped,
 * URL- or form-encoded or trimmed; headers that are one-shot iterators or throw. Whatever they do, the call
 * resolves, no rejection is left unhandled, and no form of a secret is in the Result.
 */
describe('hostile callers', () => {
  // Secrets with the characters that encodings change; a distinctive head, so that a match is the secret's.
  const secret = fc
    .string({ minLength: 2, maxLength: 16, unit: fc.constantFrom(...'ab+/=" \\\r\n%&é~*!\'') })
    .map((tail) => `Sk3y${tail}`)
  const formsOf = (value: string) => {
    const trimmed = value.trim()
    return [value, trimmed, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2), JSON.stringify(trimmed).slice(1, -1)]
  }
  const selfThrowing = (): object => {
    const proxy: object = new Proxy({}, { get: () => { throw proxy }, getPrototypeOf: () => { throw proxy }, ownKeys: () => { throw proxy } })
    return proxy
  }
  const odd = fc.constantFrom<() => unknown>(
    () => Symbol('odd'),
    selfThrowing,
    () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy },
    () => ({ toString() { throw new Error('no') } }),
    () => null,
    () => undefined,
  )
  type Echo = (value: string) => string
  const echo = fc.constantFrom<Echo>(
    (value) => value,
    (value) => value.trim(),
    (value) => JSON.stringify(value).slice(1, -1),
    (value) => encodeURIComponent(value),
    (value) => new URLSearchParams({ v: value }).toString().slice(2),
  )
  /** A `fetch` that misbehaves in one of the ways above, against the caller's controller. */
  const hostileFetch = fc.oneof(
    fc.record({ kind: fc.constant('abort-then-reject' as const), odd }),
    fc.record({ kind: fc.constant('throw' as const), odd }),
    fc.record({ kind: fc.constant('never' as const) }),
    fc.record({ kind: fc.constant('echo-body' as const), echo, status: fc.constantFrom(400, 401, 429, 500, 503) }),
    fc.record({ kind: fc.constant('echo-error' as const), echo }),
    fc.record({ kind: fc.constant('proxy-response' as const) }),
  )
  const makeFetch = (behaviour: any, controller: AbortController) =>
    (async (_: unknown, init?: RequestInit) => {
      const body = String(init?.body)
      switch (behaviour.kind) {
        case 'abort-then-reject':
          controller.abort()
          throw behaviour.odd()
        case 'throw':
          throw behaviour.odd()
        case 'never':
          return new Promise(() => {})
        case 'echo-body': {
          const description = `you sent ${behaviour.echo(body)}`
          return new Response(JSON.stringify({ error: 'invalid_grant', error_description: description, message: description }), { status: behaviour.status, headers: { 'x-amzn-errortype': `X${behaviour.echo(body)}` } })
        }
        case 'echo-error':
          throw new TypeError('fetch failed', { cause: new Error(`could not send ${behaviour.echo(body)}`) })
        default:
          return selfThrowing()
      }
    }) as never
  /** A credentials provider that misbehaves, or answers with secrets of its own. */
  const hostileProvider = fc.oneof(
    fc.record({ kind: fc.constant('never' as const) }),
    fc.record({ kind: fc.constant('abort-then-reject' as const), odd }),
    fc.record({ kind: fc.constant('throw' as const), odd }),
    fc.record({ kind: fc.constant('garbage' as const), value: fc.anything() }),
    fc.record({ kind: fc.constant('valid' as const) }),
  )
  const makeProvider = (behaviour: any, controller: AbortController, secretKey: string) => () => {
    switch (behaviour.kind) {
      case 'never':
        return new Promise(() => {})
      case 'abort-then-reject':
        controller.abort()
        return Promise.reject(behaviour.odd())
      case 'throw':
        throw behaviour.odd()
      case 'garbage':
        return behaviour.value
      default:
        return { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: secretKey, sessionToken: `${secretKey}tok` }
    }
  }
  const hostileHeaders = fc.constantFrom<() => unknown>(
    () => undefined,
    () => new Map([['x-trace', 'a']]).entries(),
    () => ({ *[Symbol.iterator]() { throw selfThrowing() } }),
    selfThrowing,
    () => ({ 'x-trace': 'a' }),
  )

  it('createToken and createTokenWithIAM resolve, leave nothing unhandled, and show no secret', async () => {
    const { unhandled } = await unhandledDuring(() =>
      fc.assert(
        fc.asyncProperty(secret, secret, hostileFetch, hostileProvider, hostileHeaders, fc.boolean(), async (refreshToken, secretKey, fetchBehaviour, providerBehaviour, headers, iam) => {
          const controller = new AbortController()
          const options = {
            region: 'us-east-1',
            fetch: makeFetch(fetchBehaviour, controller),
            signal: controller.signal,
            headers: headers() as never,
            timeout: 20,
            retry: 1,
          }
          const result = iam
            ? await createTokenWithIAM(
                { clientId: 'arn:aws:sso::123456789012:application/a/b', grantType: 'refresh_token', refreshToken },
                { ...options, credentials: makeProvider(providerBehaviour, controller, secretKey) as never },
              )
            : await createToken({ clientId: 'cid', clientSecret: secretKey, grantType: 'refresh_token', refreshToken }, options)
          expect(typeof result.ok).toBe('boolean')
          const shown = inspect(result, { depth: Infinity, showHidden: true }) + JSON.stringify(result)
          for (const value of [refreshToken, secretKey, `${secretKey}tok`]) {
            for (const form of formsOf(value)) expect(shown).not.toContain(form)
          }
        }),
        { numRuns: 300 },
      ),
    )
    expect(unhandled).toStrictEqual([])
  }, 60_000)
})

/**
 * Sessions (issue 7): refreshSession and a token provider's getToken never throw or reject, whatever the record,
 * the store does (throw, reject, answer garbage, answer late) and the service answers.
 */
describe('sessions never throw', () => {
  const when = fc.oneof(fc.integer({ min: -7200, max: 7200 }).map((s) => new Date(Date.now() + s * 1000).toISOString()), fc.string())
  const record = fc.oneof(
    fc.anything(),
    fc.record(
      {
        accessToken: fc.oneof(fc.string(), fc.anything()),
        expiresAt: when,
        refreshToken: fc.oneof(fc.string(), fc.anything()),
        clientId: fc.string(),
        clientSecret: fc.string(),
        registrationExpiresAt: when,
        region: fc.oneof(fc.constant('us-east-1'), fc.string()),
        startUrl: fc.string(),
      },
      { requiredKeys: ['accessToken', 'expiresAt'] },
    ),
  )
  const answer = fc.oneof(response, fc.constant(JSON.stringify(SUCCESS_BODY.CreateToken)).map((body) => ({ status: 200, body, errorType: null, contentType: null })))
  const storeBehaviour = fc.constantFrom('throw', 'reject', 'garbage', 'late', 'object', 'text', 'null', 'proxy')
  const storageOf = (behaviour: string, value: unknown) => ({
    getItem: () => {
      switch (behaviour) {
        case 'throw':
          throw new Error('store down')
        case 'reject':
          return Promise.reject(Symbol('odd'))
        case 'garbage':
          return '{"accessToken":'
        case 'late':
          return new Promise((resolve) => setTimeout(() => resolve(JSON.stringify(value)), 5))
        case 'object':
          return value
        case 'null':
          return null
        case 'proxy':
          return new Proxy({}, { get: () => { throw new Error('x') }, ownKeys: () => { throw new Error('x') } })
        default:
          return JSON.stringify(value)
      }
    },
    setItem: () => (behaviour === 'throw' ? Promise.reject(new Error('write failed')) : undefined),
  })

  it('refreshSession, for any record and response', async () => {
    await fc.assert(
      fc.asyncProperty(record, answer, fc.option(fc.integer({ min: -10, max: 10_000 })), async (anyRecord, anyAnswer, window) => {
        const result = await refreshSession(anyRecord as never, { region: 'us-east-1', fetch: toFetch(anyAnswer), retry: 0, ...(window === null ? {} : { window }) })
        expect(typeof result.ok).toBe('boolean')
        if (!result.ok) expect(typeof result.error.message).toBe('string')
      }),
      { numRuns: 300 },
    )
  })

  it('getToken, for any record, store behaviour and response', async () => {
    await fc.assert(
      fc.asyncProperty(record, storeBehaviour, answer, fc.boolean(), async (anyRecord, behaviour, anyAnswer, force) => {
        const getToken = createTokenProvider({ storage: storageOf(behaviour, anyRecord), key: 'k', region: 'us-east-1', fetch: toFetch(anyAnswer), retry: 0, timeout: 50 })
        const results = await Promise.all([getToken({ forceRefresh: force }), getToken()])
        for (const result of results) {
          expect(typeof result.ok).toBe('boolean')
          if (!result.ok) expect(typeof result.error.message).toBe('string')
        }
      }),
      { numRuns: 200 },
    )
  }, 60_000)
})
