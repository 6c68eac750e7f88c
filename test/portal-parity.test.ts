/**
 * Differential tests: the official `@aws-sdk/client-sso` and ssooidc/portal, pointed at the same loopback server,
 * send the same requests (method, path, query, headers) and read every modeled error the same way.
 */
import { readFileSync } from 'node:fs'
import { GetRoleCredentialsCommand, ListAccountRolesCommand, ListAccountsCommand, LogoutCommand, SSOClient } from '@aws-sdk/client-sso'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { getRoleCredentials, listAccountRoles, listAccounts, logout } from '../src/portal/index'
import { startRecorder, type Received, type Recorder } from './support/recorder'

const model = JSON.parse(readFileSync(new URL('../model/sso/service-2.json', import.meta.url), 'utf8')) as {
  operations: Record<string, { errors: { shape: string }[] }>
  shapes: Record<string, { error?: { httpStatusCode: number } }>
}
const TOKEN = 'aoa+/= token"x'
const INPUT = {
  GetRoleCredentials: { accessToken: TOKEN, accountId: '123456789012', roleName: "Admin/Role !'()*~ é" },
  ListAccounts: { accessToken: TOKEN, nextToken: 'a b/c=', maxResults: 7 },
  ListAccountRoles: { accessToken: TOKEN, accountId: '123456789012', nextToken: 'n+t%', maxResults: 100 },
  Logout: { accessToken: TOKEN },
} as const
const SUCCESS = {
  GetRoleCredentials: { roleCredentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session', expiration: 1_800_000_000_000 } },
  ListAccounts: { nextToken: 'next', accountList: [{ accountId: '123456789012', accountName: 'prod', emailAddress: 'prod@example.com' }] },
  ListAccountRoles: { nextToken: 'next', roleList: [{ roleName: 'Admin', accountId: '123456789012' }] },
  Logout: {},
}
type Op = keyof typeof INPUT
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

  describe.each(model.operations[op]!.errors.map((e) => e.shape))('the modeled %s', (exception) => {
    const status = model.shapes[exception]!.error!.httpStatusCode
    const forms: Record<string, { headers: Record<string, string>; body: object }> = {
      'the x-amzn-ErrorType header': {
        headers: { 'content-type': 'application/json', 'x-amzn-ErrorType': `${exception}:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/`, 'x-amzn-RequestId': 'rid-1' },
        body: { message: 'described' },
      },
      'a body code': { headers: { 'content-type': 'application/json', 'x-amzn-RequestId': 'rid-1' }, body: { code: exception, message: 'described' } },
      'a body __type': { headers: { 'content-type': 'application/json', 'x-amzn-RequestId': 'rid-1' }, body: { __type: `com.amazonaws.switchboard.portal#${exception}`, message: 'described' } },
    }
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
