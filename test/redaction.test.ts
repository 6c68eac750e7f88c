import { inspect } from 'node:util'
import { describe, expect, it, vi } from 'vitest'
import { createToken, createTokenWithIAM, startDeviceAuthorization } from '../src/index'
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
