/**
 * Valibot schemas for every input and output of the SSO OIDC API, member for member as in the service
 * model (`model/service-2.json`, API version 2019-06-10), camelCase exactly as on the wire.
 *
 * Inputs are checked before anything is sent; members the model does not know are dropped, as the AWS SDK
 * does. Outputs are checked before they are returned; every output member is optional in the model, and
 * members the model does not know are kept, so a new service field never breaks a caller.
 *
 * @module
 */
import * as v from 'valibot'

// Shared members. Only valibot calls at the top level (they are marked free of side effects), so a bundler drops
// every schema an import does not reach.
const str = v.string()
const ostr = v.optional(str)
const strings = v.optional(v.array(str))
const int = v.optional(v.pipe(v.number(), v.integer()))

/** Input of `registerClient` (the model's `RegisterClientRequest`). */
export const RegisterClientInput = v.object({
  clientName: str,
  clientType: str,
  scopes: strings,
  redirectUris: strings,
  grantTypes: strings,
  issuerUrl: ostr,
  entitledApplicationArn: ostr,
})

/** Output of `registerClient` (the model's `RegisterClientResponse`); `clientIdIssuedAt` and `clientSecretExpiresAt` are epoch seconds. */
export const RegisterClientOutput = v.looseObject({
  clientId: ostr,
  clientSecret: ostr,
  clientIdIssuedAt: int,
  clientSecretExpiresAt: int,
  authorizationEndpoint: ostr,
  tokenEndpoint: ostr,
})

/** Input of `startDeviceAuthorization` (the model's `StartDeviceAuthorizationRequest`). */
export const StartDeviceAuthorizationInput = v.object({
  clientId: str,
  clientSecret: str,
  startUrl: str,
})

/** Output of `startDeviceAuthorization` (the model's `StartDeviceAuthorizationResponse`). */
export const StartDeviceAuthorizationOutput = v.looseObject({
  deviceCode: ostr,
  userCode: ostr,
  verificationUri: ostr,
  verificationUriComplete: ostr,
  expiresIn: int,
  interval: int,
})

/** Input of `createToken` (the model's `CreateTokenRequest`). */
export const CreateTokenInput = v.object({
  clientId: str,
  clientSecret: str,
  grantType: str,
  deviceCode: ostr,
  code: ostr,
  refreshToken: ostr,
  scope: strings,
  redirectUri: ostr,
  codeVerifier: ostr,
})

/** Output of `createToken` (the model's `CreateTokenResponse`). */
export const CreateTokenOutput = v.looseObject({
  accessToken: ostr,
  tokenType: ostr,
  expiresIn: int,
  refreshToken: ostr,
  idToken: ostr,
})

/** Input of `createTokenWithIAM` (the model's `CreateTokenWithIAMRequest`); `clientId` is an application ARN. */
export const CreateTokenWithIAMInput = v.object({
  clientId: str,
  grantType: str,
  code: ostr,
  refreshToken: ostr,
  assertion: ostr,
  scope: strings,
  redirectUri: ostr,
  subjectToken: ostr,
  subjectTokenType: ostr,
  requestedTokenType: ostr,
  codeVerifier: ostr,
})

/** Output of `createTokenWithIAM` (the model's `CreateTokenWithIAMResponse`). */
export const CreateTokenWithIAMOutput = v.looseObject({
  accessToken: ostr,
  tokenType: ostr,
  expiresIn: int,
  refreshToken: ostr,
  idToken: ostr,
  issuedTokenType: ostr,
  scope: strings,
  awsAdditionalDetails: v.optional(v.looseObject({ identityContext: ostr })),
})

/** AWS credentials for SigV4, as in the AWS SDK v3. */
export const Credentials = v.object({
  accessKeyId: v.pipe(str, v.nonEmpty()),
  secretAccessKey: v.pipe(str, v.nonEmpty()),
  sessionToken: ostr,
})

export type RegisterClientInput = v.InferInput<typeof RegisterClientInput>
export type RegisterClientOutput = v.InferOutput<typeof RegisterClientOutput>
export type StartDeviceAuthorizationInput = v.InferInput<typeof StartDeviceAuthorizationInput>
export type StartDeviceAuthorizationOutput = v.InferOutput<typeof StartDeviceAuthorizationOutput>
export type CreateTokenInput = v.InferInput<typeof CreateTokenInput>
export type CreateTokenOutput = v.InferOutput<typeof CreateTokenOutput>
export type CreateTokenWithIAMInput = v.InferInput<typeof CreateTokenWithIAMInput>
export type CreateTokenWithIAMOutput = v.InferOutput<typeof CreateTokenWithIAMOutput>
export type Credentials = v.InferOutput<typeof Credentials>
