/**
 * Differential tests: the official `@aws-sdk/client-sso` and ssooidc/portal, pointed at the same loopback server,
 * send the same requests (method, path, query, headers) and read every modeled error the same way.
 */
import { GetRoleCredentialsCommand, ListAccountRolesCommand, ListAccountsCommand, LogoutCommand, SSOClient } from '@aws-sdk/client-sso'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { getRoleCredentials, listAccountRoles, listAccounts, logout } from '../src/portal/index'
import { INPUT, PORTAL_MODEL, SUCCESS, TOKEN, errorForms, statusOf, type Op } from './support/portal'
import { startRecorder, type Received, type Recorder } from './support/recorder'

const COMMANDS = { GetRoleCredentials: GetRoleCredentialsCommand, ListAccounts: ListAccountsCommand, ListAccountRoles: ListAccountRolesCommand, Logout: LogoutCommand }
const OURS = { GetRoleCredentials: getRoleCredentials, ListAccounts: listAccounts, ListAccountRoles: listAccountRoles, Logout: logout }

let recorder: Recorder
let endpoint: string
let sdk: SSOClient

beforeAll(async () => {
  recorder = await startRecorder()
  endpoint = recorder.endpoint
  sdk = new SSOClient({ region: 'us-east-1', endpoint, maxAttempts: 1 })
})
afterAll(async () => {
  sdk.destroy()
  await recorder.close()
})
beforeEach(() => {
  recorder.received.length = 0
})

const sdkSend = (op: Op) =>
  sdk.send(new (COMMANDS[op] as new (input: unknown) => LogoutCommand)(INPUT[op])).then(
    (value) => ({ ok: true as const, value: value as object, error: undefined }),
    (error: unknown) => ({ ok: false as const, value: undefined, error: error as { name: string; message: string; $metadata: { httpStatusCode: number; requestId?: string } } }),
  )
const oursSend = (op: Op) => (OURS[op] as (input: unknown, options: object) => Promise<{ ok: boolean; value?: unknown; error?: unknown }>)(INPUT[op], { endpoint, region: 'us-east-1', retry: 0 })

/** What a request says on the wire, but for the headers each client adds for itself (user agent, invocation ids, length). */
const wire = (r: Received) => ({
  method: r.method,
  url: r.url,
  body: r.body,
  bearer: r.headers['x-amz-sso_bearer_token'],
  contentType: r.headers['content-type'],
  authorization: r.headers.authorization,
})

describe.each(Object.keys(INPUT) as Op[])('%s, beside @aws-sdk/client-sso', (op) => {
  it('sends the same method, path, query (sorted, percent-encoded), bearer header, and no body or signature', async () => {
    recorder.answer = { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(SUCCESS[op]) }
    const theirs = await sdkSend(op)
    const ours = await oursSend(op)
    expect(theirs.ok && ours.ok).toBe(true)
    const [a, b] = recorder.received
    expect(wire(b!)).toStrictEqual(wire(a!))
    expect(wire(b!)).toMatchObject({ bearer: TOKEN, body: '', authorization: undefined })
  })

  it('reads the same output', async () => {
    recorder.answer = { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(SUCCESS[op]) }
    const { $metadata, ...value } = (await sdkSend(op)).value as Record<string, unknown>
    expect((await oursSend(op)).value).toStrictEqual(value)
  })

  describe.each(PORTAL_MODEL.operations[op]!.errors.map((e) => e.shape))('the modeled %s', (exception) => {
    const status = statusOf(exception)
    const forms = errorForms(exception, 'rid-1')
    it.each(Object.keys(forms))('in %s reads as the same name, status, message and request id', async (form) => {
      recorder.answer = { status, headers: forms[form]!.headers, body: JSON.stringify(forms[form]!.body) }
      const theirs = await sdkSend(op)
      const ours = await oursSend(op)
      expect(theirs.ok || ours.ok).toBe(false)
      expect(ours.error).toStrictEqual({
        name: theirs.error!.name,
        message: theirs.error!.message,
        status: theirs.error!.$metadata.httpStatusCode,
        requestId: theirs.error!.$metadata.requestId,
      })
    })
  })
})
