/**
 * Valibot schemas for every input and output of the SSO OIDC API, member for member as in the service
 * model (`model/service-2.json`, API version 2019-06-10), camelCase exactly as on the wire.
 *
 * Inputs are checked before anything is sent, outputs before they are returned; every output member is optional
 * in the model. On both, members the model does not know are dropped, as the AWS SDK does: a new service field
 * never breaks a caller, and the types name exactly the model's members, so `out.acessToken` does not compile.
 * A member a response sends as `null` is absent, as the SDK reads it.
 *
 * @module
 */
import * as v from 'valibot'

// Every call at the top level is marked pure, nested calls included: esbuild does not honour valibot's own
// `@__NO_SIDE_EFFECTS__` across modules, and without the marks every schema here lands in every bundle.
/** @internal A string; the access portal's schemas (src/portal/operations.ts) are built of these too. */
export const str = /* @__PURE__ */ v.string()
/** @internal An optional string. */
export const ostr = /* @__PURE__ */ v.optional(str)
const strings = /* @__PURE__ */ v.optional(/* @__PURE__ */ v.array(str))
// An integer as one check: `pipe(number(), integer())` costs three valibot functions in every bundle.
/** @internal An optional integer (the model's `long` and `integer`). */
export const int = /* @__PURE__ */ v.optional(/* @__PURE__ */ v.custom<number>(Number.isInteger, 'expected integer'))
const nonEmpty = /* @__PURE__ */ v.pipe(str, /* @__PURE__ */ v.nonEmpty())

/** Input of `registerClient` (the model's `RegisterClientRequest`). */
export const RegisterClientInput = /* @__PURE__ */ v.object({
  clientName: str,
  clientType: str,
  scopes: strings,
  redirectUris: strings,
  grantTypes: strings,
  issuerUrl: ostr,
  entitledApplicationArn: ostr,
})

/** Output of `registerClient` (the model's `RegisterClientResponse`); `clientIdIssuedAt` and `clientSecretExpiresAt` are epoch seconds. */
export const RegisterClientOutput = /* @__PURE__ */ v.object({
  clientId: ostr,
  clientSecret: ostr,
  clientIdIssuedAt: int,
  clientSecretExpiresAt: int,
  authorizationEndpoint: ostr,
  tokenEndpoint: ostr,
})

/** Input of `startDeviceAuthorization` (the model's `StartDeviceAuthorizationRequest`). */
export const StartDeviceAuthorizationInput = /* @__PURE__ */ v.object({
  clientId: str,
  clientSecret: str,
  startUrl: str,
})

/** Output of `startDeviceAuthorization` (the model's `StartDeviceAuthorizationResponse`). */
export const StartDeviceAuthorizationOutput = /* @__PURE__ */ v.object({
  deviceCode: ostr,
  userCode: ostr,
  verificationUri: ostr,
  verificationUriComplete: ostr,
  expiresIn: int,
  interval: int,
})

/** Input of `createToken` (the model's `CreateTokenRequest`). */
export const CreateTokenInput = /* @__PURE__ */ v.object({
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
export const CreateTokenOutput = /* @__PURE__ */ v.object({
  accessToken: ostr,
  tokenType: ostr,
  expiresIn: int,
  refreshToken: ostr,
  idToken: ostr,
})

/** Input of `createTokenWithIAM` (the model's `CreateTokenWithIAMRequest`); `clientId` is an application ARN. */
export const CreateTokenWithIAMInput = /* @__PURE__ */ v.object({
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
export const CreateTokenWithIAMOutput = /* @__PURE__ */ v.object({
  accessToken: ostr,
  tokenType: ostr,
  expiresIn: int,
  refreshToken: ostr,
  idToken: ostr,
  issuedTokenType: ostr,
  scope: strings,
  awsAdditionalDetails: /* @__PURE__ */ v.optional(/* @__PURE__ */ v.object({ identityContext: ostr })),
})

/** AWS credentials for SigV4, as in the AWS SDK v3. */
export const Credentials = /* @__PURE__ */ v.object({
  accessKeyId: nonEmpty,
  secretAccessKey: nonEmpty,
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
