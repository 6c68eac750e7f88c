import {
  GetRoleCredentialsCommand,
  ListAccountRolesCommand,
  ListAccountsCommand,
  LogoutCommand,
  paginateListAccounts,
  ResourceNotFoundException,
  SSOClient,
  UnauthorizedException,
} from '@aws-sdk/client-sso'
import fc from 'fast-check'
import { describe, expect, onTestFinished, test } from 'vitest'
import model from '../model/sso/service-2.json'
import { createEmulator, type EmulatorAccount, type EmulatorOptions } from '../src/emulator/index'
import { listen } from '../src/emulator/node'
import { createToken, createTokenWithIAM, registerClient, startDeviceAuthorization, type Result } from '../src/index'
import { getRoleCredentials, listAccountRoles, listAccounts, listAllAccountRoles, listAllAccounts, logout } from '../src/portal/index'
import { DEVICE_CODE, JWT_BEARER, TOKEN_EXCHANGE, ACCESS_TOKEN_TYPE, START_URL, APPLICATION, ASSERTION, IAM, UUID, failure, transports, value } from './support/emulator'

const T0 = Math.floor(Date.now() / 1000) * 1000 // near real time, as CreateTokenWithIAM's SigV4 needs
const ERROR_NAMESPACE = 'http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/'
const BEARER = 'x-amz-sso_bearer_token'
const UNAUTHORIZED = 'Session token not found or invalid'

/** Each of the portal's four operations with `accessToken`, one after another (Logout last). */
const everyOperation = async (accessToken: string, options: Parameters<typeof logout>[1]) => [
  await listAccounts({ accessToken }, options),
  await listAccountRoles({ accessToken, accountId: PRODUCTION.accountId }, options),
  await getRoleCredentials({ accessToken, accountId: PRODUCTION.accountId, roleName: 'ReadOnlyAccess' }, options),
  await logout({ accessToken }, options),
]

/** The default accounts, as ListAccounts lists them. */
const PRODUCTION = { accountId: '111122223333', accountName: 'Production', emailAddress: 'aws-production@example.com' }
const DEVELOPMENT = { accountId: '444455556666', accountName: 'Development', emailAddress: 'aws-development@example.com' }

/** `n` accounts `000000000001`…, each with `roles` roles `Role1`…. */
const manyAccounts = (n: number, roles = 2): EmulatorAccount[] =>
  Array.from({ length: n }, (_, i) => ({
    accountId: String(i + 1).padStart(12, '0'),
    accountName: `Account ${i + 1}`,
    emailAddress: `aws+${i + 1}@example.com`,
    roles: Array.from({ length: roles }, (_, j) => `Role${j + 1}`),
  }))
const listed = ({ accountId, accountName, emailAddress }: EmulatorAccount) => ({ accountId, accountName, emailAddress })

/** Each exception's status, from the model. */
const statusOf = (name: string) => (model.shapes[name as keyof typeof model.shapes] as { error: { httpStatusCode: number } }).error.httpStatusCode

/** A modeled exception as the library reads it from the portal. */
const exception = (name: string, message: unknown = expect.any(String)) => ({
  name,
  message,
  status: statusOf(name),
  requestId: expect.stringMatching(UUID),
})

describe.each(transports('portal.sso.us-east-1.amazonaws.com'))('The emulator\'s access portal, %s,', (_, connect) => {
  /** A fresh emulator on a fake clock (starting at T0), reached through the transport. */
  async function setup(emulatorOptions: EmulatorOptions = {}) {
    let now = T0
    const emulator = createEmulator({ clock: () => now, interval: 0, ...emulatorOptions })
    const { options, base, fetch } = await connect(emulator)
    const tick = (seconds: number) => void (now += seconds * 1000)
    /** A request as any HTTP client would send it: `query` in the URL, the token (when given) in its header. */
    const raw = (method: string, path: string, accessToken?: string, query: Record<string, string> = {}) => {
      const search = new URLSearchParams(query).toString()
      return fetch(`${base}${path}${search ? `?${search}` : ''}`, { method, headers: accessToken === undefined ? {} : { [BEARER]: accessToken } })
    }
    /** A device sign-in as the AWS CLI does it for an sso-session: the access token. */
    const signIn = async () => {
      const client = value(await registerClient({ clientName: 'test', clientType: 'public', scopes: ['sso:account:access'] }, options))
      const credentials = { clientId: client.clientId!, clientSecret: client.clientSecret! }
      const device = value(await startDeviceAuthorization({ ...credentials, startUrl: START_URL }, options))
      emulator.approve(device.userCode!)
      return value(await createToken({ ...credentials, grantType: DEVICE_CODE, deviceCode: device.deviceCode! }, options)).accessToken!
    }
    return { emulator, options, base, fetch, tick, raw, signIn }
  }

  describe('after a sign-in', () => {
    test('lists the accounts assigned to the user', async () => {
      const { options, signIn } = await setup()
      const accessToken = await signIn()
      expect(value(await listAccounts({ accessToken }, options))).toStrictEqual({ accountList: [PRODUCTION, DEVELOPMENT] })
    })

    test('lists the roles the user may take in an account', async () => {
      const { options, signIn } = await setup()
      const accessToken = await signIn()
      expect(value(await listAccountRoles({ accessToken, accountId: DEVELOPMENT.accountId }, options))).toStrictEqual({
        roleList: [
          { roleName: 'AdministratorAccess', accountId: DEVELOPMENT.accountId },
          { roleName: 'PowerUserAccess', accountId: DEVELOPMENT.accountId },
          { roleName: 'ReadOnlyAccess', accountId: DEVELOPMENT.accountId },
        ],
      })
    })

    test('gets role credentials shaped as STS\'s, expiring an hour after the clock\'s now, in epoch milliseconds', async () => {
      const { options, signIn, tick } = await setup()
      const accessToken = await signIn()
      tick(42)
      const input = { accessToken, accountId: PRODUCTION.accountId, roleName: 'ReadOnlyAccess' }
      const first = value(await getRoleCredentials(input, options))
      expect(first).toStrictEqual({
        roleCredentials: {
          accessKeyId: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/),
          secretAccessKey: expect.stringMatching(/^[A-Za-z0-9+/]{40}$/),
          sessionToken: expect.stringMatching(/^IQoJb3JpZ2luX2Vj[A-Za-z0-9+/]{1000,}={0,2}$/),
          expiration: T0 + 42_000 + 3600_000,
        },
      })
      const second = value(await getRoleCredentials(input, options))
      expect(second.roleCredentials!.accessKeyId).not.toBe(first.roleCredentials!.accessKeyId)
      expect(second.roleCredentials!.sessionToken).not.toBe(first.roleCredentials!.sessionToken)
    })

    test('gives role credentials the lifetime of roleCredentialsExpiresIn', async () => {
      const { options, signIn } = await setup({ roleCredentialsExpiresIn: 900 })
      const accessToken = await signIn()
      const { roleCredentials } = value(await getRoleCredentials({ accessToken, accountId: PRODUCTION.accountId, roleName: 'AdministratorAccess' }, options))
      expect(roleCredentials!.expiration).toBe(T0 + 900_000)
    })

    test('takes an access token of CreateTokenWithIAM as well', async () => {
      const { options } = await setup()
      const iam = { ...options, credentials: IAM }
      const { accessToken } = value(await createTokenWithIAM({ clientId: APPLICATION, grantType: JWT_BEARER, assertion: ASSERTION }, iam))
      expect(value(await listAccounts({ accessToken: accessToken! }, options)).accountList).toHaveLength(2)
    })

    test('reads query values encoded as the AWS SDKs encode them', async () => {
      const roleName = 'Dev+Ops=1,a.b@c-d_e'
      const accounts = [{ ...PRODUCTION, roles: [roleName] }]
      const { options, signIn } = await setup({ accounts })
      const accessToken = await signIn()
      expect(value(await getRoleCredentials({ accessToken, accountId: PRODUCTION.accountId, roleName }, options)).roleCredentials).toBeDefined()
    })
  })

  describe('pagination', () => {
    /** Reads `list` page by page with `maxResults`, checking each page's whole answer. */
    async function pages<T>(
      items: readonly T[],
      maxResults: number,
      list: (nextToken: string | undefined) => Promise<{ nextToken?: string | undefined } & Record<string, unknown>>,
      key: string,
    ) {
      const tokens: string[] = []
      let nextToken: string | undefined
      for (let start = 0; start < Math.max(items.length, 1); start += maxResults) {
        const page = await list(nextToken)
        const last = start + maxResults >= items.length
        expect(page).toStrictEqual({ [key]: items.slice(start, start + maxResults), ...(last ? {} : { nextToken: expect.stringMatching(/^[\w-]{40,}$/) }) })
        nextToken = page.nextToken
        if (nextToken) tokens.push(nextToken)
      }
      return tokens
    }

    test.each([1, 2, 3, 5, 7, 100])('ListAccounts with max_result %i gives every page in order, chained by nextToken; the last has none', async (maxResults) => {
      const accounts = manyAccounts(7)
      const { options, signIn } = await setup({ accounts })
      const accessToken = await signIn()
      const tokens = await pages(accounts.map(listed), maxResults, async (nextToken) => value(await listAccounts({ accessToken, maxResults, nextToken }, options)), 'accountList')
      expect(tokens).toHaveLength(Math.ceil(7 / maxResults) - 1)
    })

    test.each([1, 2, 4, 5])('ListAccountRoles with max_result %i gives every page in order, chained by nextToken; the last has none', async (maxResults) => {
      const accounts = manyAccounts(2, 5)
      const { options, signIn } = await setup({ accounts })
      const accessToken = await signIn()
      const accountId = accounts[1]!.accountId
      const roles = accounts[1]!.roles.map((roleName) => ({ roleName, accountId }))
      await pages(roles, maxResults, async (nextToken) => value(await listAccountRoles({ accessToken, accountId, maxResults, nextToken }, options)), 'roleList')
    })

    test('gives 20 accounts a page without max_result', async () => {
      const accounts = manyAccounts(25)
      const { options, signIn } = await setup({ accounts })
      const accessToken = await signIn()
      await pages(accounts.map(listed), 20, async (nextToken) => value(await listAccounts({ accessToken, nextToken }, options)), 'accountList')
    })

    test('listAllAccounts and listAllAccountRoles read every page', async () => {
      const accounts = manyAccounts(9, 4)
      const { options, signIn } = await setup({ accounts })
      const accessToken = await signIn()
      expect(value(await listAllAccounts({ accessToken, maxResults: 2 }, options))).toStrictEqual(accounts.map(listed))
      const accountId = accounts[8]!.accountId
      expect(value(await listAllAccountRoles({ accessToken, accountId, maxResults: 3 }, options))).toStrictEqual(
        ['Role1', 'Role2', 'Role3', 'Role4'].map((roleName) => ({ roleName, accountId })),
      )
    })

    test('an empty list is one page without nextToken', async () => {
      const { options, signIn } = await setup({ accounts: [{ ...PRODUCTION, roles: [] }] })
      const accessToken = await signIn()
      expect(value(await listAccountRoles({ accessToken, accountId: PRODUCTION.accountId, maxResults: 1 }, options))).toStrictEqual({ roleList: [] })
    })

    test('issues opaque page tokens: two for the same page differ, as no plain encoding of an offset would', async () => {
      const { options, signIn } = await setup({ accounts: manyAccounts(3) })
      const accessToken = await signIn()
      const [a, b] = await Promise.all([1, 2].map(async () => value(await listAccounts({ accessToken, maxResults: 1 }, options)).nextToken!))
      expect(a).not.toBe(b)
    })

    test.each([
      ['a made-up token', () => 'not-a-token'],
      ['a token with one character changed', (token: string) => token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21)],
      ['a truncated token', (token: string) => token.slice(0, -4)],
    ])('answers InvalidRequestException to %s', async (_, change) => {
      const { options, signIn } = await setup({ accounts: manyAccounts(3) })
      const accessToken = await signIn()
      const { nextToken } = value(await listAccounts({ accessToken, maxResults: 1 }, options))
      expect(failure(await listAccounts({ accessToken, maxResults: 1, nextToken: change(nextToken!) }, options))).toStrictEqual(
        exception('InvalidRequestException', 'Invalid next token'),
      )
    })

    test('refuses a page token of one list on another: accounts for roles, one account\'s roles for another\'s', async () => {
      const accounts = manyAccounts(3, 3)
      const { options, signIn } = await setup({ accounts })
      const accessToken = await signIn()
      const [first, second] = accounts.map((account) => account.accountId)
      const accountsToken = value(await listAccounts({ accessToken, maxResults: 1 }, options)).nextToken!
      const rolesToken = value(await listAccountRoles({ accessToken, accountId: first!, maxResults: 1 }, options)).nextToken!
      const refused = [
        await listAccountRoles({ accessToken, accountId: first!, maxResults: 1, nextToken: accountsToken }, options),
        await listAccountRoles({ accessToken, accountId: second!, maxResults: 1, nextToken: rolesToken }, options),
        await listAccounts({ accessToken, maxResults: 1, nextToken: rolesToken }, options),
      ]
      expect(refused.map(failure)).toStrictEqual(Array(3).fill(exception('InvalidRequestException', 'Invalid next token')))
    })
  })

  describe('every modeled error, as the library reads it', () => {
    type Setup = Awaited<ReturnType<typeof setup>>
    /** [operation, what, the exception, the emulator's options, the call (given a signed-in token)]. */
    const cases: [string, string, string, EmulatorOptions, (accessToken: string, s: Setup) => Promise<Result<unknown, unknown>>][] = [
      ['GetRoleCredentials', 'an access token it did not issue', 'UnauthorizedException', {}, (_, { options }) =>
        getRoleCredentials({ accessToken: 'aoa-unknown', accountId: PRODUCTION.accountId, roleName: 'ReadOnlyAccess' }, options)],
      ['GetRoleCredentials', 'an empty access token', 'UnauthorizedException', {}, (_, { options }) =>
        getRoleCredentials({ accessToken: '', accountId: PRODUCTION.accountId, roleName: 'ReadOnlyAccess' }, options)],
      ['GetRoleCredentials', 'an empty account ID', 'InvalidRequestException', {}, (accessToken, { options }) =>
        getRoleCredentials({ accessToken, accountId: '', roleName: 'ReadOnlyAccess' }, options)],
      ['GetRoleCredentials', 'an empty role name', 'InvalidRequestException', {}, (accessToken, { options }) =>
        getRoleCredentials({ accessToken, accountId: PRODUCTION.accountId, roleName: '' }, options)],
      ['GetRoleCredentials', 'an account not assigned to the user', 'ResourceNotFoundException', {}, (accessToken, { options }) =>
        getRoleCredentials({ accessToken, accountId: '999999999999', roleName: 'ReadOnlyAccess' }, options)],
      ['GetRoleCredentials', 'a role of another account', 'ResourceNotFoundException', {}, (accessToken, { options }) =>
        getRoleCredentials({ accessToken, accountId: PRODUCTION.accountId, roleName: 'PowerUserAccess' }, options)],
      ['GetRoleCredentials', 'a request over portalRequestsPerSecond', 'TooManyRequestsException', { portalRequestsPerSecond: 1 }, async (accessToken, { options }) => {
        const input = { accessToken, accountId: PRODUCTION.accountId, roleName: 'ReadOnlyAccess' }
        value(await getRoleCredentials(input, options))
        return getRoleCredentials(input, options)
      }],
      ['ListAccounts', 'an access token it did not issue', 'UnauthorizedException', {}, (_, { options }) => listAccounts({ accessToken: 'aoa-unknown' }, options)],
      ['ListAccounts', 'a next token it did not issue', 'InvalidRequestException', {}, (accessToken, { options }) =>
        listAccounts({ accessToken, nextToken: 'x'.repeat(64) }, options)],
      ['ListAccounts', 'a request over portalRequestsPerSecond', 'TooManyRequestsException', { portalRequestsPerSecond: 2 }, async (accessToken, { options }) => {
        value(await listAccounts({ accessToken }, options))
        value(await listAccounts({ accessToken }, options))
        return listAccounts({ accessToken }, options)
      }],
      ['ListAccountRoles', 'an access token it did not issue', 'UnauthorizedException', {}, (_, { options }) =>
        listAccountRoles({ accessToken: 'aoa-unknown', accountId: PRODUCTION.accountId }, options)],
      ['ListAccountRoles', 'an empty account ID', 'InvalidRequestException', {}, (accessToken, { options }) => listAccountRoles({ accessToken, accountId: '' }, options)],
      ['ListAccountRoles', 'a next token it did not issue', 'InvalidRequestException', {}, (accessToken, { options }) =>
        listAccountRoles({ accessToken, accountId: PRODUCTION.accountId, nextToken: 'x'.repeat(64) }, options)],
      ['ListAccountRoles', 'an account not assigned to the user', 'ResourceNotFoundException', {}, (accessToken, { options }) =>
        listAccountRoles({ accessToken, accountId: '999999999999' }, options)],
      ['ListAccountRoles', 'a request over portalRequestsPerSecond', 'TooManyRequestsException', { portalRequestsPerSecond: 1 }, async (accessToken, { options }) => {
        value(await listAccounts({ accessToken }, options))
        return listAccountRoles({ accessToken, accountId: PRODUCTION.accountId }, options)
      }],
      ['Logout', 'an access token it did not issue', 'UnauthorizedException', {}, (_, { options }) => logout({ accessToken: 'aoa-unknown' }, options)],
      ['Logout', 'a token already logged out', 'UnauthorizedException', {}, async (accessToken, { options }) => {
        value(await logout({ accessToken }, options))
        return logout({ accessToken }, options)
      }],
      ['Logout', 'a request over portalRequestsPerSecond', 'TooManyRequestsException', { portalRequestsPerSecond: 1 }, async (accessToken, { options }) => {
        value(await listAccounts({ accessToken }, options))
        return logout({ accessToken }, options)
      }],
    ]

    test.each(cases)('%s answers %s with %s', async (_, __, name, emulatorOptions, call) => {
      const s = await setup(emulatorOptions)
      const error = failure(await call(await s.signIn(), s))
      expect(error).toStrictEqual(exception(name))
    })

    test('the cases cover every exception the model lists, but those no state of the emulator can cause', () => {
      const covered = new Set(cases.map(([operation, , name]) => `${operation} ${name}`))
      const modeled = Object.values(model.operations).flatMap((op) => op.errors.map((e) => `${op.name} ${e.shape}`))
      // ListAccounts lists ResourceNotFoundException, and Logout InvalidRequestException: nothing in a sign-in
      // the emulator holds can make them (an empty account list is an empty page; Logout has only its token).
      expect(modeled.filter((pair) => !covered.has(pair))).toStrictEqual(['ListAccounts ResourceNotFoundException', 'Logout InvalidRequestException'])
    })

    test('an Unauthorized message the AWS CLI users know', async () => {
      const { options } = await setup()
      expect(failure(await listAccounts({ accessToken: 'aoa-unknown' }, options))).toStrictEqual(exception('UnauthorizedException', UNAUTHORIZED))
    })

    test('lets portalRequestsPerSecond requests through per second of clock time, counting each access token on its own', async () => {
      const { options, signIn, tick } = await setup({ portalRequestsPerSecond: 2 })
      const [a, b] = [await signIn(), await signIn()]
      const names = async (accessToken: string) =>
        (await Promise.all([1, 2, 3].map(() => listAccounts({ accessToken }, options)))).map((result) => (result.ok ? 'ok' : result.error.name))
      expect(await names(a)).toStrictEqual(['ok', 'ok', 'TooManyRequestsException'])
      expect(await names(b)).toStrictEqual(['ok', 'ok', 'TooManyRequestsException'])
      tick(0.999)
      expect(failure(await listAccounts({ accessToken: a }, options)).name).toBe('TooManyRequestsException')
      tick(0.001)
      expect(await names(a)).toStrictEqual(['ok', 'ok', 'TooManyRequestsException'])
    })
  })

  describe('Logout and expiry', () => {
    test('Logout answers an empty success; the token then fails everywhere, while another sign-in\'s still works', async () => {
      const { options, signIn } = await setup()
      const [accessToken, other] = [await signIn(), await signIn()]
      expect(value(await logout({ accessToken }, options))).toStrictEqual({})
      const after = await everyOperation(accessToken, options)
      expect(after.map(failure)).toStrictEqual(Array(4).fill(exception('UnauthorizedException', UNAUTHORIZED)))
      expect(value(await listAccounts({ accessToken: other }, options)).accountList).toHaveLength(2)
    })

    test('a logged-out token is no longer a subject of token exchange', async () => {
      const { options, signIn } = await setup()
      const accessToken = await signIn()
      value(await logout({ accessToken }, options))
      const input = { clientId: APPLICATION, grantType: TOKEN_EXCHANGE, subjectToken: accessToken, subjectTokenType: ACCESS_TOKEN_TYPE }
      expect(failure(await createTokenWithIAM(input, { ...options, credentials: IAM })).name).toBe('InvalidGrantException')
    })

    test('an access token works until it expires, then every operation answers UnauthorizedException', async () => {
      const { options, signIn, tick } = await setup()
      const accessToken = await signIn() // an hour: registered with scopes
      tick(3599.999)
      expect(value(await listAccounts({ accessToken }, options)).accountList).toHaveLength(2)
      tick(0.001)
      const after = await everyOperation(accessToken, options)
      expect(after.map(failure)).toStrictEqual(Array(4).fill(exception('UnauthorizedException', UNAUTHORIZED)))
    })
  })

  describe('the accounts option', () => {
    test('lists the given accounts with their roles, and vends credentials for those roles only', async () => {
      const accounts = [
        { accountId: '210987654321', accountName: 'Sandbox', emailAddress: 'sandbox@example.org', roles: ['Billing'] },
        { accountId: '123456789012', accountName: 'Shared', emailAddress: 'shared@example.org', roles: ['Auditor', 'Operator'] },
      ]
      const { options, signIn } = await setup({ accounts })
      const accessToken = await signIn()
      expect(value(await listAllAccounts({ accessToken }, options))).toStrictEqual(accounts.map(listed))
      expect(value(await listAllAccountRoles({ accessToken, accountId: '123456789012' }, options))).toStrictEqual([
        { roleName: 'Auditor', accountId: '123456789012' },
        { roleName: 'Operator', accountId: '123456789012' },
      ])
      const credentials = (accountId: string, roleName: string) => getRoleCredentials({ accessToken, accountId, roleName }, options)
      expect(value(await credentials('210987654321', 'Billing')).roleCredentials?.accessKeyId).toMatch(/^ASIA/)
      expect(failure(await credentials('210987654321', 'Auditor')).name).toBe('ResourceNotFoundException')
      expect(failure(await credentials(PRODUCTION.accountId, 'ReadOnlyAccess')).name).toBe('ResourceNotFoundException')
    })

    test('with no accounts, lists none and finds none', async () => {
      const { options, signIn } = await setup({ accounts: [] })
      const accessToken = await signIn()
      expect(value(await listAccounts({ accessToken }, options))).toStrictEqual({ accountList: [] })
      expect(failure(await listAccountRoles({ accessToken, accountId: PRODUCTION.accountId }, options)).name).toBe('ResourceNotFoundException')
    })

    test('keeps its own copy: changing the list given does not change the emulator', async () => {
      const accounts = manyAccounts(1)
      const { options, signIn } = await setup({ accounts })
      accounts[0]!.accountName = 'Renamed'
      ;(accounts[0]!.roles as string[]).push('Added')
      accounts.push(...manyAccounts(2))
      const accessToken = await signIn()
      expect(value(await listAccounts({ accessToken }, options))).toStrictEqual({ accountList: manyAccounts(1).map(listed) })
      expect(value(await listAllAccountRoles({ accessToken, accountId: '000000000001' }, options)).map((role) => role.roleName)).toStrictEqual(['Role1', 'Role2'])
    })
  })

  describe('purge', () => {
    test('Logout drops a token at once; expiry drops the others as the clock passes them', async () => {
      const { emulator, options, signIn, tick } = await setup()
      const tokens = [await signIn(), await signIn(), await signIn()]
      value(await logout({ accessToken: tokens[0]! }, options))
      expect(emulator.stats()).toStrictEqual({ clients: 3, deviceCodes: 3, authorizationCodes: 0, accessTokens: 2, refreshTokens: 3 })
      tick(3600)
      expect(emulator.stats()).toStrictEqual({ clients: 3, deviceCodes: 3, authorizationCodes: 0, accessTokens: 0, refreshTokens: 3 })
    })

    test('a long run of sign-ins, calls and logouts holds no access token', async () => {
      const { emulator, options, signIn, tick } = await setup({ portalRequestsPerSecond: 1 })
      for (let i = 0; i < 20; i++) {
        const accessToken = await signIn()
        value(await listAccounts({ accessToken }, options))
        tick(1)
        value(await logout({ accessToken }, options))
      }
      expect(emulator.stats().accessTokens).toBe(0)
    })
  })

  describe('the wire', () => {
    test('sends an error as the portal does: the model\'s status, x-amzn-ErrorType in its namespace, x-amzn-RequestId and a message body', async () => {
      const { raw } = await setup()
      const response = await raw('GET', '/assignment/accounts')
      expect(response.status).toBe(401)
      expect(Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('x-amzn') || name === 'content-type'))).toStrictEqual({
        'content-type': 'application/json',
        'x-amzn-errortype': `UnauthorizedException:${ERROR_NAMESPACE}`,
        'x-amzn-requestid': expect.stringMatching(UUID),
      })
      expect(await response.json()).toStrictEqual({ message: UNAUTHORIZED })
    })

    test.each([
      ['GET', '/federation/credentials', { account_id: '111122223333' }, 'role_name is required'],
      ['GET', '/federation/credentials', { role_name: 'ReadOnlyAccess' }, 'account_id is required'],
      ['GET', '/assignment/roles', {}, 'account_id is required'],
      ['GET', '/assignment/roles', { account_id: '111122223333', max_result: '0' }, 'ResultSize parameter must be within the valid limits of: 1-100'],
      ['GET', '/assignment/accounts', { max_result: '101' }, 'ResultSize parameter must be within the valid limits of: 1-100'],
      ['GET', '/assignment/accounts', { max_result: '-1' }, 'ResultSize parameter must be within the valid limits of: 1-100'],
      ['GET', '/assignment/accounts', { max_result: '2.5' }, 'ResultSize parameter must be within the valid limits of: 1-100'],
      ['GET', '/assignment/accounts', { max_result: 'ten' }, 'ResultSize parameter must be within the valid limits of: 1-100'],
      ['GET', '/assignment/accounts', { max_result: '' }, 'ResultSize parameter must be within the valid limits of: 1-100'],
      ['GET', '/assignment/accounts', { next_token: 'forged' }, 'Invalid next token'],
    ])('answers %s %s with query %j: InvalidRequestException, "%s"', async (method, path, query, message) => {
      const { raw, signIn } = await setup()
      const response = await raw(method, path, await signIn(), query)
      expect(response.status).toBe(400)
      expect(response.headers.get('x-amzn-errortype')).toBe(`InvalidRequestException:${ERROR_NAMESPACE}`)
      expect(response.headers.get('x-amzn-requestid')).toMatch(UUID)
      expect(await response.json()).toStrictEqual({ message })
    })

    test.each([
      ['GET', '/federation/credentials', { account_id: '999999999999', role_name: 'ReadOnlyAccess' }, 'No account 999999999999 is assigned to the user'],
      ['GET', '/federation/credentials', { account_id: '111122223333', role_name: 'Nope' }, 'No role Nope is assigned to the user in account 111122223333'],
      ['GET', '/assignment/roles', { account_id: '999999999999' }, 'No account 999999999999 is assigned to the user'],
    ])('answers %s %s with query %j: ResourceNotFoundException (404), "%s"', async (method, path, query, message) => {
      const { raw, signIn } = await setup()
      const response = await raw(method, path, await signIn(), query)
      expect(response.status).toBe(404)
      expect(response.headers.get('x-amzn-errortype')).toBe(`ResourceNotFoundException:${ERROR_NAMESPACE}`)
      expect(await response.json()).toStrictEqual({ message })
    })

    test('answers a throttled request with 429, TooManyRequestsException and a message body', async () => {
      const { raw, signIn } = await setup({ portalRequestsPerSecond: 1 })
      const accessToken = await signIn()
      expect((await raw('GET', '/assignment/accounts', accessToken)).status).toBe(200)
      const response = await raw('POST', '/logout', accessToken)
      expect(response.status).toBe(429)
      expect(response.headers.get('x-amzn-errortype')).toBe(`TooManyRequestsException:${ERROR_NAMESPACE}`)
      expect(await response.json()).toStrictEqual({ message: 'Rate exceeded' })
    })

    test.each([
      ['GET', '/assignment/accounts', {}],
      ['GET', '/assignment/roles', { account_id: '111122223333' }],
      ['GET', '/federation/credentials', { account_id: '111122223333', role_name: 'ReadOnlyAccess' }],
      ['POST', '/logout', {}],
    ])('answers %s %s without a token: UnauthorizedException (401)', async (method, path, query) => {
      const { raw } = await setup()
      const response = await raw(method, path, undefined, query)
      expect(response.status).toBe(401)
      expect(response.headers.get('x-amzn-errortype')).toBe(`UnauthorizedException:${ERROR_NAMESPACE}`)
      expect(await response.json()).toStrictEqual({ message: UNAUTHORIZED })
    })

    test('answers a success as JSON with its request ID', async () => {
      const { raw, signIn } = await setup()
      const response = await raw('GET', '/assignment/roles', await signIn(), { account_id: '111122223333', max_result: '1' })
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('application/json')
      expect(response.headers.get('x-amzn-requestid')).toMatch(UUID)
      expect(await response.json()).toStrictEqual({
        roleList: [{ roleName: 'AdministratorAccess', accountId: '111122223333' }],
        nextToken: expect.stringMatching(/^[\w-]{40,}$/),
      })
    })

    test('answers Logout with an empty 200 and its request ID', async () => {
      const { raw, signIn } = await setup()
      const response = await raw('POST', '/logout', await signIn())
      expect(response.status).toBe(200)
      expect(response.headers.get('x-amzn-requestid')).toMatch(UUID)
      expect(response.headers.get('x-amzn-errortype')).toBeNull()
      expect(await response.text()).toBe('')
    })

    test('reads the bearer header whatever its case, and only that header', async () => {
      const { base, fetch, signIn } = await setup()
      const accessToken = await signIn()
      const get = (headers: Record<string, string>) => fetch(`${base}/assignment/accounts`, { headers })
      expect((await get({ 'X-Amz-Sso_Bearer_Token': accessToken })).status).toBe(200)
      expect((await get({ authorization: `Bearer ${accessToken}` })).status).toBe(401)
    })

    test.each([
      ['POST', '/assignment/accounts'],
      ['GET', '/logout'],
      ['PUT', '/federation/credentials'],
      ['GET', '/assignment'],
    ])('answers %s %s with 404, a JSON body and no modeled error type', async (method, path) => {
      const { raw, signIn } = await setup()
      const response = await raw(method, path, await signIn())
      expect(response.status).toBe(404)
      expect(response.headers.get('x-amzn-errortype')).toBeNull()
      expect(await response.json()).toStrictEqual({ message: `No operation at ${method} ${path}` })
    })
  })

  describe('only modeled errors', () => {
    const operations = Object.values(model.operations).map((op) => ({
      name: op.name,
      method: op.http.method,
      path: op.http.requestUri,
      query: Object.values((model.shapes[op.input.shape as keyof typeof model.shapes] as { members: Record<string, { location?: string; locationName?: string }> }).members)
        .filter((member) => member.location === 'querystring')
        .map((member) => member.locationName!),
      errors: op.errors.map((e) => e.shape),
    }))

    test.each(operations)('$name answers success or an exception the model lists for it, with its modeled status and a message body', async (op) => {
      const { raw, signIn, options } = await setup({ portalRequestsPerSecond: 5 })
      const accessToken = await signIn()
      const issued = value(await listAccountRoles({ accessToken, accountId: DEVELOPMENT.accountId, maxResults: 1 }, options)).nextToken!
      const values = fc.oneof(
        fc.constantFrom(PRODUCTION.accountId, DEVELOPMENT.accountId, '999999999999', 'ReadOnlyAccess', 'PowerUserAccess', issued),
        fc.constantFrom('0', '1', '2', '100', '101', '-1', '1e1', ''),
        fc.string(),
      )
      const queries = fc.dictionary(fc.constantFrom(...op.query, 'other'), values)
      const tokens = fc.option(fc.constantFrom(accessToken, 'aoa-unknown', ''), { nil: undefined })
      await fc.assert(
        fc.asyncProperty(queries, tokens, async (query, token) => {
          const response = await raw(op.method, op.path, token, query)
          if (response.status === 200) return
          const type = response.headers.get('x-amzn-errortype') ?? ''
          expect(type).toMatch(new RegExp(`^\\w+:${ERROR_NAMESPACE.replace(/[./]/g, '\\$&')}$`))
          expect(op.errors).toContain(type.split(':')[0])
          expect(response.status).toBe(statusOf(type.split(':')[0]!))
          expect(Object.keys(await response.json())).toStrictEqual(['message'])
        }),
        { numRuns: 60 },
      )
    })
  })
})

describe('The official AWS SDK v3 SSO client against the emulator over HTTP', () => {
  /** An emulator served over HTTP, a signed-in access token, and an SSO client for it. */
  async function sdkSetup(emulatorOptions: EmulatorOptions = {}) {
    const emulator = createEmulator({ interval: 0, ...emulatorOptions })
    const server = await listen(emulator, { port: 0 })
    const sso = new SSOClient({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1 })
    onTestFinished(async () => (sso.destroy(), await server.close()))
    const options = { region: 'us-east-1', endpoint: server.url }
    const client = value(await registerClient({ clientName: 'sdk', clientType: 'public', scopes: ['sso:account:access'] }, options))
    const credentials = { clientId: client.clientId!, clientSecret: client.clientSecret! }
    const device = value(await startDeviceAuthorization({ ...credentials, startUrl: START_URL }, options))
    emulator.approve(device.userCode!)
    const { accessToken } = value(await createToken({ ...credentials, grantType: DEVICE_CODE, deviceCode: device.deviceCode! }, options))
    return { sso, accessToken: accessToken! }
  }

  test('pages through the accounts, lists roles and gets role credentials', async () => {
    const accounts = manyAccounts(5)
    const { sso, accessToken } = await sdkSetup({ accounts })
    const listedBySdk = []
    for await (const page of paginateListAccounts({ client: sso, pageSize: 2 }, { accessToken })) listedBySdk.push(...(page.accountList ?? []))
    expect(listedBySdk).toStrictEqual(accounts.map(listed))
    const roles = await sso.send(new ListAccountRolesCommand({ accessToken, accountId: '000000000003' }))
    expect(roles.roleList).toStrictEqual([
      { roleName: 'Role1', accountId: '000000000003' },
      { roleName: 'Role2', accountId: '000000000003' },
    ])
    const { roleCredentials } = await sso.send(new GetRoleCredentialsCommand({ accessToken, accountId: '000000000003', roleName: 'Role2' }))
    expect(roleCredentials).toStrictEqual({
      accessKeyId: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/),
      secretAccessKey: expect.stringMatching(/^[A-Za-z0-9+/]{40}$/),
      sessionToken: expect.any(String),
      expiration: expect.any(Number),
    })
  })

  test('reads the modeled exceptions, and logs out', async () => {
    const { sso, accessToken } = await sdkSetup()
    const missing = await sso.send(new GetRoleCredentialsCommand({ accessToken, accountId: '999999999999', roleName: 'x' })).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(ResourceNotFoundException)
    expect(missing).toMatchObject({ message: 'No account 999999999999 is assigned to the user', $metadata: { httpStatusCode: 404 } })
    await sso.send(new LogoutCommand({ accessToken }))
    const after = await sso.send(new ListAccountsCommand({ accessToken })).catch((e: unknown) => e)
    expect(after).toBeInstanceOf(UnauthorizedException)
    expect(after).toMatchObject({ message: UNAUTHORIZED, $metadata: { httpStatusCode: 401 } })
  })
})
