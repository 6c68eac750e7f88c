import { describe, expect, it } from 'vitest'
import { OPERATIONS, OPERATION_NAMES } from './support/ops'
import {
  OAUTH_CODE,
  SUCCESS_BODY,
  VALID_INPUT,
  allExceptions,
  errorsOf,
  json,
  model,
  recorder,
  statusOf,
  wireError,
} from './support/wire'

const region = 'us-east-1'
const PATHS = Object.fromEntries(OPERATION_NAMES.map((op) => [op, model.operations[op]!.http.requestUri]))
const input = (op: string) => VALID_INPUT[op as keyof typeof VALID_INPUT]
const success = (op: string) => SUCCESS_BODY[op as keyof typeof SUCCESS_BODY]

/** The whole error object a modeled exception in WIRE.md's form reads as. */
const expected = (exception: string, extra: Record<string, unknown> = {}) => ({
  name: exception,
  message: `${exception} happened`,
  status: statusOf(exception),
  error: OAUTH_CODE[exception],
  description: `${exception} happened`,
  requestId: 'req-1',
  ...(exception === 'AccessDeniedException' || exception === 'InvalidRequestException' ? { reason: undefined } : {}),
  ...(exception === 'InvalidRequestRegionException' ? { endpoint: undefined, region: undefined } : {}),
  ...extra,
})

describe.each(OPERATION_NAMES)('%s', (op) => {
  const call = OPERATIONS[op]!

  it('sends one POST of the camelCase JSON body to the modeled path and returns the parsed output', async () => {
    const { fetch, requests } = recorder(() => json(success(op)))
    const result = await call(input(op), { region, fetch })
    expect(result).toStrictEqual({ ok: true, value: success(op) })
    expect(requests).toHaveLength(1)
    expect(requests[0]).toMatchObject({
      url: `https://oidc.us-east-1.amazonaws.com${PATHS[op]}`,
      method: 'POST',
      redirect: 'manual',
    })
    expect(requests[0]!.headers['content-type']).toBe('application/json')
    expect(JSON.parse(requests[0]!.body)).toStrictEqual(input(op))
  })

  it('sends only the members the model knows, in the model shape', async () => {
    const { fetch, requests } = recorder(() => json(success(op)))
    await call({ ...input(op), notInTheModel: 'x' }, { region, fetch })
    expect(JSON.parse(requests[0]!.body)).toStrictEqual(input(op))
    const members = Object.keys(model.shapes[model.operations[op]!.input.shape]!.members!)
    expect(Object.keys(JSON.parse(requests[0]!.body)).every((key) => members.includes(key))).toBe(true)
  })

  it('reads output members sent as null as absent, as the SDK does (issue 7)', async () => {
    const nulls = Object.fromEntries(Object.keys(success(op)).map((key) => [key, null]))
    const { fetch } = recorder(() => json({ ...success(op), ...nulls }))
    expect(await call(input(op), { region, fetch })).toStrictEqual({ ok: true, value: {} })
    const one = Object.keys(success(op))[0]!
    const partly = recorder(() => json({ ...success(op), [one]: null }))
    const { [one]: _, ...rest } = success(op) as Record<string, unknown>
    expect(await call(input(op), { region, fetch: partly.fetch })).toStrictEqual({ ok: true, value: rest })
  })

  it('reads an empty 2xx body as {}, as the SDK\'s parseJsonBody does', async () => {
    const { fetch } = recorder(() => new Response('', { status: 200 }))
    expect(await call(input(op), { region, fetch })).toStrictEqual({ ok: true, value: {} })
  })

  it('drops response members the model does not know, as the SDK does, and accepts a body with every member absent', async () => {
    const extra = recorder(() => json({ ...success(op), newServiceField: { a: 1 } }))
    expect(await call(input(op), { region, fetch: extra.fetch })).toStrictEqual({ ok: true, value: success(op) })
    const empty = recorder(() => json({}))
    expect(await call(input(op), { region, fetch: empty.fetch })).toStrictEqual({ ok: true, value: {} })
  })

  describe.each(errorsOf(op))('the modeled %s', (exception) => {
    it('is read from the wire form: x-amzn-ErrorType header and {error, error_description} body', async () => {
      const { fetch, requests } = recorder(() => wireError(exception))
      expect(await call(input(op), { region, fetch, retry: 0 })).toStrictEqual({ ok: false, error: expected(exception) })
      expect(requests).toHaveLength(1)
    })

    it('is read from a body `code` (any case) and from `__type` when the header is missing', async () => {
      for (const body of [
        { Code: exception, error_description: `${exception} happened`, error: OAUTH_CODE[exception] },
        { __type: `com.amazonaws.sso.oidc#${exception}`, error_description: `${exception} happened`, error: OAUTH_CODE[exception] },
      ]) {
        const { fetch } = recorder(() => json(body, statusOf(exception)))
        expect(await call(input(op), { region, fetch, retry: 0 })).toStrictEqual({ ok: false, error: expected(exception) })
      }
    })

    it('is read from the OAuth `error` code alone when a proxy stripped every type', async () => {
      const extra = exception === 'InvalidRequestRegionException' ? { endpoint: 'https://oidc.eu-west-1.amazonaws.com', region: 'eu-west-1' } : {}
      const { fetch } = recorder(() =>
        json({ error: OAUTH_CODE[exception], error_description: `${exception} happened`, ...extra }, statusOf(exception)),
      )
      expect(await call(input(op), { region, fetch, retry: 0 })).toStrictEqual({
        ok: false,
        error: expected(exception, extra),
      })
    })
  })

  it.each(allExceptions.filter((name) => !errorsOf(op).includes(name)))(
    'reads %s, which the model does not list for this operation, as an UnknownServiceError',
    async (exception) => {
      const { fetch } = recorder(() => wireError(exception))
      expect(await call(input(op), { region, fetch, retry: 0 })).toStrictEqual({
        ok: false,
        error: {
          name: 'UnknownServiceError',
          message: `${exception} happened`,
          status: statusOf(exception),
          type: `${exception}:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/`,
          error: OAUTH_CODE[exception],
          description: `${exception} happened`,
          requestId: 'req-1',
        },
      })
    },
  )

  it.each([
    ['an unknown type header', { 'x-amzn-ErrorType': 'ThrottlingException' }, '{"message":"Rate exceeded"}', 400, 'ThrottlingException'],
    ['an HTML page from a proxy', { 'content-type': 'text/html' }, '<html><body>Bad Gateway</body></html>', 502, undefined],
    ['an empty body', {}, '', 403, undefined],
    ['a JSON body that is not an object', { 'content-type': 'application/json' }, '[1,2]', 400, undefined],
  ])('reads %s as an UnknownServiceError keeping status and raw type', async (_, headers, body, status, type) => {
    const { fetch } = recorder(() => new Response(body, { status, headers }))
    const result = await call(input(op), { region, fetch, retry: 0 })
    expect(result).toStrictEqual({
      ok: false,
      error: {
        name: 'UnknownServiceError',
        message: `Unrecognized error response (HTTP ${status}${type ? `, ${type}` : ''})`,
        status,
        type,
        error: undefined,
        description: undefined,
        requestId: undefined,
      },
    })
  })

  it.each([
    ['a body that is not JSON', 'not json at all', 'value: expected Object, received string'],
    ['JSON null', 'null', 'value: expected Object, received null'],
    ['a member of the wrong type', JSON.stringify({ expiresIn: 'soon', clientIdIssuedAt: 'x', interval: 'x', scope: 'x' }), undefined],
  ])('returns InvalidResponseError for a 2xx with %s', async (_, body, message) => {
    const { fetch } = recorder(() => new Response(body, { status: 200, headers: { 'x-amzn-RequestId': 'r-9' } }))
    const result = await call(input(op), { region, fetch })
    expect(result.ok).toBe(false)
    expect(result.error).toMatchObject({ name: 'InvalidResponseError', status: 200, requestId: 'r-9' })
    expect(result.error.issues.length).toBeGreaterThan(0)
    if (message) expect(result.error.message).toBe(`Invalid response (HTTP 200): ${message}`)
  })

  it('returns a ValidationError naming each bad field by path, and sends nothing', async () => {
    const { fetch, requests } = recorder(() => json(success(op)))
    const required = model.shapes[model.operations[op]!.input.shape]!.required!
    const result = await call({}, { region, fetch })
    expect(result).toStrictEqual({
      ok: false,
      error: {
        name: 'ValidationError',
        message: `Invalid input: ${required.map((key) => `${key}: is required`).join('; ')}`,
        issues: required.map((path) => ({ path, message: 'is required' })),
      },
    })
    for (const bad of [null, 'string', 42, [], { ...input(op), [required[0]!]: 7 }]) {
      const r = await call(bad, { region, fetch })
      expect(r.error.name).toBe('ValidationError')
    }
    expect(requests).toHaveLength(0)
  })
})

describe('validation', () => {
  it('reports list members and options by path, with the expected type and never the value', async () => {
    const { fetch, requests } = recorder(() => json({}))
    const result = await OPERATIONS.CreateToken!(
      { ...VALID_INPUT.CreateToken, scope: ['ok', 5], clientSecret: 12345 },
      { region, fetch, timeout: -5, retry: 1.5 },
    )
    expect(result).toStrictEqual({
      ok: false,
      error: {
        name: 'ValidationError',
        message:
          'Invalid input: options.timeout: expected milliseconds from 1 to 2^31-1, received number; options.retry: expected an integer >= 0, received number; clientSecret: expected string, received number; scope.1: expected string, received number',
        issues: [
          { path: 'options.timeout', message: 'expected milliseconds from 1 to 2^31-1, received number' },
          { path: 'options.retry', message: 'expected an integer >= 0, received number' },
          { path: 'clientSecret', message: 'expected string, received number' },
          { path: 'scope.1', message: 'expected string, received number' },
        ],
      },
    })
    expect(requests).toHaveLength(0)
  })

  it('refuses a `fetch` option that is not a function', async () => {
    const result = await OPERATIONS.CreateToken!(VALID_INPUT.CreateToken, { region, fetch: 'nope' as never })
    expect(result.error).toMatchObject({ name: 'ValidationError', issues: [{ path: 'options.fetch' }] })
  })
})

describe('reading the error type as the SDKs do', () => {
  it.each([
    ['AuthorizationPendingException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/'],
    ['com.amazonaws.sso.oidc#AuthorizationPendingException'],
    ['AuthorizationPendingException,extra'],
    ['aws.protocoltests#AuthorizationPendingException:http://x'],
  ])('cleans %s to AuthorizationPendingException', async (header) => {
    const { fetch } = recorder(() => json({ error_description: 'd' }, 400, { 'X-Amzn-Errortype': header }))
    const result = await OPERATIONS.CreateToken!(VALID_INPUT.CreateToken, { region, fetch })
    expect(result.error.name).toBe('AuthorizationPendingException')
  })

  it('prefers the header to the body `code`, and `code` to `__type`', async () => {
    const both = recorder(() =>
      json({ code: 'SlowDownException', __type: 'ExpiredTokenException' }, 400, { 'x-amzn-errortype': 'AccessDeniedException' }),
    )
    expect((await OPERATIONS.CreateToken!(VALID_INPUT.CreateToken, { region, fetch: both.fetch })).error.name).toBe('AccessDeniedException')
    const body = recorder(() => json({ code: 'SlowDownException', __type: 'ExpiredTokenException', error: 'access_denied' }, 400))
    expect((await OPERATIONS.CreateToken!(VALID_INPUT.CreateToken, { region, fetch: body.fetch })).error.name).toBe('SlowDownException')
  })

  it('carries the modeled extras: reason on AccessDenied and InvalidRequest, endpoint and region on InvalidRequestRegion', async () => {
    const cases = [
      ['AccessDeniedException', { reason: 'KMS_AccessDeniedException' }],
      ['InvalidRequestException', { reason: 'KMS_DisabledException' }],
      ['InvalidRequestRegionException', { endpoint: 'https://oidc.eu-west-1.amazonaws.com', region: 'eu-west-1' }],
    ] as const
    for (const [exception, extra] of cases) {
      const { fetch } = recorder(() => wireError(exception, extra))
      const result = await OPERATIONS.CreateTokenWithIAM!(VALID_INPUT.CreateTokenWithIAM, { region, fetch })
      expect(result).toStrictEqual({ ok: false, error: expected(exception, extra) })
    }
  })
})
