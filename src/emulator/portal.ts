/**
 * The AWS access portal (service id "SSO", 2019-06-10): GetRoleCredentials, ListAccounts, ListAccountRoles and
 * Logout, unsigned, the access token from CreateToken (or CreateTokenWithIAM) in `x-amz-sso_bearer_token`, with
 * its error wire (`{"message"}` bodies, `x-amzn-ErrorType` in the portal's namespace). SESSIONS.md §5.
 *
 * @module
 * @internal
 */
import { GET_ROLE_CREDENTIALS, LIST_ACCOUNTS, LIST_ACCOUNT_ROLES, LOGOUT, type PortalExceptionName } from '../portal/operations'
import type { EmulatorAccount } from './index'
import type { State } from './state'
import { base64, base64url, errorResponse, random, refuser, utf8, type Refuse, type Route, type ServiceWire } from './wire'

const ERROR_NAMESPACE = 'http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/'
const BEARER = 'x-amz-sso_bearer_token'
/** A page's size when the request gives no `max_result` (the service's: clients that do not paginate see 20 accounts). */
const PAGE_SIZE = 20

/** Each exception's HTTP status, from model/sso/service-2.json. */
const STATUS = {
  InvalidRequestException: 400,
  UnauthorizedException: 401,
  ResourceNotFoundException: 404,
  TooManyRequestsException: 429,
} as const satisfies Record<PortalExceptionName, number>

const refuse: Refuse<PortalExceptionName> = refuser()

/** The access portal's errors: the model's status, `{"message"}`; anything unmodeled is a 500 fault. */
const PORTAL_WIRE: ServiceWire = {
  error: ({ name, description }) => errorResponse(STATUS[name as PortalExceptionName], name, ERROR_NAMESPACE, { message: description }),
  fault: () => errorResponse(500, 'InternalServerException', ERROR_NAMESPACE, { message: 'An internal error occurred' }),
}

// --- the request's parts ---

/**
 * The request's access token: one the emulator issued, not expired, not logged out (UnauthorizedException), and
 * within `portalRequestsPerSecond` (TooManyRequestsException), counted in one-second windows of clock time.
 */
function bearer({ accessTokens, settings: { clock, portalRequestsPerSecond } }: State, request: Request): string {
  const token = request.headers.get(BEARER)
  const issued = token ? accessTokens.get(token) : undefined
  const now = clock()
  if (!token || !issued || now >= issued.expiresAt) refuse('UnauthorizedException', 'Session token not found or invalid')
  if (portalRequestsPerSecond !== undefined) {
    if (now - issued.windowStart >= 1000) (issued.windowStart = now), (issued.requests = 0)
    if (++issued.requests > portalRequestsPerSecond) refuse('TooManyRequestsException', 'Rate exceeded')
  }
  return token
}

/** A required query member (the model's `required`, as a non-empty value), or InvalidRequestException. */
function required(query: URLSearchParams, name: string): string {
  const value = query.get(name)
  if (!value) refuse('InvalidRequestException', `${name} is required`)
  return value
}

/** The page size: `max_result`, an integer from 1 to 100 (the model's MaxResultType), else {@link PAGE_SIZE}. */
function pageSize(query: URLSearchParams): number {
  const text = query.get('max_result')
  if (text === null) return PAGE_SIZE
  const size = /^\d{1,3}$/.test(text) ? Number(text) : 0
  if (size < 1 || size > 100) refuse('InvalidRequestException', 'ResultSize parameter must be within the valid limits of: 1-100')
  return size
}

/** The user's account `account_id`, or ResourceNotFoundException. */
function accountOf({ settings }: State, accountId: string): EmulatorAccount {
  const account = settings.accounts.find((a) => a.accountId === accountId)
  if (!account) refuse('ResourceNotFoundException', `No account ${accountId} is assigned to the user`)
  return account
}

// --- page tokens: opaque, sealed with AES-GCM, so that only the ones issued here open ---

const pageKey = (state: State) =>
  (state.pageKey ??= crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']))

/** A `next_token` for `list` (`""` for the accounts, an account ID for its roles), from item `offset` on. */
async function seal(state: State, list: string, offset: number): Promise<string> {
  const iv = random(12)
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await pageKey(state), utf8(JSON.stringify([list, offset])))
  return base64url(new Uint8Array([...iv, ...new Uint8Array(sealed)]))
}

/** Where a `next_token` issued for `list` starts, or InvalidRequestException for any other token. */
async function unseal(state: State, list: string, token: string): Promise<number> {
  try {
    if (!/^[\w-]{40,}$/.test(token)) throw token
    const bytes = Uint8Array.from(atob(token.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))
    const opened = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, 12) }, await pageKey(state), bytes.slice(12))
    const [of, offset] = JSON.parse(new TextDecoder().decode(opened)) as [unknown, unknown]
    if (of === list && Number.isInteger(offset)) return offset as number
  } catch {}
  refuse('InvalidRequestException', 'Invalid next token')
}

/** One page of `items`: from `next_token` (none or empty: the first page), `size` of them, and the next page's token. */
async function page<T>(state: State, list: string, items: readonly T[], size: number, query: URLSearchParams) {
  const token = query.get('next_token')
  const start = token ? await unseal(state, list, token) : 0
  const end = start + size
  return { items: items.slice(start, end), nextToken: end < items.length ? await seal(state, list, end) : undefined }
}

// --- credentials that look like STS's ---

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
// The first bytes of an STS session token (its base64 starts `IQoJb3JpZ2luX2Vj`, as real ones do).
const SESSION_TOKEN_PREFIX = '!\n\torigin_ec'

const roleCredentials = ({ settings: { clock, roleCredentialsExpiresIn } }: State) => ({
  accessKeyId: `ASIA${[...random(16)].map((byte) => BASE32[byte & 31]).join('')}`,
  secretAccessKey: base64(random(30)),
  sessionToken: base64(new Uint8Array([...utf8(SESSION_TOKEN_PREFIX), ...random(756)])),
  expiration: clock() + roleCredentialsExpiresIn * 1000,
})

// --- the operations ---

function getRoleCredentials(state: State, request: Request, query: URLSearchParams) {
  bearer(state, request)
  const accountId = required(query, 'account_id')
  const roleName = required(query, 'role_name')
  const account = accountOf(state, accountId)
  if (!account.roles.includes(roleName)) refuse('ResourceNotFoundException', `No role ${roleName} is assigned to the user in account ${accountId}`)
  return { roleCredentials: roleCredentials(state) }
}

async function listAccounts(state: State, request: Request, query: URLSearchParams) {
  bearer(state, request)
  const { items, nextToken } = await page(state, '', state.settings.accounts, pageSize(query), query)
  const accountList = items.map(({ accountId, accountName, emailAddress }) => ({ accountId, accountName, emailAddress }))
  return { accountList, ...(nextToken ? { nextToken } : {}) }
}

async function listAccountRoles(state: State, request: Request, query: URLSearchParams) {
  bearer(state, request)
  const accountId = required(query, 'account_id')
  const size = pageSize(query)
  const { items, nextToken } = await page(state, accountId, accountOf(state, accountId).roles, size, query)
  return { roleList: items.map((roleName) => ({ roleName, accountId })), ...(nextToken ? { nextToken } : {}) }
}

/** Logout: the token stops working at once (and is gone from the state: nothing to purge later). An empty 200. */
function logout(state: State, request: Request): undefined {
  state.accessTokens.delete(bearer(state, request))
}

/** The access portal's operations, by `METHOD path`, over `state`. */
export function portalRoutes(state: State): Record<string, Route> {
  const route = (
    { method, path, errors }: { method: string; path: string; errors: readonly PortalExceptionName[] },
    handle: (state: State, request: Request, query: URLSearchParams) => unknown,
  ): [string, Route] => [`${method} ${path}`, { errors, wire: PORTAL_WIRE, handle: (request, url) => handle(state, request, url.searchParams) }]
  return Object.fromEntries([
    route(GET_ROLE_CREDENTIALS, getRoleCredentials),
    route(LIST_ACCOUNTS, listAccounts),
    route(LIST_ACCOUNT_ROLES, listAccountRoles),
    route(LOGOUT, logout),
  ])
}
