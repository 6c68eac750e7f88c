/**
 * A token and role credentials the way every AWS tool on the machine gets them: shared config → the token cache
 * (`~/.aws/sso/cache`) → a refresh when needed, written back for the AWS CLI and SDKs → the access portal, with the
 * CLI's role-credential cache (`~/.aws/cli/cache`).
 *
 * @module
 */
import { getRoleCredentials, type GetRoleCredentialsError } from '../portal/operations'
import { guarded, type Result, type ValidationError } from '../errors'
import { createTokenProvider, type SsoToken, type TokenProviderError } from '../sessions'
import type { Options } from '../request'
import {
  isRoleCredentialsUsable,
  readRoleCredentialsCache,
  tokenCacheStorage,
  writeRoleCredentialsCache,
  type RoleCredentials,
} from './cache'
import { missingError, resolveSsoConfig, type ConfigOptions, type SsoConfig } from './config'
import type { CacheWriteError, MissingSsoConfigError, SsoConfigError } from './errors'

/** The options of every operation among a Node function's options (the endpoint and region come from the config). */
export const callOptions = (options: Options): Options => {
  const { fetch, signal, timeout, retry, headers, useFipsEndpoint, useDualstackEndpoint } = options
  const call: Options = { fetch, signal, timeout, retry, headers, useFipsEndpoint, useDualstackEndpoint }
  for (const key in call) if (call[key as keyof Options] === undefined) delete call[key as keyof Options]
  return call
}

/** Options of {@link getSsoToken}: which profile or sso-session, where the files are, and those of every operation. */
export interface GetSsoTokenOptions extends ConfigOptions, Omit<Options, 'region' | 'endpoint'> {
  /** Refresh when this many seconds or fewer are left. Default `300`, as the JS SDK. */
  window?: number | undefined
  /** Refresh now, however long the token has left. */
  forceRefresh?: boolean | undefined
}

/** The error union of {@link getSsoToken}: the config's, and the token provider's. */
export type GetSsoTokenError = SsoConfigError | TokenProviderError | ValidationError

/** A token for a profile or sso-session, and the configuration it was found by. */
export interface SsoTokenOfProfile {
  /** The token-cache record: `accessToken`, `expiresAt`, and the rest. */
  readonly token: SsoToken
  readonly config: SsoConfig
}

/**
 * Gets a valid access token for a profile or an sso-session, as the AWS SDKs do and sharing their files: the shared
 * config names the sso-session; the token comes from `~/.aws/sso/cache`, where `aws sso login` (or `signIn`) put
 * it; inside its window it is refreshed (CreateToken `refresh_token`, in `sso_region`, at the configured
 * `AWS_ENDPOINT_URL_SSO_OIDC` or `[services]` endpoint) and written back atomically, so the AWS CLI, the SDKs and
 * other processes see the new one. Several processes refreshing at once end with one valid file.
 *
 * @param options - `profile` (else `AWS_PROFILE`, else `default`) or `ssoSession`; `env`, `home`, `configFile` for
 *   other files than the user's; `window`, `forceRefresh`, and the options of every operation.
 * @returns `{ ok: true, value }` with the `token` record and the resolved `config`, or `{ ok: false, error }`: a
 *   config error (`ProfileNotFoundError`, `SsoSessionNotFoundError`, `MissingSsoConfigError`, …), `NoSessionError`
 *   (never signed in: sign in), `CorruptSessionError`, `StoreError`, `SessionExpiredError` (sign in again), or the
 *   CreateToken error that ended a refresh. Never throws.
 * @example
 * ```ts
 * import { getSsoToken } from 'ssooidc/node'
 *
 * const result = await getSsoToken({ profile: 'dev' })
 * if (result.ok) console.log('valid until', result.value.token.expiresAt)
 * else if (result.error.name === 'NoSessionError' || result.error.name === 'SessionExpiredError') console.log('run: ssooidc login --profile dev')
 * ```
 */
export function getSsoToken(options: GetSsoTokenOptions = {}): Promise<Result<SsoTokenOfProfile, GetSsoTokenError>> {
  return guarded(() => tokenOf(options))
}

async function tokenOf(options: GetSsoTokenOptions): Promise<Result<SsoTokenOfProfile, GetSsoTokenError>> {
  const config = await resolveSsoConfig(options)
  return config.ok ? tokenFor(config.value, options) : config
}

/** The token of a resolved config: from its cache file, refreshed there when needed. */
async function tokenFor(config: SsoConfig, options: GetSsoTokenOptions): Promise<Result<SsoTokenOfProfile, GetSsoTokenError>> {
  const { sessionName, startUrl, region, endpoints } = config
  const getToken = createTokenProvider({
    ...callOptions(options),
    storage: tokenCacheStorage({ env: options.env, home: options.home }),
    key: sessionName ?? startUrl,
    region,
    window: options.window,
    ...(endpoints.oidcEndpoint && { endpoint: endpoints.oidcEndpoint }),
  })
  const token = await getToken({ forceRefresh: options.forceRefresh, signal: options.signal })
  return token.ok ? { ok: true, value: { token: token.value, config } } : token
}

/** Options of {@link getProfileCredentials}: those of {@link getSsoToken}, and a role other than the profile's. */
export interface GetProfileCredentialsOptions extends GetSsoTokenOptions {
  /** The account, over the profile's `sso_account_id`. */
  accountId?: string | undefined
  /** The role, over the profile's `sso_role_name`. */
  roleName?: string | undefined
}

/** AWS credentials for a profile's role, as `credential_process` and the SDKs want them. */
export interface ProfileCredentials extends RoleCredentials {
  /** The account of the role (`sso_account_id`). */
  readonly accountId: string
  /** Whether they came from the role-credential cache (`~/.aws/cli/cache`) rather than the portal. */
  readonly cached: boolean
}

/** The error union of {@link getProfileCredentials}. */
export type GetProfileCredentialsError = GetSsoTokenError | GetRoleCredentialsError | MissingSsoConfigError | CacheWriteError

/**
 * Gets temporary AWS credentials for a profile's role (`sso_account_id`, `sso_role_name`), as the AWS CLI's SSO
 * credential provider does: from its role-credential cache (`~/.aws/cli/cache`, its key, `"ProviderType": "sso"`)
 * while more than 15 minutes are left; else with a valid token ({@link getSsoToken}) from the access portal's
 * GetRoleCredentials (in `sso_region`, at the configured `AWS_ENDPOINT_URL_SSO` or `[services]` endpoint), then
 * written to that cache for the CLI and for the next call.
 *
 * @param options - As for {@link getSsoToken}, plus `accountId` and `roleName` for another role than the profile's.
 * @returns `{ ok: true, value }` with `accessKeyId`, `secretAccessKey`, `sessionToken`, `expiration` (epoch ms),
 *   `accountId` and `cached`, or `{ ok: false, error }`: `MissingSsoConfigError` for a profile without
 *   `sso_account_id`/`sso_role_name`, the errors of {@link getSsoToken}, GetRoleCredentials' errors
 *   (`UnauthorizedException`: sign in again; `ResourceNotFoundException`: no such assignment), or a
 *   `CacheWriteError`. Never throws.
 * @example
 * ```ts
 * import { getProfileCredentials } from 'ssooidc/node'
 *
 * const credentials = await getProfileCredentials({ profile: 'dev' })
 * if (credentials.ok) console.log(credentials.value.accessKeyId, new Date(credentials.value.expiration))
 * ```
 */
export function getProfileCredentials(options: GetProfileCredentialsOptions = {}): Promise<Result<ProfileCredentials, GetProfileCredentialsError>> {
  return guarded(() => credentialsOf(options))
}

async function credentialsOf(options: GetProfileCredentialsOptions): Promise<Result<ProfileCredentials, GetProfileCredentialsError>> {
  const config = await resolveSsoConfig(options)
  if (!config.ok) return config
  const { sessionName, startUrl, region, endpoints } = config.value
  const accountId = options.accountId ?? config.value.accountId
  const roleName = options.roleName ?? config.value.roleName
  if (!accountId || !roleName) {
    return missingError([...(accountId ? [] : ['sso_account_id']), ...(roleName ? [] : ['sso_role_name'])], false)
  }
  const files = { env: options.env, home: options.home }
  const ref = { accountId, roleName, sessionName, startUrl }
  const cached = await readRoleCredentialsCache(ref, files)
  if (cached.ok && !options.forceRefresh && isRoleCredentialsUsable(cached.value)) {
    return { ok: true, value: { ...cached.value, accountId, cached: true } }
  }
  const token = await tokenFor(config.value, options)
  if (!token.ok) return token
  const role = await getRoleCredentials(
    { accessToken: token.value.token.accessToken, accountId, roleName },
    { ...callOptions(options), region, ...(endpoints.portalEndpoint && { endpoint: endpoints.portalEndpoint }) },
  )
  if (!role.ok) return role
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = role.value.roleCredentials ?? {}
  if (!accessKeyId || !secretAccessKey || !sessionToken || expiration === undefined) {
    const message = 'GetRoleCredentials answered without accessKeyId, secretAccessKey, sessionToken or expiration'
    return { ok: false, error: { name: 'InvalidResponseError', message, status: 200, requestId: undefined, issues: [] } }
  }
  const credentials = { accessKeyId, secretAccessKey, sessionToken, expiration }
  const written = await writeRoleCredentialsCache(ref, credentials, files)
  if (!written.ok && written.error.name === 'CacheWriteError') return written
  return { ok: true, value: { ...credentials, accountId, cached: false } }
}
