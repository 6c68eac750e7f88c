/**
 * The AWS access portal API (service id "SSO", 2019-06-10), which turns an IAM Identity Center
 * access token into the user's accounts, roles and temporary AWS credentials. Four operations over the same
 * request path as SSO OIDC, declared from the model (`model/sso/service-2.json`): unsigned, the access token in
 * the `x-amz-sso_bearer_token` header, the other members in the query. Never throws; runs wherever `fetch` runs.
 *
 * @module
 */
import * as v from 'valibot'
import { int, ostr, str } from '../schemas'
import { resolveFor, type EndpointOptions } from '../endpoint'
import {
  objectOf,
  rawErrorType,
  cleanType,
  text,
  unreadableInput,
  type CallError,
  type EndpointError,
  type Result,
  type UnknownServiceError,
} from '../errors'
import { bindings, send, type Options, type Service } from '../request'


/** The exceptions of the access portal's model, by their model names. */
export type PortalExceptionName = 'InvalidRequestException' | 'UnauthorizedException' | 'TooManyRequestsException' | 'ResourceNotFoundException'

/**
 * A modeled exception of the access portal: its `name`, the body's `message`, the HTTP `status` and the
 * `x-amzn-requestid` header as `requestId`.
 */
export type PortalException<N extends PortalExceptionName = PortalExceptionName> = N extends unknown
  ? { readonly name: N; readonly message: string; readonly status: number; readonly requestId: string | undefined }
  : never

/**
 * Reads an access portal error as the SDKs do (restJson1): the type from the `x-amzn-errortype` header, body
 * `code` or `__type`, cleaned; the message from the body's `message` (or `Message`).
 */
function readPortalError(status: number, headers: Headers, body: unknown, names: readonly string[], message?: string): PortalException | UnknownServiceError {
  const data = objectOf(body)
  const raw = rawErrorType(headers, data)
  const type = cleanType(raw)!
  const said = text(data.message) ?? text(data.Message)
  const requestId = headers.get('x-amzn-requestid') ?? undefined
  if (names.includes(type)) return { name: type as PortalExceptionName, message: said ?? type, status, requestId }
  return {
    name: 'UnknownServiceError',
    message: message ?? said ?? `Unrecognized error response (HTTP ${status}${raw ? `, ${raw}` : ''})`,
    status,
    type: raw,
    error: undefined,
    description: said,
    requestId,
  }
}

/**
 * The access portal: endpoint prefix `portal.sso` (its rule set is SSO OIDC's but for it), its error reader, and
 * its one sensitive input member (model/sso/service-2.json), the access token.
 */
const PORTAL: Service<PortalException> = { prefix: 'portal.sso', read: readPortalError, secrets: ['accessToken'] }

// Shapes of model/sso/service-2.json, members as on the wire, of src/schemas.ts's parts and conventions.
const maxResults = /* @__PURE__ */ v.optional(
  /* @__PURE__ */ v.custom<number>((n) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 100, 'expected an integer from 1 to 100'),
)

/** Input of `getRoleCredentials` (the model's `GetRoleCredentialsRequest`). */
export const GetRoleCredentialsInput = /* @__PURE__ */ v.object({ accessToken: str, accountId: str, roleName: str })
/** Output of `getRoleCredentials`; `expiration` is epoch milliseconds, as on the wire. */
export const GetRoleCredentialsOutput = /* @__PURE__ */ v.object({
  roleCredentials: /* @__PURE__ */ v.optional(
    /* @__PURE__ */ v.object({
      accessKeyId: ostr,
      secretAccessKey: ostr,
      sessionToken: ostr,
      expiration: int,
    }),
  ),
})
/** Input of `listAccounts` (the model's `ListAccountsRequest`); `maxResults` from 1 to 100. */
export const ListAccountsInput = /* @__PURE__ */ v.object({ accessToken: str, nextToken: ostr, maxResults })
/** Output of `listAccounts` (the model's `ListAccountsResponse`). */
export const ListAccountsOutput = /* @__PURE__ */ v.object({
  nextToken: ostr,
  accountList: /* @__PURE__ */ v.optional(/* @__PURE__ */ v.array(/* @__PURE__ */ v.object({ accountId: ostr, accountName: ostr, emailAddress: ostr }))),
})
/** Input of `listAccountRoles` (the model's `ListAccountRolesRequest`); `maxResults` from 1 to 100. */
export const ListAccountRolesInput = /* @__PURE__ */ v.object({ accessToken: str, accountId: str, nextToken: ostr, maxResults })
/** Output of `listAccountRoles` (the model's `ListAccountRolesResponse`). */
export const ListAccountRolesOutput = /* @__PURE__ */ v.object({
  nextToken: ostr,
  roleList: /* @__PURE__ */ v.optional(/* @__PURE__ */ v.array(/* @__PURE__ */ v.object({ roleName: ostr, accountId: ostr }))),
})
/** Input of `logout` (the model's `LogoutRequest`). */
export const LogoutInput = /* @__PURE__ */ v.object({ accessToken: str })
/** Output of `logout`: the model has none; the value is `{}`. */
export const LogoutOutput = /* @__PURE__ */ v.object({})

export type GetRoleCredentialsInput = v.InferInput<typeof GetRoleCredentialsInput>
export type GetRoleCredentialsOutput = v.InferOutput<typeof GetRoleCredentialsOutput>
export type ListAccountsInput = v.InferInput<typeof ListAccountsInput>
export type ListAccountsOutput = v.InferOutput<typeof ListAccountsOutput>
export type ListAccountRolesInput = v.InferInput<typeof ListAccountRolesInput>
export type ListAccountRolesOutput = v.InferOutput<typeof ListAccountRolesOutput>
export type LogoutInput = v.InferInput<typeof LogoutInput>
export type LogoutOutput = v.InferOutput<typeof LogoutOutput>
/** An account of `listAccounts`. */
export type AccountInfo = NonNullable<ListAccountsOutput['accountList']>[number]
/** A role of `listAccountRoles`. */
export type RoleInfo = NonNullable<ListAccountRolesOutput['roleList']>[number]

// Each operation's modeled exceptions: `operations.*.errors` of model/sso/service-2.json, in its order.
const ERRORS = ['InvalidRequestException', 'UnauthorizedException', 'TooManyRequestsException', 'ResourceNotFoundException'] as const
const LOGOUT_ERRORS = ['InvalidRequestException', 'UnauthorizedException', 'TooManyRequestsException'] as const
const BEARER = 'x-amz-sso_bearer_token'

/** @internal The operations as the request path (and the emulator) read them. Query members in the SDK's (sorted) order. */
export const GET_ROLE_CREDENTIALS = {
  service: PORTAL,
  method: 'GET',
  path: '/federation/credentials',
  bind: /* @__PURE__ */ bindings({ accountId: '?account_id', roleName: '?role_name', accessToken: BEARER }),
  input: GetRoleCredentialsInput,
  output: GetRoleCredentialsOutput,
  errors: ERRORS,
} as const
/** @internal */
export const LIST_ACCOUNTS = {
  service: PORTAL,
  method: 'GET',
  path: '/assignment/accounts',
  bind: /* @__PURE__ */ bindings({ maxResults: '?max_result', nextToken: '?next_token', accessToken: BEARER }),
  input: ListAccountsInput,
  output: ListAccountsOutput,
  errors: ERRORS,
} as const
/** @internal */
export const LIST_ACCOUNT_ROLES = {
  service: PORTAL,
  method: 'GET',
  path: '/assignment/roles',
  bind: /* @__PURE__ */ bindings({ accountId: '?account_id', maxResults: '?max_result', nextToken: '?next_token', accessToken: BEARER }),
  input: ListAccountRolesInput,
  output: ListAccountRolesOutput,
  errors: ERRORS,
} as const
/** @internal */
export const LOGOUT = {
  service: PORTAL,
  method: 'POST',
  path: '/logout',
  bind: /* @__PURE__ */ bindings({ accessToken: BEARER }),
  input: LogoutInput,
  output: LogoutOutput,
  errors: LOGOUT_ERRORS,
} as const

/** The error union of `getRoleCredentials`: its modeled exceptions, then the errors of any call. */
export type GetRoleCredentialsError = PortalException<(typeof ERRORS)[number]> | CallError
/** The error union of `listAccounts` (and `listAllAccounts`). */
export type ListAccountsError = PortalException<(typeof ERRORS)[number]> | CallError
/** The error union of `listAccountRoles` (and `listAllAccountRoles`). */
export type ListAccountRolesError = PortalException<(typeof ERRORS)[number]> | CallError
/** The error union of `logout`: no ResourceNotFoundException. */
export type LogoutError = PortalException<(typeof LOGOUT_ERRORS)[number]> | CallError

/**
 * Gets temporary AWS credentials for a role of an account the user is assigned to: `GET /federation/credentials`
 * with `account_id` and `role_name`, the access token in `x-amz-sso_bearer_token`.
 *
 * @param input - The IAM Identity Center `accessToken` (from CreateToken), the `accountId` and the `roleName`.
 * @param options - Endpoint (`region` of the Identity Center instance), transport and retry options; see {@link Options}.
 * @returns `{ ok: true, value }` with `roleCredentials`: `accessKeyId`, `secretAccessKey`, `sessionToken` and
 *   `expiration` (epoch milliseconds), or `{ ok: false, error }` with a {@link GetRoleCredentialsError}:
 *   `UnauthorizedException` (the token is expired or was logged out), `ResourceNotFoundException` (no such
 *   assignment), `TooManyRequestsException` (retried first), `InvalidRequestException`, or a call error. Never throws.
 * @see https://docs.aws.amazon.com/singlesignon/latest/PortalAPIReference/API_GetRoleCredentials.html
 * @example
 * ```ts
 * import { getRoleCredentials } from 'ssooidc/portal'
 *
 * const result = await getRoleCredentials({ accessToken, accountId: '123456789012', roleName: 'ReadOnly' }, { region: 'us-east-1' })
 * if (result.ok) {
 *   const { accessKeyId, secretAccessKey, sessionToken, expiration } = result.value.roleCredentials ?? {}
 * } else if (result.error.name === 'UnauthorizedException') console.log('sign in again')
 * ```
 */
export function getRoleCredentials(
  input: GetRoleCredentialsInput,
  options?: Options,
): Promise<Result<GetRoleCredentialsOutput, GetRoleCredentialsError>> {
  return send(GET_ROLE_CREDENTIALS, input, options)
}

/**
 * Lists one page of the accounts assigned to the user: `GET /assignment/accounts` with `next_token` and
 * `max_result`. {@link listAllAccounts} reads every page.
 *
 * @param input - `accessToken`; `nextToken` from the previous page; `maxResults` from 1 to 100.
 * @param options - Endpoint, transport and retry options; see {@link Options}.
 * @returns `{ ok: true, value }` with `accountList` (`accountId`, `accountName`, `emailAddress`) and `nextToken`
 *   when there are more, or `{ ok: false, error }` with a {@link ListAccountsError}. Never throws.
 * @see https://docs.aws.amazon.com/singlesignon/latest/PortalAPIReference/API_ListAccounts.html
 * @example
 * ```ts
 * import { listAccounts } from 'ssooidc/portal'
 *
 * const page = await listAccounts({ accessToken, maxResults: 50 }, { region: 'us-east-1' })
 * if (page.ok) for (const account of page.value.accountList ?? []) console.log(account.accountId, account.accountName)
 * ```
 */
export function listAccounts(input: ListAccountsInput, options?: Options): Promise<Result<ListAccountsOutput, ListAccountsError>> {
  return send(LIST_ACCOUNTS, input, options)
}

/**
 * Lists one page of the roles the user may take in an account: `GET /assignment/roles` with `account_id`,
 * `next_token` and `max_result`. {@link listAllAccountRoles} reads every page.
 *
 * @param input - `accessToken`, `accountId`; `nextToken` from the previous page; `maxResults` from 1 to 100.
 * @param options - Endpoint, transport and retry options; see {@link Options}.
 * @returns `{ ok: true, value }` with `roleList` (`roleName`, `accountId`) and `nextToken` when there are more, or
 *   `{ ok: false, error }` with a {@link ListAccountRolesError}. Never throws.
 * @see https://docs.aws.amazon.com/singlesignon/latest/PortalAPIReference/API_ListAccountRoles.html
 * @example
 * ```ts
 * import { listAccountRoles } from 'ssooidc/portal'
 *
 * const page = await listAccountRoles({ accessToken, accountId: '123456789012' }, { region: 'us-east-1' })
 * if (page.ok) console.log(page.value.roleList?.map((role) => role.roleName))
 * ```
 */
export function listAccountRoles(
  input: ListAccountRolesInput,
  options?: Options,
): Promise<Result<ListAccountRolesOutput, ListAccountRolesError>> {
  return send(LIST_ACCOUNT_ROLES, input, options)
}

/**
 * Signs the user out of the access portal: `POST /logout` with no body, the token in `x-amz-sso_bearer_token`.
 * The access token stops working (as do role credentials got with it, when the service says so).
 *
 * @param input - The `accessToken` to end.
 * @param options - Endpoint, transport and retry options; see {@link Options}.
 * @returns `{ ok: true, value: {} }`, or `{ ok: false, error }` with a {@link LogoutError} (`UnauthorizedException`
 *   for a token already expired or logged out). Never throws.
 * @see https://docs.aws.amazon.com/singlesignon/latest/PortalAPIReference/API_Logout.html
 * @example
 * ```ts
 * import { logout } from 'ssooidc/portal'
 *
 * const result = await logout({ accessToken }, { region: 'us-east-1' })
 * if (!result.ok && result.error.name !== 'UnauthorizedException') console.error(result.error.message)
 * ```
 */
export function logout(input: LogoutInput, options?: Options): Promise<Result<LogoutOutput, LogoutError>> {
  return send(LOGOUT, input, options)
}

/** Reads every page of a paginated operation: stops on the first error, and on a `nextToken` seen before. */
async function allPages<I extends { nextToken?: string | undefined }, O extends { nextToken?: string | undefined }, T, E>(
  page: (input: I, options?: Options) => Promise<Result<O, E>>,
  input: I,
  options: Options | undefined,
  items: (output: O) => readonly T[] | undefined,
): Promise<Result<T[], E>> {
  try {
    const all: T[] = []
    const seen = new Set<string>()
    for (let nextToken = input?.nextToken; ; ) {
      const result = await page(nextToken === undefined ? input : { ...input, nextToken }, options)
      if (!result.ok) return result
      all.push(...(items(result.value) ?? []))
      nextToken = result.value.nextToken
      if (!nextToken || seen.has(nextToken)) return { ok: true, value: all }
      seen.add(nextToken)
    }
  } catch {
    return unreadableInput() as never
  }
}

/**
 * Lists every account assigned to the user, reading `listAccounts` page by page (paginators-1.json: `nextToken`
 * in and out, `accountList`).
 *
 * @param input - As for {@link listAccounts}; `maxResults` is the page size.
 * @param options - As for every operation.
 * @returns `{ ok: true, value }` with every account, or `{ ok: false, error }` with the first page's error
 *   ({@link ListAccountsError}). A `nextToken` seen before ends the list. Never throws.
 * @example
 * ```ts
 * import { listAllAccounts } from 'ssooidc/portal'
 *
 * const accounts = await listAllAccounts({ accessToken }, { region: 'us-east-1' })
 * if (accounts.ok) console.log(`${accounts.value.length} accounts`)
 * ```
 */
export function listAllAccounts(input: ListAccountsInput, options?: Options): Promise<Result<AccountInfo[], ListAccountsError>> {
  return allPages(listAccounts, input, options, (output) => output.accountList)
}

/**
 * Lists every role the user may take in an account, reading `listAccountRoles` page by page.
 *
 * @param input - As for {@link listAccountRoles}; `maxResults` is the page size.
 * @param options - As for every operation.
 * @returns `{ ok: true, value }` with every role, or `{ ok: false, error }` with the first page's error
 *   ({@link ListAccountRolesError}). A `nextToken` seen before ends the list. Never throws.
 * @example
 * ```ts
 * import { listAllAccountRoles } from 'ssooidc/portal'
 *
 * const roles = await listAllAccountRoles({ accessToken, accountId: '123456789012' }, { region: 'us-east-1' })
 * if (roles.ok) console.log(roles.value.map((role) => role.roleName))
 * ```
 */
export function listAllAccountRoles(input: ListAccountRolesInput, options?: Options): Promise<Result<RoleInfo[], ListAccountRolesError>> {
  return allPages(listAccountRoles, input, options, (output) => output.roleList)
}

/**
 * Resolves the access portal's base URL from its endpoint rule set (`model/sso/endpoint-rule-set-1.json`):
 * `https://portal.sso.{region}.{dnsSuffix}`, FIPS `portal.sso-fips`, GovCloud's FIPS on `amazonaws.com`,
 * dual-stack, custom endpoints and the rule set's own errors.
 *
 * @param options - `region`, or a custom `endpoint`; `useFipsEndpoint` and `useDualstackEndpoint` pick the variant.
 * @returns `{ ok: true, value }` with the base URL, or `{ ok: false, error }` with an `EndpointError`. Never throws.
 * @example
 * ```ts
 * import { resolveEndpoint } from 'ssooidc/portal'
 *
 * const url = resolveEndpoint({ region: 'eu-west-1' })
 * if (url.ok) console.log(url.value) // https://portal.sso.eu-west-1.amazonaws.com
 * ```
 */
export function resolveEndpoint(options: EndpointOptions): Result<string, EndpointError> {
  return resolveFor(options, PORTAL.prefix)
}
