/**
 * The SSO OIDC service: its four operations (RegisterClient, StartDeviceAuthorization, CreateToken,
 * CreateTokenWithIAM), GET /authorize, and its error wire (`{error, error_description}`, WIRE.md).
 *
 * @module
 * @internal
 */
import * as v from 'valibot'
import { isLoopback } from '../endpoint'
import type { ExceptionName } from '../errors'
import { CREATE_TOKEN, CREATE_TOKEN_WITH_IAM, REGISTER_CLIENT, START_DEVICE_AUTHORIZATION } from '../operations'
import { CreateTokenInput, CreateTokenWithIAMInput, RegisterClientInput, StartDeviceAuthorizationInput } from '../schemas'
import { verifySignature } from './sigv4'
import { normalizeUserCode, type Client, type DeviceCode, type Grant, type State } from './state'
import { base64url, errorResponse, escapeHtml, randomToken, Refusal, refuser, sha256, utf8, type Refuse, type Route, type ServiceWire } from './wire'

const GRANT = {
  code: 'authorization_code',
  refresh: 'refresh_token',
  device: 'urn:ietf:params:oauth:grant-type:device_code',
  jwt: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  exchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
} as const
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'
const REFRESH_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token'
const REGISTRABLE_GRANTS: readonly string[] = [GRANT.code, GRANT.refresh, GRANT.device]
const APPLICATION_ARN = /^arn:aws[a-z-]*:sso::\d{12}:application\/[\w-]+\/[\w-]+$/
const PKCE = /^[A-Za-z0-9._~-]{43,128}$/
const ERROR_NAMESPACE = 'http://internal.amazon.com/coral/com.amazonaws.sso.oidc/'

/** Each exception's HTTP status and OAuth `error` code, as the service sends them (WIRE.md). */
const EXCEPTIONS = {
  AccessDeniedException: [400, 'access_denied'],
  AuthorizationPendingException: [400, 'authorization_pending'],
  ExpiredTokenException: [400, 'expired_token'],
  InternalServerException: [500, 'server_error'],
  InvalidClientException: [401, 'invalid_client'],
  InvalidClientMetadataException: [400, 'invalid_client_metadata'],
  InvalidGrantException: [400, 'invalid_grant'],
  InvalidRedirectUriException: [400, 'invalid_redirect_uri'],
  InvalidRequestException: [400, 'invalid_request'],
  InvalidRequestRegionException: [400, 'invalid_request'],
  InvalidScopeException: [400, 'invalid_scope'],
  SlowDownException: [400, 'slow_down'],
  UnauthorizedClientException: [400, 'unauthorized_client'],
  UnsupportedGrantTypeException: [400, 'unsupported_grant_type'],
} as const satisfies Record<ExceptionName, readonly [number, string]>

const refuse: Refuse<ExceptionName> = refuser()

/** SSO OIDC's errors: the status and OAuth code of WIRE.md's table; anything unmodeled is InternalServerException. */
const OIDC_WIRE: ServiceWire = {
  error({ name, description }) {
    const [status, error] = EXCEPTIONS[name as ExceptionName]
    return errorResponse(status, name, ERROR_NAMESPACE, { error, error_description: description })
  },
  fault: () => OIDC_WIRE.error(new Refusal('InternalServerException', 'An internal error occurred')),
}

// --- encoding and checks of the OAuth side ---

/** A user code like `PMPJ-VZCJ`: eight consonants, unbiased. */
function userCode(): string {
  const alphabet = 'BCDFGHJKLMNPQRSTVWXZ'
  let code = ''
  while (code.length < 8) {
    const [byte] = crypto.getRandomValues(new Uint8Array(1))
    if (byte! < 240) code += alphabet[byte! % alphabet.length]
  }
  return `${code.slice(0, 4)}-${code.slice(4)}`
}

/** A JWT-shaped string (three base64url parts); the emulator's id tokens are not verifiable signatures. */
const jwt = (payload: object) =>
  [{ alg: 'RS256', typ: 'JWT', kid: 'emulator' }, payload].map((part) => base64url(utf8(JSON.stringify(part)))).join('.') +
  '.' +
  randomToken(64)

const isAbsoluteUri = (uri: string) => URL.canParse(uri) && !uri.includes('#')

/**
 * A redirect URI the service would send a code to (RFC 6749 §3.1.2, RFC 8252 §7.3): absolute, no fragment, no
 * userinfo, and `https:`, or `http:` on a loopback host only. Anything else (`javascript:`, plain http to another
 * host) would hand the code to whoever reads that URL.
 */
function isRedirectUri(uri: string): boolean {
  if (!isAbsoluteUri(uri)) return false
  const url = new URL(uri)
  return !url.username && !url.password && (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname)))
}

/** RFC 8252 §7.3: a registered loopback redirect URI matches the same URI on any port. */
function redirectMatches(registered: string, given: string): boolean {
  if (registered === given) return true
  if (!URL.canParse(registered) || !URL.canParse(given)) return false
  const [a, b] = [new URL(registered), new URL(given)]
  const loopback = a.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(a.hostname)
  return loopback && a.protocol === b.protocol && a.hostname === b.hostname && a.pathname === b.pathname && a.search === b.search
}

/** The first requested scope outside `allowed` (when the client registered scopes), if any. */
const unknownScope = (requested: readonly string[] | undefined, allowed: readonly string[] | undefined) =>
  allowed && requested?.find((scope) => !allowed.includes(scope))

/** The body as `schema` (the library's input schema, from the model), or InvalidRequestException. */
function parseBody<S extends v.GenericSchema>(schema: S, text: string): v.InferOutput<S> {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    refuse('InvalidRequestException', 'The request body is not valid JSON')
  }
  const result = v.safeParse(schema, json)
  if (result.success) return result.output
  const issue = result.issues[0]
  const path = v.getDotPath(issue) ?? 'request body'
  refuse('InvalidRequestException', issue.input === undefined ? `${path} is required` : `${path} must be ${issue.expected}`)
}

// --- state checks, each one concern ---

function authenticate({ clients, settings }: State, clientId: string, clientSecret: string): Client {
  const client = clients.get(clientId)
  if (!client || client.secret !== clientSecret) refuse('InvalidClientException', 'Invalid client credentials')
  if (settings.clock() >= client.secretExpiresAt * 1000) refuse('InvalidClientException', 'Client secret has expired')
  return client
}

function authorizeGrant(client: Client, grantType: string, supported: readonly string[]): void {
  if (!supported.includes(grantType)) refuse('UnsupportedGrantTypeException', `Unsupported grant type: ${grantType}`)
  if (client.grantTypes && !client.grantTypes.includes(grantType)) {
    refuse('UnauthorizedClientException', `Client is not authorized for grant type ${grantType}`)
  }
}

/** Applies `autoApproveAfter`, then tells whether the device code may still be decided. */
export function pending({ settings: { clock, autoApproveAfter } }: State, device: DeviceCode): boolean {
  if (device.status === 'pending' && autoApproveAfter !== undefined && clock() - device.issuedAt >= autoApproveAfter) {
    device.status = 'approved'
  }
  return device.status === 'pending' && clock() < device.expiresAt
}

/** RFC 8628 §3.5: one poll of a device code by its client. */
function redeemDevice(state: State, clientId: string, deviceCode: string | undefined): Grant {
  if (!deviceCode) refuse('InvalidRequestException', 'deviceCode is required for this grant type')
  const device = state.devices.get(deviceCode)
  if (!device || device.clientId !== clientId) refuse('InvalidGrantException', 'Invalid device code provided')
  if (device.status === 'redeemed') refuse('InvalidGrantException', 'Device code has already been used')
  const now = state.settings.clock()
  if (now >= device.expiresAt) refuse('ExpiredTokenException', 'Device code has expired')
  const early = device.lastPoll !== undefined && now - device.lastPoll < device.interval * 1000
  device.lastPoll = now
  if (early) {
    device.interval += 5
    refuse('SlowDownException', 'Client is polling too frequently')
  }
  pending(state, device)
  if (device.status === 'denied') refuse('AccessDeniedException', 'The user denied the authorization request')
  if (device.status === 'pending') refuse('AuthorizationPendingException', 'Authorization is still pending')
  device.status = 'redeemed'
  return device
}

/** An authorization code, once, by the client it was issued to, with its redirect URI and PKCE verifier. */
async function redeemCode(
  { codes, settings }: State,
  clientId: string,
  { code, redirectUri, codeVerifier }: { code?: string | undefined; redirectUri?: string | undefined; codeVerifier?: string | undefined },
): Promise<Grant> {
  if (!code) refuse('InvalidRequestException', 'code is required for this grant type')
  const issued = codes.get(code)
  if (!issued || issued.clientId !== clientId) refuse('InvalidGrantException', 'Invalid authorization code provided')
  codes.delete(code)
  if (settings.clock() >= issued.expiresAt) refuse('InvalidGrantException', 'Authorization code has expired')
  if (redirectUri !== issued.redirectUri) refuse('InvalidGrantException', 'redirectUri does not match the authorization request')
  if (!codeVerifier || !PKCE.test(codeVerifier) || base64url(await sha256(codeVerifier)) !== issued.challenge) {
    refuse('InvalidGrantException', 'Invalid code verifier')
  }
  return issued
}

/** A refresh token, by the client it was issued to, before it expires; rotated (by default): it stops working now. */
function redeemRefresh({ refreshTokens, settings }: State, clientId: string, refreshToken: string | undefined): Grant {
  if (!refreshToken) refuse('InvalidRequestException', 'refreshToken is required for this grant type')
  const grant = refreshTokens.get(refreshToken)
  if (!grant || grant.clientId !== clientId) refuse('InvalidGrantException', 'Invalid refresh token provided')
  if (settings.clock() >= grant.expiresAt!) refuse('InvalidGrantException', 'Refresh token has expired')
  if (settings.rotateRefreshTokens) refreshTokens.delete(refreshToken)
  return grant
}

/** A new access token (a bearer token of the access portal from now on), and a refresh token when asked. */
function issueTokens({ accessTokens, refreshTokens, settings }: State, grant: Grant, withRefreshToken: boolean, expiresIn = settings.accessTokenExpiresIn) {
  const now = settings.clock()
  const accessToken = `aoa${randomToken()}`
  accessTokens.set(accessToken, { expiresAt: now + expiresIn * 1000, windowStart: -Infinity, requests: 0 })
  const refreshToken = withRefreshToken ? `aor${randomToken()}` : undefined
  if (refreshToken) refreshTokens.set(refreshToken, { ...grant, expiresAt: now + settings.refreshTokenExpiresIn * 1000 })
  return { accessToken, tokenType: 'Bearer', expiresIn, ...(refreshToken ? { refreshToken } : {}) }
}

/**
 * Who gets a refresh token, as the service decides (boto/boto3 issue 3768; RegisterClient: `grantTypes` "restrict
 * the token granting flows available to the client"): a client that registered a `grantTypes` list gets one only
 * if the list has `refresh_token`; one that registered none gets one if it registered scopes (the AWS CLI's device
 * flow), never if it registered neither (a legacy profile's client).
 */
const refreshable = (client: Client): boolean => (client.grantTypes ? client.grantTypes.includes(GRANT.refresh) : !!client.scopes?.length)

/** How long a client's access tokens last: an hour when it registered scopes or can refresh; 8 hours for a legacy client. */
const lifetimeOf = ({ settings }: State, client: Client): number =>
  client.scopes?.length || refreshable(client) ? settings.accessTokenExpiresIn : settings.legacyAccessTokenExpiresIn

// --- the operations ---

function registerClient({ clients, settings }: State, text: string) {
  const input = parseBody(RegisterClientInput, text)
  if (input.clientType !== 'public') refuse('InvalidClientMetadataException', `Invalid client type: ${input.clientType}`)
  const grant = input.grantTypes?.find((g) => !REGISTRABLE_GRANTS.includes(g))
  if (grant !== undefined) refuse('UnsupportedGrantTypeException', `Unsupported grant type: ${grant}`)
  const uri = input.redirectUris?.find((u) => !isRedirectUri(u))
  if (uri !== undefined) refuse('InvalidRedirectUriException', `Invalid redirect URI: ${uri}`)
  const scope = input.scopes?.find((s) => !/^\S+$/.test(s))
  if (scope !== undefined) refuse('InvalidScopeException', `Invalid scope: "${scope}"`)
  const clientId = randomToken(16)
  const clientIdIssuedAt = Math.floor(settings.clock() / 1000)
  const client: Client = {
    secret: randomToken(48),
    secretExpiresAt: clientIdIssuedAt + settings.clientSecretExpiresIn,
    grantTypes: input.grantTypes,
    redirectUris: input.redirectUris ?? [],
    scopes: input.scopes,
    issuerUrl: input.issuerUrl,
  }
  clients.set(clientId, client)
  return { clientId, clientSecret: client.secret, clientIdIssuedAt, clientSecretExpiresAt: client.secretExpiresAt }
}

function startDeviceAuthorization(state: State, text: string) {
  const { clock, deviceCodeExpiresIn, interval, region } = state.settings
  const input = parseBody(StartDeviceAuthorizationInput, text)
  const client = authenticate(state, input.clientId, input.clientSecret)
  authorizeGrant(client, GRANT.device, [GRANT.device])
  if (!isAbsoluteUri(input.startUrl)) refuse('InvalidRequestException', 'startUrl must be an absolute URL')
  const now = clock()
  const device: DeviceCode = {
    clientId: input.clientId,
    userCode: userCode(),
    issuedAt: now,
    expiresAt: now + deviceCodeExpiresIn * 1000,
    interval,
    lastPoll: undefined,
    status: 'pending',
    scopes: client.scopes,
  }
  const deviceCode = randomToken()
  state.devices.set(deviceCode, device)
  state.userCodes.set(normalizeUserCode(device.userCode), device)
  const verificationUri = `https://device.sso.${region}.amazonaws.com/`
  return {
    deviceCode,
    userCode: device.userCode,
    verificationUri,
    verificationUriComplete: `${verificationUri}?user_code=${device.userCode}`,
    expiresIn: deviceCodeExpiresIn,
    interval,
  }
}

async function createToken(state: State, text: string) {
  const input = parseBody(CreateTokenInput, text)
  const client = authenticate(state, input.clientId, input.clientSecret)
  authorizeGrant(client, input.grantType, [GRANT.device, GRANT.code, GRANT.refresh])
  const scope = unknownScope(input.scope, client.scopes)
  if (scope) refuse('InvalidScopeException', `Invalid scope: ${scope}`)
  const refresh = input.grantType === GRANT.refresh
  const grant =
    input.grantType === GRANT.device
      ? redeemDevice(state, input.clientId, input.deviceCode)
      : input.grantType === GRANT.code
        ? await redeemCode(state, input.clientId, input)
        : redeemRefresh(state, input.clientId, input.refreshToken)
  // Without rotation, a refresh answers no refresh token: the client keeps the one it has.
  const withRefreshToken = refreshable(client) && (state.settings.rotateRefreshTokens || !refresh)
  return issueTokens(state, { clientId: input.clientId, scopes: grant.scopes }, withRefreshToken, lifetimeOf(state, client))
}

async function createTokenWithIAM(state: State, text: string, request: Request) {
  const { clock, accessTokenExpiresIn } = state.settings
  await verifySignature(state.settings, request, text)
  const input = parseBody(CreateTokenWithIAMInput, text)
  const { clientId, grantType } = input
  if (!APPLICATION_ARN.test(clientId)) refuse('InvalidClientException', 'clientId must be an application ARN')
  let grant: Grant = { clientId, scopes: undefined }
  let withRefreshToken = true
  if (grantType === GRANT.code) grant = await redeemCode(state, clientId, input)
  else if (grantType === GRANT.refresh) grant = redeemRefresh(state, clientId, input.refreshToken)
  else if (grantType === GRANT.jwt) {
    if (!input.assertion) refuse('InvalidRequestException', 'assertion is required for this grant type')
    if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(input.assertion)) refuse('InvalidGrantException', 'assertion is not a JWT')
  } else if (grantType === GRANT.exchange) {
    if (!input.subjectToken) refuse('InvalidRequestException', 'subjectToken is required for this grant type')
    if (input.subjectTokenType !== ACCESS_TOKEN_TYPE) refuse('InvalidRequestException', `subjectTokenType must be ${ACCESS_TOKEN_TYPE}`)
    const requested = input.requestedTokenType ?? ACCESS_TOKEN_TYPE
    if (requested !== ACCESS_TOKEN_TYPE && requested !== REFRESH_TOKEN_TYPE) {
      refuse('InvalidRequestException', `Unsupported requestedTokenType: ${requested}`)
    }
    // A token logged out of the access portal is gone from `accessTokens`: no longer a subject either.
    if (!((state.accessTokens.get(input.subjectToken)?.expiresAt ?? 0) > clock())) refuse('InvalidGrantException', 'Invalid or expired subjectToken')
    withRefreshToken = requested === REFRESH_TOKEN_TYPE
  } else refuse('UnsupportedGrantTypeException', `Unsupported grant type: ${grantType}`)
  const scope = input.scope ?? grant.scopes ?? ['openid', 'aws', 'sts:identity_context']
  const identityContext = randomToken(48)
  const iat = Math.floor(clock() / 1000)
  return {
    ...issueTokens(state, { clientId, scopes: scope }, withRefreshToken),
    idToken: jwt({ aud: clientId, sub: crypto.randomUUID(), iat, exp: iat + accessTokenExpiresIn, 'sts:identity_context': identityContext }),
    issuedTokenType: ACCESS_TOKEN_TYPE,
    scope,
    awsAdditionalDetails: { identityContext },
  }
}

/** GET /authorize: a signed-in user who consents. Bad client or redirect URI: a 400 page, never a redirect. */
export function authorize({ clients, codes, settings: { clock, authorizationCodeExpiresIn } }: State, query: URLSearchParams): Response {
  const clientId = query.get('client_id') ?? ''
  const redirectUri = query.get('redirect_uri') ?? ''
  const client = clients.get(clientId)
  const problem = !client && !APPLICATION_ARN.test(clientId)
    ? 'Unknown client_id'
    : client && clock() >= client.secretExpiresAt * 1000
      ? 'The client registration has expired'
      : !isRedirectUri(redirectUri)
        ? 'redirect_uri must be an absolute https: URI (http: on loopback only) without userinfo or fragment'
        : client && !client.redirectUris.some((registered) => redirectMatches(registered, redirectUri)) &&
          'redirect_uri is not registered for this client'
  if (problem) {
    return new Response(`<!doctype html><title>Error</title><h1>Bad request</h1><p>${escapeHtml(problem)}</p>`, {
      status: 400,
      headers: { 'content-type': 'text/html; charset=utf-8', 'x-amzn-RequestId': crypto.randomUUID() },
    })
  }
  const location = new URL(redirectUri)
  const challenge = query.get('code_challenge') ?? ''
  const scopes = query.get('scopes')?.split(' ').filter(Boolean)
  const scope = unknownScope(scopes, client?.scopes)
  const error =
    query.get('response_type') !== 'code'
      ? ['unsupported_response_type', 'response_type must be code']
      : client?.grantTypes && !client.grantTypes.includes(GRANT.code)
        ? ['unauthorized_client', `Client is not authorized for grant type ${GRANT.code}`]
        : query.get('code_challenge_method') !== 'S256' || !/^[\w-]{43}$/.test(challenge)
          ? ['invalid_request', 'PKCE with code_challenge_method S256 is required']
          : scope
            ? ['invalid_scope', `Invalid scope: ${scope}`]
            : undefined
  if (error) {
    location.searchParams.set('error', error[0]!)
    location.searchParams.set('error_description', error[1]!)
  } else {
    const code = randomToken()
    codes.set(code, { clientId, redirectUri, challenge, scopes, expiresAt: clock() + authorizationCodeExpiresIn * 1000 })
    location.searchParams.set('code', code)
  }
  const state = query.get('state')
  if (state !== null) location.searchParams.set('state', state)
  return new Response(null, { status: 302, headers: { location: location.href, 'x-amzn-RequestId': crypto.randomUUID() } })
}

/** SSO OIDC's operations, by `METHOD path` (CreateTokenWithIAM's path has its `?aws_iam=t`), over `state`. */
export function oidcRoutes(state: State): Record<string, Route> {
  const route = (errors: readonly ExceptionName[], handle: (state: State, text: string, request: Request) => unknown): Route => ({
    errors,
    wire: OIDC_WIRE,
    handle: async (request) => handle(state, await request.text(), request),
  })
  return {
    [`POST ${REGISTER_CLIENT.path}`]: route(REGISTER_CLIENT.errors, registerClient),
    [`POST ${START_DEVICE_AUTHORIZATION.path}`]: route(START_DEVICE_AUTHORIZATION.errors, startDeviceAuthorization),
    [`POST ${CREATE_TOKEN.path}`]: route(CREATE_TOKEN.errors, createToken),
    [`POST ${CREATE_TOKEN_WITH_IAM.path}`]: route(CREATE_TOKEN_WITH_IAM.errors, createTokenWithIAM),
  }
}
