/**
 * Issue 8: the access portal (ssooidc/portal). The wire each operation sends, every modeled error of every
 * operation as the service sends it, pagination, validation, secrets, and the endpoint rule set.
 */
import { readFileSync } from 'node:fs'
import { inspect } from 'node:util'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  getRoleCredentials,
  listAccountRoles,
  listAccounts,
  listAllAccountRoles,
  listAllAccounts,
  logout,
  resolveEndpoint,
  type Options,
} from '../src/portal/index'
import { partitions, ruleSetResolves } from './support/rules'
import { json, recorder } from './support/wire'

const model = JSON.parse(readFileSync(new URL('../model/sso/service-2.json', import.meta.url), 'utf8')) as {
  operations: Record<string, { http: { method: string; requestUri: string }; errors: { shape: string }[] }>
  shapes: Record<string, { error?: { httpStatusCode: number } }>
}
const region = 'us-east-1'
const TOKEN = 'aoaSECRETtoken+/=="x'
const call = {
  GetRoleCredentials: (options: Options) => getRoleCredentials({ accessToken: TOKEN, accountId: '123456789012', roleName: 'Read Only/Admin' }, options),
  ListAccounts: (options: Options) => listAccounts({ accessToken: TOKEN, nextToken: 'n/t=1', maxResults: 10 }, options),
  ListAccountRoles: (options: Options) => listAccountRoles({ accessToken: TOKEN, accountId: '123456789012', nextToken: "p!'()*", maxResults: 100 }, options),
  Logout: (options: Options) => logout({ accessToken: TOKEN }, options),
}
const OPERATIONS = Object.keys(call) as (keyof typeof call)[]
const errorsOf = (op: string) => model.operations[op]!.errors.map((e) => e.shape)
const statusOf = (exception: string) => model.shapes[exception]!.error!.httpStatusCode

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('the wire, as the AWS SDK sends it (model/sso/service-2.json)', () => {
  it.each([
    ['GetRoleCredentials', 'GET', '/federation/credentials?account_id=123456789012&role_name=Read%20Only%2FAdmin'],
    ['ListAccounts', 'GET', '/assignment/accounts?max_result=10&next_token=n%2Ft%3D1'],
    ['ListAccountRoles', 'GET', '/assignment/roles?account_id=123456789012&max_result=100&next_token=p%21%27%28%29%2A'],
    ['Logout', 'POST', '/logout'],
  ] as const)('%s: %s %s, the token in x-amz-sso_bearer_token, unsigned, no body', async (op, method, path) => {
    const { fetch, requests } = recorder(() => json({}))
    expect((await call[op]({ region, fetch })).ok).toBe(true)
    expect(requests).toHaveLength(1)
    const sent = requests[0]!
    expect({ method: sent.method, url: sent.url, body: sent.body }).toStrictEqual({ method, url: `https://portal.sso.us-east-1.amazonaws.com${path}`, body: '' })
    expect(sent.headers).toStrictEqual({ 'x-amz-sso_bearer_token': TOKEN })
    expect(model.operations[op]!.http).toMatchObject({ method, requestUri: path.split('?')[0] })
  })

  it('leaves out the optional query members not given', async () => {
    const { fetch, requests } = recorder(() => json({}))
    await listAccounts({ accessToken: TOKEN }, { region, fetch })
    await listAccountRoles({ accessToken: TOKEN, accountId: '1' }, { region, fetch })
    expect(requests.map((r) => r.url)).toStrictEqual([
      'https://portal.sso.us-east-1.amazonaws.com/assignment/accounts',
      'https://portal.sso.us-east-1.amazonaws.com/assignment/roles?account_id=1',
    ])
  })

  it('keeps the caller\'s headers, but its own bearer header wins', async () => {
    const { fetch, requests } = recorder(() => json({}))
    await logout({ accessToken: TOKEN }, { region, fetch, headers: { 'x-trace': 't', 'x-amz-sso_bearer_token': 'other' } })
    expect(requests[0]!.headers).toStrictEqual({ 'x-trace': 't', 'x-amz-sso_bearer_token': TOKEN })
  })

  it('reads the outputs, role credentials with their expiration in epoch milliseconds', async () => {
    const roleCredentials = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session', expiration: 1_800_000_000_000 }
    const { fetch } = recorder(() => json({ roleCredentials, extra: 1 }))
    expect(await getRoleCredentials({ accessToken: TOKEN, accountId: '1', roleName: 'r' }, { region, fetch })).toStrictEqual({ ok: true, value: { roleCredentials } })
    const accounts = recorder(() => json({ accountList: [{ accountId: '1', accountName: 'a', emailAddress: 'a@example.com' }], nextToken: 'n' }))
    expect((await listAccounts({ accessToken: TOKEN }, { region, fetch: accounts.fetch })).value).toStrictEqual({
      accountList: [{ accountId: '1', accountName: 'a', emailAddress: 'a@example.com' }],
      nextToken: 'n',
    })
    expect(await logout({ accessToken: TOKEN }, { region, fetch: async () => new Response(null, { status: 200 }) })).toStrictEqual({ ok: true, value: {} })
  })

  it.each([
    ['maxResults 0', { accessToken: TOKEN, maxResults: 0 }, 'maxResults'],
    ['maxResults 101', { accessToken: TOKEN, maxResults: 101 }, 'maxResults'],
    ['maxResults 1.5', { accessToken: TOKEN, maxResults: 1.5 }, 'maxResults'],
    ['no accessToken', {}, 'accessToken'],
  ])('refuses %s with a ValidationError, sending nothing', async (_, input, path) => {
    const { fetch, requests } = recorder(() => json({}))
    const result = await listAccounts(input as never, { region, fetch })
    expect(result.error).toMatchObject({ name: 'ValidationError', issues: [{ path }] })
    expect(requests).toHaveLength(0)
  })
})

describe.each(OPERATIONS)('%s reads every modeled error as the SDKs do', (op) => {
  describe.each(errorsOf(op))('%s', (exception) => {
    const forms: [string, Record<string, string>, unknown][] = [
      ['the x-amzn-ErrorType header', { 'x-amzn-ErrorType': `${exception}:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/` }, { message: 'said' }],
      ['a body code', {}, { code: exception, message: 'said' }],
      ['a body __type', {}, { __type: `com.amazonaws.switchboard.portal#${exception}`, Message: 'said' }],
    ]
    it.each(forms)('from %s, with status, message and request id', async (_, headers, body) => {
      const { fetch, requests } = recorder(() => json(body, statusOf(exception), { 'x-amzn-RequestId': 'rid-7', ...headers }))
      const result = await call[op]({ region, fetch, retry: 0 })
      expect(result).toStrictEqual({ ok: false, error: { name: exception, message: 'said', status: statusOf(exception), requestId: 'rid-7' } })
      expect(requests).toHaveLength(1)
    })
  })

  it('reads an exception the model does not list for it as an UnknownServiceError', async () => {
    const other = op === 'Logout' ? 'ResourceNotFoundException' : 'ThrottlingLikeException'
    const { fetch } = recorder(() => json({ message: 'said' }, 404, { 'x-amzn-ErrorType': other }))
    expect((await call[op]({ region, fetch, retry: 0 })).error).toMatchObject({ name: 'UnknownServiceError', status: 404, type: other, message: 'said' })
  })

  it('retries TooManyRequestsException (HTTP 429) and 5xx with the SDK\'s backoff, then succeeds', async () => {
    vi.useFakeTimers()
    const { fetch, requests } = recorder((_, n) => (n === 0 ? json({ message: 'slow' }, 429, { 'x-amzn-ErrorType': 'TooManyRequestsException' }) : n === 1 ? new Response('', { status: 503 }) : json({})))
    const pending = call[op]({ region, fetch })
    await vi.runAllTimersAsync()
    expect((await pending).ok).toBe(true)
    expect(requests).toHaveLength(3)
  })

  it('never shows the access token, even when the service or fetch quotes it', async () => {
    const echo = recorder((sent) => json({ message: `bad token ${sent.headers['x-amz-sso_bearer_token']} ${encodeURIComponent(TOKEN)} ${JSON.stringify(TOKEN)}` }, 401, { 'x-amzn-ErrorType': 'UnauthorizedException' }))
    const quoted = await call[op]({ region, fetch: echo.fetch })
    const thrown = await call[op]({ region, retry: 0, fetch: async (_, init) => { throw new TypeError(`failed: ${JSON.stringify(Object.fromEntries(new Headers(init?.headers)))}`) } })
    for (const result of [quoted, thrown]) {
      expect(result.ok).toBe(false)
      const shown = inspect(result, { depth: Infinity, showHidden: true })
      for (const form of [TOKEN, encodeURIComponent(TOKEN), JSON.stringify(TOKEN).slice(1, -1)]) expect(shown).not.toContain(form)
    }
  })
})

describe('the secrets of role credentials', () => {
  it('never appear in the InvalidResponseError of a malformed answer', async () => {
    const { fetch } = recorder(() => json({ roleCredentials: { accessKeyId: 5, secretAccessKey: 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY', sessionToken: ['tok'], expiration: 'soon' } }))
    const result = await getRoleCredentials({ accessToken: TOKEN, accountId: '1', roleName: 'r' }, { region, fetch })
    expect(result.error?.name).toBe('InvalidResponseError')
    expect(inspect(result, { depth: Infinity })).not.toContain('wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY')
  })
})

describe('listAllAccounts and listAllAccountRoles read every page', () => {
  const pages = (list: string, tokens: (string | undefined)[]) =>
    recorder((sent, n) => json({ [list]: [{ accountId: String(n), roleName: `r${n}` }], ...(tokens[n] ? { nextToken: tokens[n] } : {}) }))

  it('follows nextToken to the last page, with the page size asked', async () => {
    const { fetch, requests } = pages('accountList', ['a', 'b', undefined])
    const all = await listAllAccounts({ accessToken: TOKEN, maxResults: 1 }, { region, fetch })
    expect(all).toStrictEqual({ ok: true, value: [{ accountId: '0' }, { accountId: '1' }, { accountId: '2' }] })
    expect(requests.map((r) => new URL(r.url).search)).toStrictEqual(['?max_result=1', '?max_result=1&next_token=a', '?max_result=1&next_token=b'])
  })

  it('stops on a nextToken it has seen before', async () => {
    const { fetch, requests } = pages('roleList', ['a', 'b', 'a', 'c'])
    const all = await listAllAccountRoles({ accessToken: TOKEN, accountId: '1' }, { region, fetch })
    expect(all.value).toHaveLength(3)
    expect(requests).toHaveLength(3)
  })

  it('stops on the first error, and returns it', async () => {
    const { fetch, requests } = recorder((_, n) => (n === 0 ? json({ accountList: [{ accountId: '1' }], nextToken: 'a' }) : json({ message: 'expired' }, 401, { 'x-amzn-ErrorType': 'UnauthorizedException' })))
    const all = await listAllAccounts({ accessToken: TOKEN }, { region, fetch })
    expect(all.error).toMatchObject({ name: 'UnauthorizedException', message: 'expired' })
    expect(requests).toHaveLength(2)
  })

  it('never throws for input it cannot read', async () => {
    const hostile = new Proxy({}, { get: () => { throw new Error('x') } })
    expect((await listAllAccounts(hostile as never, { region })).error?.name).toBe('ValidationError')
  })
})

describe('resolveEndpoint follows model/sso/endpoint-rule-set-1.json', () => {
  const asResult = (r: { url: string } | { error: string }) =>
    'url' in r ? { ok: true, value: r.url } : { ok: false, error: { name: 'EndpointError', message: r.error } }
  const regions = [...partitions.flatMap((p) => Object.keys(p.regions)), 'us-west-9', 'cn-south-7', 'us-gov-central-1', 'us-iso-north-3', 'eu-isoe-north-2', 'eusc-de-west-2', 'xx-unknown-1']
  const flags = [[false, false], [true, false], [false, true], [true, true]] as const

  it.each(regions.flatMap((r) => flags.map(([fips, dual]) => [r, fips, dual] as const)))('region %s, FIPS %s, dual-stack %s', (r, fips, dual) => {
    expect(resolveEndpoint({ region: r, useFipsEndpoint: fips, useDualstackEndpoint: dual })).toStrictEqual(
      asResult(ruleSetResolves({ Region: r, UseFIPS: fips, UseDualStack: dual }, 'portal')),
    )
  })

  it.each(flags)('a custom endpoint with FIPS %s and dual-stack %s', (fips, dual) => {
    const endpoint = 'https://portal.example.com'
    expect(resolveEndpoint({ endpoint, useFipsEndpoint: fips, useDualstackEndpoint: dual })).toStrictEqual(
      asResult(ruleSetResolves({ Endpoint: endpoint, UseFIPS: fips, UseDualStack: dual }, 'portal')),
    )
  })

  it('no region: the rule set\'s "Missing Region"', () => {
    expect(resolveEndpoint({})).toStrictEqual(asResult(ruleSetResolves({}, 'portal')))
  })

  it.each([
    ['us-east-1', false, false, 'https://portal.sso.us-east-1.amazonaws.com'],
    ['us-east-1', true, false, 'https://portal.sso-fips.us-east-1.amazonaws.com'],
    ['us-gov-west-1', true, false, 'https://portal.sso.us-gov-west-1.amazonaws.com'],
    ['eu-west-1', false, true, 'https://portal.sso.eu-west-1.api.aws'],
    ['cn-north-1', false, false, 'https://portal.sso.cn-north-1.amazonaws.com.cn'],
  ])('%s with FIPS %s and dual-stack %s is %s', (r, fips, dual, url) => {
    expect(resolveEndpoint({ region: r, useFipsEndpoint: fips, useDualstackEndpoint: dual })).toStrictEqual({ ok: true, value: url })
  })

  it('the operations go where it says, and refuse what it refuses', async () => {
    const { fetch, requests } = recorder(() => json({}))
    await logout({ accessToken: TOKEN }, { region: 'us-gov-west-1', useFipsEndpoint: true, fetch })
    expect(requests[0]!.url).toBe('https://portal.sso.us-gov-west-1.amazonaws.com/logout')
    expect((await logout({ accessToken: TOKEN }, { fetch })).error).toStrictEqual({ name: 'EndpointError', message: 'Invalid Configuration: Missing Region' })
  })
})
