/**
 * ssooidc/node: one sign-in shared with the AWS CLI and SDKs, for Node ≥ 20. The shared config
 * (`~/.aws/config`: profiles, sso-sessions, endpoint overrides), the token cache (`~/.aws/sso/cache`), the
 * registration cache and the CLI's role-credential cache (`~/.aws/cli/cache`), byte for byte as the AWS CLI
 * reads and writes them; `signIn` as `aws sso login`; `getSsoToken` and `getProfileCredentials` as the SDKs.
 *
 * @module
 */
export { signIn } from './signin'
export type { SignInOptions, SignInPrompt, SignedInSession, SignInError } from './signin'
export { getSsoToken, getProfileCredentials } from './credentials'
export type {
  GetSsoTokenOptions,
  GetSsoTokenError,
  SsoTokenOfProfile,
  GetProfileCredentialsOptions,
  GetProfileCredentialsError,
  ProfileCredentials,
} from './credentials'
export { startCallbackServer } from './loopback'
export type { CallbackServer, CallbackOptions, AuthorizationError, SignInTimeoutError } from './loopback'
export { resolveSsoConfig, resolveConfiguredEndpoints } from './config'
export type { Env, HomeOptions, ConfigOptions, ConfiguredEndpoints, SsoConfig } from './config'
export {
  readTokenCache,
  writeTokenCache,
  tokenCacheStorage,
  listCachedTokens,
  CachedRegistration,
  readRegistrationCache,
  writeRegistrationCache,
  RoleCredentials,
  readRoleCredentialsCache,
  writeRoleCredentialsCache,
  listCachedRoleCredentials,
  deleteCacheFile,
} from './cache'
export type { CacheOptions, RegistrationFlow, TokenCacheRef, RegistrationRef, RoleCredentialsRef, CachedTokenFile } from './cache'
export type {
  ProfileNotFoundError,
  NotSsoProfileError,
  SsoSessionNotFoundError,
  MissingSsoConfigError,
  InconsistentSsoConfigError,
  ServicesSectionNotFoundError,
  SsoConfigError,
  CacheNotFoundError,
  InvalidCacheError,
  CacheReadError,
  CacheWriteError,
  CacheReadFailure,
} from './errors'
