/**
 * ssooidc: the AWS IAM Identity Center OIDC API (service id "SSO OIDC") as pure async functions that never
 * throw and return typed Results. Runs wherever `fetch` runs.
 *
 * @module
 */
export { registerClient, startDeviceAuthorization, createToken, createTokenWithIAM } from './operations'
export type {
  RegisterClientError,
  StartDeviceAuthorizationError,
  CreateTokenError,
  CreateTokenWithIAMError,
  IamOptions,
} from './operations'
export { pollToken, createPkce, authorizeUrl } from './flows'
export type { PollTokenInput, PollTokenOptions, PendingInfo, AuthorizeUrlInput } from './flows'
export { SsoToken, toSsoToken, refreshSession, createTokenProvider } from './sessions'
export type {
  SignedIn,
  NotRefreshedReason,
  SessionExpiredError,
  RefreshedSession,
  RefreshSessionError,
  SessionOptions,
  TokenStorage,
  TokenProviderOptions,
  GetTokenOptions,
  NoSessionError,
  CorruptSessionError,
  StoreError,
  TokenProviderError,
  TokenProvider,
} from './sessions'
export { resolveEndpoint } from './endpoint'
export type { EndpointOptions } from './endpoint'
export type { Options, Fetch } from './request'
export type { CredentialsOption } from './sigv4'
export type {
  Result,
  ErrorOf,
  ExceptionName,
  ServiceException,
  UnknownServiceError,
  ValidationError,
  ValidationIssue,
  EndpointError,
  NetworkError,
  TimeoutError,
  AbortError,
  InvalidResponseError,
  CredentialsError,
  CallError,
} from './errors'
export {
  RegisterClientInput,
  RegisterClientOutput,
  StartDeviceAuthorizationInput,
  StartDeviceAuthorizationOutput,
  CreateTokenInput,
  CreateTokenOutput,
  CreateTokenWithIAMInput,
  CreateTokenWithIAMOutput,
  Credentials,
} from './schemas'
