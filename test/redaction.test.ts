import { readFileSync } from 'node:fs'
import { inspect } from 'node:util'
import { describe, expect, it, vi } from 'vitest'
import { createToken, createTokenWithIAM, startDeviceAuthorization } from '../src/index'
import { CREATE_TOKEN, CREATE_TOKEN_WITH_IAM, REGISTER_CLIENT, START_DEVICE_AUTHORIZATION } from '../src/operations'
import { getRoleCredentials } from '../src/portal/index'
import { GET_ROLE_CREDENTIALS, LIST_ACCOUNTS, LIST_ACCOUNT_ROLES, LOGOUT } from '../src/portal/operations'
import { recorder } from './support/wire'

const SECRETS = {
  clientSecret: 'S3cr3t-client-secret',
  refreshToken: 'S3cr3t-refresh-token',
  codeVerifier: 'S3cr3t-code-verifier-abcdefghijklmnopqrstuvwxyz0123456789',
  assertion: 'S3cr3t.assertion.jwt',
  subjectToken: 'S3cr3t-subject-token',
  secretAccessKey: 'S3cr3t-aws-secret-key',
  sessionToken: 'S3cr3t-aws-session-token',
}
const values = Object.values(SECRETS)
const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRETS.secretAccessKey, sessionToken: SECRETS.sessionToken }
const tokenInput = {
  clientId: 'cid',
  clientSecret: SECRETS.clientSecret,
  grantType: 'refresh_token',
  refreshToken: SECRETS.refreshToken,
  codeVerifier: SECRETS.codeVerifier,
}
const iamInput = {
  clientId: 'arn:aws:sso::123456789012:application/a/b',
  grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
  subjectToken: SECRETS.subjectToken,
  assertion: SECRETS.assertion,
  refreshToken: SECRETS.refreshToken,
  codeVerifier: SECRETS.codeVerifier,
}
/** A service or proxy that quotes the whole request body back in its error. */
const echo = (status: number, headers: Record<string, string> = {}) =>
  recorder((sent) => new Response(JSON.stringify({ error: 'invalid_grant', error_description: `bad request ${sent.body} ${sent.headers.authorization ?? ''}`, code: sent.body }), { status, headers }))

const cases: [string, () => Promise<{ ok: boolean; error?: unknown }>][] = [
  ['a modeled exception whose description quotes the request', () => createToken(tokenInput, { region: 'us-east-1', fetch: echo(400, { 'x-amzn-errortype': 'InvalidGrantException' }).fetch })],
  ['an UnknownServiceError whose raw type quotes the request', () => createToken(tokenInput, { region: 'us-east-1', fetch: echo(418).fetch })],
  ['an IAM exception quoting body and Authorization', () => createTokenWithIAM(iamInput, { region: 'us-east-1', credentials, fetch: echo(400, { 'x-amzn-errortype': 'InvalidGrantException' }).fetch })],
  ['a ValidationError on a secret of the wrong type', () => createToken({ ...tokenInput, clientSecret: 12345 as never, refreshToken: { token: SECRETS.refreshToken } as never }, { region: 'us-east-1' })],
  ['a ValidationError on a bad option next to secrets', () => createToken(tokenInput, { region: 'us-east-1', retry: -1 })],
  ['an EndpointError', () => createToken(tokenInput, { region: SECRETS.clientSecret + '.evil' })],
  ['a NetworkError whose fetch quotes the body', () => createToken(tokenInput, { region: 'us-east-1', retry: 0, fetch: async (_, init) => { throw new TypeError(`failed to send ${String(init?.body)}`) } })],
  ['an InvalidResponseError on a 2xx holding tokens of the wrong type', () => createToken(tokenInput, { region: 'us-east-1', fetch: async () => new Response(JSON.stringify({ accessToken: 5, refreshToken: SECRETS.refreshToken, expiresIn: SECRETS.refreshToken })) })],
  ['a CredentialsError from a failing provider', () => createTokenWithIAM(iamInput, { region: 'us-east-1', credentials: async () => { throw new Error(SECRETS.secretAccessKey) } })],
  ['an AbortError', () => createToken(tokenInput, { region: 'us-east-1', signal: AbortSignal.abort(SECRETS.clientSecret) })],
  ['a TimeoutError', () => createToken(tokenInput, { region: 'us-east-1', retry: 0, timeout: 5, fetch: () => new Promise(() => {}) })],
  ['a device start quoting its input', () => startDeviceAuthorization({ clientId: 'c', clientSecret: SECRETS.clientSecret, startUrl: 'https://x' }, { region: 'us-east-1', fetch: echo(401, { 'x-amzn-errortype': 'InvalidClientException' }).fetch })],
]

describe('secrets never appear in an error', () => {
  it.each(cases)('%s', async (_, run) => {
    const log = vi.spyOn(console, 'log')
    const warn = vi.spyOn(console, 'warn')
    const error = vi.spyOn(console, 'error')
    const result = await run()
    expect(result.ok).toBe(false)
    const shown = [inspect(result, { depth: Infinity, showHidden: true }), JSON.stringify(result), String((result.error as { message: string }).message)].join('\n')
    for (const secret of values) expect(shown).not.toContain(secret)
    expect(log).not.toHaveBeenCalled()
    expect(warn).not.toHaveBeenCalled()
    expect(error).not.toHaveBeenCalled()
    vi.restoreAllMocks()
  })

  it('still says what went wrong where a secret was cut out', async () => {
    const result = await createToken(tokenInput, { region: 'us-east-1', fetch: echo(400, { 'x-amzn-errortype': 'InvalidGrantException' }).fetch })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.message).toContain('"clientSecret":"***"')
  })
})

describe('redaction keeps errors readable', () => {
  it('never touches the discriminant, and ignores values too short to be secrets', async () => {
    const { fetch } = recorder(() => new Response(JSON.stringify({ error: 'invalid_grant', error_description: 'Invalid grant provided' }), { status: 400, headers: { 'x-amzn-errortype': 'InvalidGrantException' } }))
    const result = await createToken({ clientId: 'c', clientSecret: 'Exception', grantType: 'refresh_token', refreshToken: 'x' }, { region: 'us-east-1', fetch })
    expect(result.error).toMatchObject({ name: 'InvalidGrantException', message: 'Invalid grant provided', description: 'Invalid grant provided' })
  })
})

describe('secrets in places a first look would miss', () => {
  const echoHeaders = recorder((sent) => new Response(JSON.stringify({ error: 'access_denied', error_description: JSON.stringify(sent.headers) }), { status: 400, headers: { 'x-amzn-errortype': 'AccessDeniedException' } }))
  const hidden: [string, () => Promise<{ ok: boolean; error?: unknown }>][] = [
    ['a cause chain quoting the body', () => createToken(tokenInput, { region: 'us-east-1', retry: 0, fetch: async (_, init) => { throw new TypeError('fetch failed', { cause: new Error('x', { cause: new Error(String(init?.body)) }) }) } })],
    ['an error carrying the request options', () => createToken(tokenInput, { region: 'us-east-1', retry: 0, fetch: async (_, init) => { throw Object.assign(new Error('failed'), { options: init }) } })],
    ['a thrown plain object', () => createToken(tokenInput, { region: 'us-east-1', retry: 0, fetch: async (_, init) => { throw { body: init?.body } } })],
    ['credentials from a provider, echoed in headers', () => createTokenWithIAM(iamInput, { region: 'us-east-1', credentials: async () => credentials, fetch: echoHeaders.fetch })],
    ['one secret inside another', () => createToken({ ...tokenInput, clientSecret: 'S3cr', refreshToken: 'xS3cr3t-refresh-token' }, { region: 'us-east-1', fetch: echo(400, { 'x-amzn-errortype': 'InvalidGrantException' }).fetch })],
  ]
  it.each(hidden)('%s', async (_, run) => {
    const result = await run()
    expect(result.ok).toBe(false)
    const shown = inspect(result, { depth: Infinity, showHidden: true })
    for (const secret of [...values, 'S3cr', 'xS3cr3t-refresh-token', '3t-refresh-token']) expect(shown).not.toContain(secret)
  })
})

describe("each service's secret inputs are the members its model marks sensitive", () => {
  type Model = { operations: Record<string, { input?: { shape: string } }>; shapes: Record<string, { sensitive?: boolean; members?: Record<string, { shape: string }> }> }
  const read = (path: string): Model => JSON.parse(readFileSync(new URL(`../model/${path}`, import.meta.url), 'utf8'))
  const services: [string, Model, Record<string, { service: { secrets: readonly string[] } }>][] = [
    ['SSO OIDC', read('service-2.json'), { RegisterClient: REGISTER_CLIENT, StartDeviceAuthorization: START_DEVICE_AUTHORIZATION, CreateToken: CREATE_TOKEN, CreateTokenWithIAM: CREATE_TOKEN_WITH_IAM }],
    ['the access portal', read('sso/service-2.json'), { GetRoleCredentials: GET_ROLE_CREDENTIALS, ListAccounts: LIST_ACCOUNTS, ListAccountRoles: LIST_ACCOUNT_ROLES, Logout: LOGOUT }],
  ]
  it.each(services)('%s: every operation of the model, every sensitive input member', (_, model, operations) => {
    expect(Object.keys(operations).sort()).toStrictEqual(Object.keys(model.operations).sort())
    for (const [name, operation] of Object.entries(operations)) {
      const members = model.shapes[model.operations[name]!.input!.shape]!.members ?? {}
      const sensitive = Object.entries(members).filter(([, member]) => model.shapes[member.shape]!.sensitive).map(([key]) => key[0]!.toLowerCase() + key.slice(1))
      expect(sensitive.length + operation.service.secrets.length).toBeGreaterThan(0)
      for (const key of sensitive) expect(operation.service.secrets, `${name}.${key}`).toContain(key)
    }
  })

  it('the access token of a portal call never shows in its error, in any form', async () => {
    const accessToken = 'S3cr3t portal/access+token'
    const { fetch } = recorder((sent) => new Response(JSON.stringify({ message: `bad token ${sent.headers['x-amz-sso_bearer_token']} ${encodeURIComponent(accessToken)}` }), { status: 401, headers: { 'x-amzn-errortype': 'UnauthorizedException' } }))
    const result = await getRoleCredentials({ accessToken, accountId: '123456789012', roleName: 'ReadOnly' }, { region: 'us-east-1', fetch })
    expect(result.error).toMatchObject({ name: 'UnauthorizedException', message: 'bad token *** ***' })
  })
})
