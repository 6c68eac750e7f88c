/**
 * Differential tests against botocore's access portal client, the one the AWS CLI (v1 and v2) runs: pointed at the
 * same loopback server, botocore and ssooidc/portal send the same requests and read every modeled error alike; and
 * botocore, pointed at the emulator, spends an access token that this library signed in for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEmulator } from '../src/emulator/index'
import { listen } from '../src/emulator/node'
import { createToken, registerClient, startDeviceAuthorization } from '../src/index'
import { getRoleCredentials, listAccountRoles, listAccounts, listAllAccounts, logout } from '../src/portal/index'
import { botocore, findBotocore, type BotocoreCall, type BotocoreResult } from './support/botocore'
import { DEVICE_CODE, START_URL, value } from './support/emulator'
import { INPUT, PORTAL_MODEL, SUCCESS, TOKEN, errorForms, statusOf, type Op } from './support/portal'
import { startRecorder, type Answer, type Received, type Recorder } from './support/recorder'

const METHOD: Record<Op, BotocoreCall['method']> = {
  GetRoleCredentials: 'get_role_credentials',
  ListAccounts: 'list_accounts',
  ListAccountRoles: 'list_account_roles',
  Logout: 'logout',
}
const OURS = { GetRoleCredentials: getRoleCredentials, ListAccounts: listAccounts, ListAccountRoles: listAccountRoles, Logout: logout }
const JSON_TYPE = { 'content-type': 'application/json' }

/** Every case: each operation's success, and each of its modeled exceptions in the three forms a service sends. */
const cases: [string, Op, Answer][] = (Object.keys(INPUT) as Op[]).flatMap((op) => [
  [`${op}: success`, op, { status: 200, headers: JSON_TYPE, body: JSON.stringify(SUCCESS[op]) }] as [string, Op, Answer],
  ...PORTAL_MODEL.operations[op]!.errors.flatMap(({ shape }) =>
    Object.entries(errorForms(shape, `rid-${op}-${shape}`)).map(
      ([form, { headers, body }]): [string, Op, Answer] => [`${op}: ${shape} in ${form}`, op, { status: statusOf(shape), headers, body: JSON.stringify(body) }],
    ),
  ),
])

/** What a request says on the wire, but for the headers each client adds for itself; query pairs as sent, in name order. */
const wire = (r: Received) => {
  const [path, query = ''] = r.url.split('?')
  return {
    method: r.method,
    path,
    query: query.split('&').filter(Boolean).sort(),
    body: r.body,
    bearer: r.headers['x-amz-sso_bearer_token'],
    contentType: r.headers['content-type'],
    authorization: r.headers.authorization,
  }
}

let recorder: Recorder
const theirs: { sent: Received; result: BotocoreResult }[] = []
const ours: { sent: Received; result: { ok: boolean; value?: unknown; error?: unknown } }[] = []

beforeAll(async () => {
  recorder = await startRecorder()
  recorder.queue.push(...cases.map(([, , answer]) => answer))
  const results = await botocore(
    recorder.endpoint,
    cases.map(([, op]) => ({ method: METHOD[op], input: INPUT[op] })),
  )
  theirs.push(...results.map((result, i) => ({ result, sent: recorder.received[i]! })))
  recorder.received.length = 0
  recorder.queue.push(...cases.map(([, , answer]) => answer))
  for (const [, op] of cases) {
    const call = OURS[op] as (input: unknown, options: object) => Promise<{ ok: boolean; value?: unknown; error?: unknown }>
    ours.push({ result: await call(INPUT[op], { endpoint: recorder.endpoint, region: 'us-east-1', retry: 0 }), sent: recorder.received.at(-1)! })
  }
}, 60_000)
afterAll(() => recorder.close())

describe(`beside botocore ${findBotocore().version}'s "sso" client`, () => {
  it('made every call of every case', () => {
    expect(theirs).toHaveLength(cases.length)
    expect(ours).toHaveLength(cases.length)
  })

  it.each(cases.map(([name], i) => [name, i] as const))('%s: the same request, read the same way', (_, i) => {
    const them = theirs[i]!
    const us = ours[i]!
    expect(wire(us.sent)).toStrictEqual(wire(them.sent))
    expect(wire(us.sent)).toMatchObject({ bearer: TOKEN, body: '', authorization: undefined })
    if (them.result.ok) {
      expect(us.result).toStrictEqual({ ok: true, value: them.result.value })
    } else {
      expect('error' in them.result, JSON.stringify(them.result)).toBe(true)
      const { code, message, status, requestId } = (them.result as Extract<BotocoreResult, { error: unknown }>).error
      expect(us.result).toStrictEqual({ ok: false, error: { name: code, message, status, requestId } })
    }
  })
})

describe('botocore against the emulator, with a token this library signed in for', () => {
  it('lists the same accounts, pages by max_result, gets role credentials, logs out, and is then refused', async () => {
    const emulator = createEmulator({ interval: 0 })
    const server = await listen(emulator, { port: 0 })
    try {
      const options = { endpoint: server.url, region: 'us-east-1', retry: 0 }
      const client = value(await registerClient({ clientName: 'botocore-peer', clientType: 'public', scopes: ['sso:account:access'] }, options))
      const credentials = { clientId: client.clientId!, clientSecret: client.clientSecret! }
      const device = value(await startDeviceAuthorization({ ...credentials, startUrl: START_URL }, options))
      emulator.approve(device.userCode!)
      const { accessToken } = value(await createToken({ ...credentials, grantType: DEVICE_CODE, deviceCode: device.deviceCode! }, options))
      const accounts = value(await listAllAccounts({ accessToken: accessToken! }, options))
      const [account] = accounts
      const [all, page, roles, role, loggedOut, refused] = await botocore(server.url, [
        { method: 'list_accounts', input: { accessToken } },
        { method: 'list_accounts', input: { accessToken, maxResults: 1 } },
        { method: 'list_account_roles', input: { accessToken, accountId: account!.accountId } },
        { method: 'get_role_credentials', input: { accessToken, accountId: account!.accountId, roleName: 'ReadOnlyAccess' } },
        { method: 'logout', input: { accessToken } },
        { method: 'get_role_credentials', input: { accessToken, accountId: account!.accountId, roleName: 'ReadOnlyAccess' } },
      ])
      expect(all).toStrictEqual({ ok: true, value: { accountList: accounts } })
      expect(page).toStrictEqual({ ok: true, value: { accountList: accounts.slice(0, 1), nextToken: expect.any(String) } })
      expect(roles).toMatchObject({ ok: true, value: { roleList: expect.arrayContaining([{ roleName: 'ReadOnlyAccess', accountId: account!.accountId }]) } })
      expect(role).toStrictEqual({
        ok: true,
        value: {
          roleCredentials: {
            accessKeyId: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/),
            secretAccessKey: expect.any(String),
            sessionToken: expect.any(String),
            expiration: expect.any(Number),
          },
        },
      })
      expect(loggedOut).toStrictEqual({ ok: true, value: {} })
      expect(refused).toStrictEqual({ ok: false, error: { code: 'UnauthorizedException', message: expect.any(String), status: 401, requestId: expect.any(String) } })
    } finally {
      await server.close()
    }
  })
})
