/**
 * The errors of the Node layer: shared config that does not resolve to a sign-in, and cache files that cannot be
 * read or written. Plain readonly objects discriminated on `name`, as in `../errors`; every `message` is the one
 * users know from the AWS CLI (botocore) or the AWS SDK for JavaScript where either has one, and none holds a
 * secret (a token, a client secret, a key).
 *
 * @module
 */
import type { ValidationIssue } from '../errors'

/** The profile named by `profile`, `AWS_PROFILE` or `default` is in neither the config nor the credentials file. */
export interface ProfileNotFoundError {
  readonly name: 'ProfileNotFoundError'
  /** `The config profile (<name>) could not be found` (botocore's `ProfileNotFound`). */
  readonly message: string
  readonly profile: string
}

/** The profile has none of `sso_session`, `sso_start_url`, `sso_region`, `sso_account_id`, `sso_role_name`. */
export interface NotSsoProfileError {
  readonly name: 'NotSsoProfileError'
  /** `Profile <name> is not configured with SSO credentials.` (the JS SDK's `fromSSO`). */
  readonly message: string
  readonly profile: string
}

/** `sso_session = <name>` (or the `ssoSession` option) names no `[sso-session <name>]` section. */
export interface SsoSessionNotFoundError {
  readonly name: 'SsoSessionNotFoundError'
  /** `The specified sso-session does not exist: "<name>"` (the AWS CLI). */
  readonly message: string
  readonly session: string
}

/** The sso-session (or the legacy profile) lacks `sso_start_url` or `sso_region`. */
export interface MissingSsoConfigError {
  readonly name: 'MissingSsoConfigError'
  /**
   * `Missing the following required SSO configuration values: sso_region.`, and for a legacy profile
   * `… sso_region. To make sure this profile is properly configured to use SSO, please run: aws configure sso`
   * (the AWS CLI's `aws sso login`).
   */
  readonly message: string
  /** The missing keys, in the CLI's order (`sso_start_url`, `sso_region`). */
  readonly missing: readonly string[]
}

/** A key set in both the profile and its sso-session, to different values. */
export interface InconsistentSsoConfigError {
  readonly name: 'InconsistentSsoConfigError'
  /** `The value for <key> is inconsistent between profile (<a>) and sso-session (<b>).` (botocore's SSO provider). */
  readonly message: string
  readonly key: string
}

/** `services = <name>` names no `[services <name>]` section, and no environment variable set the endpoint first. */
export interface ServicesSectionNotFoundError {
  readonly name: 'ServicesSectionNotFoundError'
  /**
   * `The profile is configured to use the services section but the "<name>" services configuration does not
   * exist.` (botocore; the JS SDK ignores the reference instead).
   */
  readonly message: string
  readonly services: string
}

/** The errors of resolving shared config to a sign-in. */
export type SsoConfigError =
  | ProfileNotFoundError
  | NotSsoProfileError
  | SsoSessionNotFoundError
  | MissingSsoConfigError
  | InconsistentSsoConfigError
  | ServicesSectionNotFoundError

/** No cache file for this key: `aws sso login` (or ours) has not written one, or it was deleted by a logout. */
export interface CacheNotFoundError {
  readonly name: 'CacheNotFoundError'
  /** For the token cache botocore's `Error loading SSO Token: Token for <session or URL> does not exist`. */
  readonly message: string
  readonly path: string
}

/** The cache file is there but not usable: truncated, not JSON, or without a required member. */
export interface InvalidCacheError {
  readonly name: 'InvalidCacheError'
  /** For the token cache botocore's `Error loading SSO Token: Token for <session or URL> is invalid`. */
  readonly message: string
  readonly path: string
  /** What is wrong, never a value: `{ path: '', message: 'not JSON (truncated or corrupt)' }`, `{ path: 'accessToken', message: 'is required' }`. */
  readonly issues: readonly ValidationIssue[]
}

/** The file system refused a read or a listing (permissions, a directory in the file's place, …). */
export interface CacheReadError {
  readonly name: 'CacheReadError'
  /** `Could not read <path>: <the system's message>`. */
  readonly message: string
  readonly path: string
  /** The system error code, such as `EACCES`, when there is one. */
  readonly code: string | undefined
}

/** A cache file or its directory could not be written, or a file deleted; the target is left as it was. */
export interface CacheWriteError {
  readonly name: 'CacheWriteError'
  /** `Could not write <path>: <the system's message>` (or `delete`). */
  readonly message: string
  readonly path: string
  readonly code: string | undefined
}

/** The errors of reading one cache file. */
export type CacheReadFailure = CacheNotFoundError | InvalidCacheError | CacheReadError

