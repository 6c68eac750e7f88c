/**
 * The four operations of the SSO OIDC API (2019-06-10). Each declares its path, its schemas and the
 * exceptions the model lists for it, and runs the one request path in `request.ts`.
 *
 * @module
 */
import { objectOf, rawErrorType, readServiceError, text, type CallError, type CredentialsError, type Result, type ServiceException } from './errors'
import { jsonBody, send, type Operation, type Options, type Service } from './request'
import {
  CreateTokenInput,
  CreateTokenOutput,
  CreateTokenWithIAMInput,
  CreateTokenWithIAMOutput,
  RegisterClientInput,
  RegisterClientOutput,
  StartDeviceAuthorizationInput,
  StartDeviceAuthorizationOutput,
} from './schemas'
import { signIam, type CredentialsOption } from './sigv4'

/** The input members of SSO OIDC operations whose shapes model/service-2.json marks `sensitive`. */
const OIDC_SECRETS = ['clientSecret', 'refreshToken', 'codeVerifier', 'assertion', 'subjectToken']

/** The SSO OIDC service: endpoint prefix `oidc`, and its errors read as the SDKs read them (header, `code`, `__type`, OAuth code). */
export const OIDC: Service<ServiceException> = { prefix: 'oidc', read: readServiceError, secrets: OIDC_SECRETS }

/**
 * CreateTokenWithIAM's errors: CreateToken's, and InvalidRequestRegionException with its `endpoint` and `region`.
 * When the type comes only from the body's OAuth code, `invalid_request` names two exceptions: the region one is
 * the one that carries `endpoint` or `region`.
 */
const OIDC_IAM: Service<ServiceException> = {
  prefix: 'oidc',
  secrets: OIDC_SECRETS,
  read(status, headers, body, names, message) {
    const error = readServiceError(status, headers, body, names, message)
    const data = objectOf(body)
    const fromCode = error.name === 'InvalidRequestException' && !rawErrorType(headers, data) && ('endpoint' in data || 'region' in data)
    if (error.name !== 'InvalidRequestRegionException' && !fromCode) return error
    const { reason: _, ...common } = error as ServiceException<'InvalidRequestException'>
    const name = 'InvalidRequestRegionException'
    return { ...common, name, message: error.description ?? name, endpoint: text(data.endpoint), region: text(data.region) }
  },
}

// Each operation's modeled exceptions: `operations.*.errors` of model/service-2.json, in its order.
const REGISTER_CLIENT_ERRORS = [
  'InvalidRequestException',
  'InvalidScopeException',
  'InvalidClientMetadataException',
  'InternalServerException',
  'InvalidRedirectUriException',
  'UnsupportedGrantTypeException',
  'SlowDownException',
] as const

const START_DEVICE_AUTHORIZATION_ERRORS = [
  'InvalidRequestException',
  'InvalidClientException',
  'UnauthorizedClientException',
  'SlowDownException',
  'InternalServerException',
] as const

const TOKEN_ERRORS = [
  'InvalidRequestException',
  'InvalidClientException',
  'InvalidGrantException',
  'UnauthorizedClientException',
  'UnsupportedGrantTypeException',
  'InvalidScopeException',
  'AuthorizationPendingException',
  'SlowDownException',
  'AccessDeniedException',
  'ExpiredTokenException',
  'InternalServerException',
] as const

// CreateToken's, plus the region exception (marked pure, so that a bundle without the IAM operation drops it).
const TOKEN_WITH_IAM_ERRORS = /* @__PURE__ */ (TOKEN_ERRORS as readonly string[]).concat('InvalidRequestRegionException') as unknown as readonly [
  ...typeof TOKEN_ERRORS,
  'InvalidRequestRegionException',
]

/** @internal The operation as the request path (and the emulator) reads it. */
export const REGISTER_CLIENT = {
  service: OIDC,
  method: 'POST',
  bind: jsonBody,
  path: '/client/register',
  input: RegisterClientInput,
  output: RegisterClientOutput,
  errors: REGISTER_CLIENT_ERRORS,
} satisfies Operation<typeof RegisterClientInput, typeof RegisterClientOutput, ServiceException>

/** @internal The operation as the request path (and the emulator) reads it. */
export const START_DEVICE_AUTHORIZATION = {
  service: OIDC,
  method: 'POST',
  bind: jsonBody,
  path: '/device_authorization',
  input: StartDeviceAuthorizationInput,
  output: StartDeviceAuthorizationOutput,
  errors: START_DEVICE_AUTHORIZATION_ERRORS,
} satisfies Operation<typeof StartDeviceAuthorizationInput, typeof StartDeviceAuthorizationOutput, ServiceException>

/** @internal The operation as the request path (and the emulator) reads it. */
export const CREATE_TOKEN = {
  service: OIDC,
  method: 'POST',
  bind: jsonBody,
  path: '/token',
  input: CreateTokenInput,
  output: CreateTokenOutput,
  errors: TOKEN_ERRORS,
} satisfies Operation<typeof CreateTokenInput, typeof CreateTokenOutput, ServiceException>

/** @internal The operation as the request path (and the emulator) reads it. */
export const CREATE_TOKEN_WITH_IAM = {
  service: OIDC_IAM,
  method: 'POST',
  bind: signIam,
  path: '/token?aws_iam=t',
  input: CreateTokenWithIAMInput,
  output: CreateTokenWithIAMOutput,
  errors: TOKEN_WITH_IAM_ERRORS,
} satisfies Operation<typeof CreateTokenWithIAMInput, typeof CreateTokenWithIAMOutput, ServiceException, CredentialsError>

/** The error union of `registerClient`: its modeled exceptions, then the errors of any call. */
export type RegisterClientError = ServiceException<(typeof REGISTER_CLIENT_ERRORS)[number]> | CallError
/** The error union of `startDeviceAuthorization`. */
export type StartDeviceAuthorizationError = ServiceException<(typeof START_DEVICE_AUTHORIZATION_ERRORS)[number]> | CallError
/** The error union of `createToken`. */
export type CreateTokenError = ServiceException<(typeof TOKEN_ERRORS)[number]> | CallError
/** The error union of `createTokenWithIAM`; `CredentialsError` when the credentials cannot be had. */
export type CreateTokenWithIAMError = ServiceException<(typeof TOKEN_WITH_IAM_ERRORS)[number]> | CallError | CredentialsError

/** Options of `createTokenWithIAM`: those of every operation, plus the AWS credentials that sign it. */
export interface IamOptions extends Options {
  /** `{ accessKeyId, secretAccessKey, sessionToken? }`, or an async function returning them. */
  credentials: CredentialsOption
}

/**
 * Registers a client (a CLI, an IDE plugin, a web app) with IAM Identity Center: `POST /client/register`.
 *
 * @param input - `clientName` and `clientType` (`"public"`); for the authorization-code flow also `grantTypes`,
 *   `redirectUris`, `issuerUrl` (the start URL) and `scopes`.
 * @param options - Endpoint, transport and retry options; see {@link Options}.
 * @returns `{ ok: true, value }` with `clientId`, `clientSecret`, `clientIdIssuedAt`, `clientSecretExpiresAt`
 *   (epoch seconds), or `{ ok: false, error }` with a {@link RegisterClientError}: a modeled exception
 *   (`InvalidClientMetadataException`, `InvalidRedirectUriException`, …) or a call error. Never throws.
 * @see https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/API_RegisterClient.html
 * @example
 * ```ts
 * import { registerClient } from 'ssooidc'
 *
 * const client = await registerClient({ clientName: 'my-cli', clientType: 'public' }, { region: 'us-east-1' })
 * if (!client.ok) throw new Error(client.error.message)
 * const { clientId, clientSecret, clientSecretExpiresAt } = client.value
 * ```
 */
export function registerClient(
  input: RegisterClientInput,
  options?: Options,
): Promise<Result<RegisterClientOutput, RegisterClientError>> {
  return send(REGISTER_CLIENT, input, options)
}

/**
 * Starts a device sign-in (RFC 8628): `POST /device_authorization`. Show the user `verificationUri` and
 * `userCode` (or open `verificationUriComplete`), then poll `createToken` with the `deviceCode`; `pollToken` does it.
 *
 * @param input - `clientId` and `clientSecret` from `registerClient`, and the AWS access portal `startUrl`.
 * @param options - Endpoint, transport and retry options; see {@link Options}.
 * @returns `{ ok: true, value }` with `deviceCode`, `userCode`, `verificationUri`, `verificationUriComplete`,
 *   `expiresIn` and `interval` (seconds), or `{ ok: false, error }` with a {@link StartDeviceAuthorizationError}
 *   (`InvalidClientException`, `UnauthorizedClientException`, `SlowDownException`, …). Never throws.
 * @see https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/API_StartDeviceAuthorization.html
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 * @example
 * ```ts
 * import { startDeviceAuthorization } from 'ssooidc'
 *
 * const device = await startDeviceAuthorization(
 *   { clientId, clientSecret, startUrl: 'https://my-org.awsapps.com/start' },
 *   { region: 'us-east-1' },
 * )
 * if (device.ok) console.log(`Open ${device.value.verificationUri} and enter ${device.value.userCode}`)
 * ```
 */
export function startDeviceAuthorization(
  input: StartDeviceAuthorizationInput,
  options?: Options,
): Promise<Result<StartDeviceAuthorizationOutput, StartDeviceAuthorizationError>> {
  return send(START_DEVICE_AUTHORIZATION, input, options)
}

/**
 * Gets an access token: `POST /token`, with `grantType` `urn:ietf:params:oauth:grant-type:device_code`
 * (and `deviceCode`), `authorization_code` (and `code`, `redirectUri`, `codeVerifier`) or `refresh_token`
 * (and `refreshToken`).
 *
 * @param input - `clientId`, `clientSecret`, `grantType` and the grant's members.
 * @param options - Endpoint, transport and retry options; see {@link Options}.
 * @returns `{ ok: true, value }` with `accessToken`, `tokenType`, `expiresIn` (seconds), `refreshToken` and
 *   `idToken` as the grant gives them, or `{ ok: false, error }` with a {@link CreateTokenError}:
 *   `AuthorizationPendingException` and `SlowDownException` while a device sign-in is pending,
 *   `ExpiredTokenException`, `InvalidGrantException`, `AccessDeniedException`, … or a call error. Never throws.
 * @see https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/API_CreateToken.html
 * @example
 * ```ts
 * import { createToken } from 'ssooidc'
 *
 * const token = await createToken(
 *   { clientId, clientSecret, grantType: 'refresh_token', refreshToken },
 *   { region: 'us-east-1' },
 * )
 * if (token.ok) console.log(token.value.tokenType, token.value.expiresIn)
 * else if (token.error.name === 'InvalidGrantException') console.log('sign in again')
 * ```
 */
export function createToken(
  input: CreateTokenInput,
  options?: Options,
): Promise<Result<CreateTokenOutput, CreateTokenError>> {
  return send(CREATE_TOKEN, input, options)
}

/**
 * Gets an access token for a client application authenticated with IAM: `POST /token?aws_iam=t`, signed
 * with SigV4 for service `sso-oauth` in `options.region`. Grants: `authorization_code`, `refresh_token`,
 * `urn:ietf:params:oauth:grant-type:jwt-bearer` (with `assertion`) and
 * `urn:ietf:params:oauth:grant-type:token-exchange` (with `subjectToken` and `subjectTokenType`).
 *
 * @param input - `clientId` (the application ARN), `grantType` and the grant's members.
 * @param options - As for every operation, plus `credentials` (required) and `region` (required for signing).
 * @returns `{ ok: true, value }` with the tokens, `issuedTokenType`, `scope` and `awsAdditionalDetails`, or
 *   `{ ok: false, error }` with a {@link CreateTokenWithIAMError} (the CreateToken exceptions plus
 *   `InvalidRequestRegionException`, a `CredentialsError`, or a call error). Never throws.
 * @see https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/API_CreateTokenWithIAM.html
 * @example
 * ```ts
 * import { createTokenWithIAM } from 'ssooidc'
 *
 * const token = await createTokenWithIAM(
 *   {
 *     clientId: 'arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222',
 *     grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
 *     assertion: idTokenFromYourIdP,
 *   },
 *   { region: 'us-east-1', credentials: { accessKeyId, secretAccessKey, sessionToken } },
 * )
 * if (token.ok) console.log(token.value.issuedTokenType, token.value.scope)
 * ```
 */
export function createTokenWithIAM(
  input: CreateTokenWithIAMInput,
  options: IamOptions,
): Promise<Result<CreateTokenWithIAMOutput, CreateTokenWithIAMError>> {
  return send(CREATE_TOKEN_WITH_IAM, input, options)
}
