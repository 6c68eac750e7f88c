import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { OPERATIONS, OPERATION_NAMES } from './support/ops'
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
