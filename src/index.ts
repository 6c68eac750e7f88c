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
/**
 * The valibot types our exported schemas are made of. valibot is bundled, not a dependency, so these types live
 * in this package: re-exported here so that a declaration file that names one of our schemas (your library's
 * `export const schema = CreateTokenInput`) can name its type, instead of failing with TS2742.
 */
export type {
  ArraySchema,
  CustomIssue,
  CustomSchema,
  ErrorMessage,
  InferInput,
  InferOutput,
  LooseObjectSchema,
  NonEmptyAction,
  ObjectSchema,
  OptionalSchema,
  SchemaWithPipe,
  StringSchema,
} from 'valibot'
