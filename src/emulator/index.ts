/**
 * A local emulator of the SSO OIDC service: the four operations, GET /authorize, the device-code, authorization
 * code (PKCE), refresh and IAM grants, with the service's wire form (statuses, `x-amzn-ErrorType`, error bodies)
 * and honest state (secrets, expiry, one-time codes, rotation, polling interval). Runtime-neutral: WebCrypto,
 * `Request`/`Response` and aws4fetch only, so it runs in Node, workers, Deno, Bun and browsers.
 *
 * @module
 */
import { AwsV4Signer } from 'aws4fetch'
import * as v from 'valibot'
import { isLoopback } from '../endpoint'
import type { ExceptionName } from '../errors'
import { base64url } from '../flows'
import { CREATE_TOKEN, CREATE_TOKEN_WITH_IAM, REGISTER_CLIENT, START_DEVICE_AUTHORIZATION } from '../operations'
import type { Fetch } from '../request'
import { CreateTokenInput, CreateTokenWithIAMInput, RegisterClientInput, StartDeviceAuthorizationInput } from '../schemas'

/** AWS credentials the emulator accepts on CreateTokenWithIAM. */
export interface EmulatorCredentials {
  accessKeyId: string
  secretAccessKey: string
  /** When set, the request must carry (and sign) it as `x-amz-security-token`. */
  sessionToken?: string | undefined
}

/** Options of {@link createEmulator}; all optional. Durations are in seconds unless named otherwise. */
export interface EmulatorOptions {
  /** The region the emulator plays: in `verificationUri` and in the SigV4 credential scope. Default `"us-east-1"`. */
  region?: string | undefined
  /** Returns the current time in epoch milliseconds. Default `Date.now`; pass a fake one to test expiry without waiting. */
  clock?: (() => number) | undefined
  /** Polling interval of new device codes. Default `1`; `0` turns slow-down off. */
  interval?: number | undefined
  /** Lifetime of device codes. Default `600`. */
  deviceCodeExpiresIn?: number | undefined
  /**
   * Lifetime of the access tokens of a client registered with scopes or with the `refresh_token` grant (as the
   * AWS CLI registers), and of CreateTokenWithIAM's. Default `3600`.
   */
  accessTokenExpiresIn?: number | undefined
  /** Lifetime of the access tokens of a client registered with neither scopes nor the `refresh_token` grant (a legacy profile's). Default `28800` (8 hours). */
  legacyAccessTokenExpiresIn?: number | undefined
  /** Lifetime of client secrets from RegisterClient. Default 90 days (`7776000`). */
  clientSecretExpiresIn?: number | undefined
  /** Lifetime of refresh tokens. Default 90 days (`7776000`). */
  refreshTokenExpiresIn?: number | undefined
  /**
   * Whether a refresh rotates the refresh token (a new one in the response, the old one refused from then on), as
   * the service does. Default `true`; `false` answers a refresh with no refresh token and keeps the old one working,
   * to test a client that must keep it (RFC 6749 §6).
   */
  rotateRefreshTokens?: boolean | undefined
  /** Lifetime of authorization codes from GET /authorize. Default `300`. */
  authorizationCodeExpiresIn?: number | undefined
  /** Milliseconds (of `clock` time) after which a pending device code approves itself, for demos. Off by default. */
  autoApproveAfter?: number | undefined
  /** When given, CreateTokenWithIAM signatures are verified against these; otherwise only their form is checked. */
  iamCredentials?: readonly EmulatorCredentials[] | undefined
}

/** An emulated SSO OIDC service: its `fetch`, and the user's side of the device flow. */
export interface Emulator {
  /** A drop-in `fetch` that answers as the service does, whatever the URL's host; pass it as the library's `fetch` option. */
  readonly fetch: Fetch
  /** Plays the user approving `userCode` in the browser; `false` if unknown, expired or no longer pending. */
  approve(userCode: string): boolean
  /** Plays the user refusing `userCode`; `false` if unknown, expired or no longer pending. */
  deny(userCode: string): boolean
  /**
   * How much state the emulator holds, by kind. Expired state (clients, device codes, authorization codes, access
   * and refresh tokens) is purged as the clock passes it, so a long-running emulator does not grow without bound.
   */
  stats(): EmulatorStats
}

/** Counts of what an emulator holds; see {@link Emulator.stats}. */
export interface EmulatorStats {
  readonly clients: number
  readonly deviceCodes: number
  readonly authorizationCodes: number
  readonly accessTokens: number
  readonly refreshTokens: number
}

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

/** A modeled exception on its way to the wire; thrown by the handlers, answered by `fetch`. */
class Refusal {
  constructor(
    readonly name: ExceptionName,
    readonly description: string,
  ) {}
}

function refuse(name: ExceptionName, description: string): never {
  throw new Refusal(name, description)
}

// --- encoding and randomness (WebCrypto, no Buffer) ---

const utf8 = (text: string) => new TextEncoder().encode(text)
const randomToken = (bytes = 32): string => base64url(crypto.getRandomValues(new Uint8Array(bytes)))
const sha256 = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(text)))
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')

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
const normalizeUserCode = (code: string) => code.toUpperCase().replace(/[^A-Z]/g, '')

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

/** The response every operation and error shares: JSON, with a fresh `x-amzn-RequestId`. */
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-RequestId': crypto.randomUUID(), ...headers },
  })

const errorResponse = ({ name, description }: Refusal) =>
  json(
    EXCEPTIONS[name][0],
    { error: EXCEPTIONS[name][1], error_description: description },
    { 'x-amzn-ErrorType': `${name}:${ERROR_NAMESPACE}` },
  )

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

interface Client {
  secret: string
  secretExpiresAt: number // epoch seconds
  grantTypes: readonly string[] | undefined
  redirectUris: readonly string[]
  scopes: readonly string[] | undefined
  issuerUrl: string | undefined
}
interface DeviceCode {
  clientId: string
  userCode: string
  issuedAt: number // ms
  expiresAt: number // ms
  interval: number // s
  lastPoll: number | undefined // ms
  status: 'pending' | 'approved' | 'denied' | 'redeemed'
  scopes: readonly string[] | undefined
}
interface AuthorizationCode {
  clientId: string
  redirectUri: string
  challenge: string
  scopes: readonly string[] | undefined
  expiresAt: number // ms
}
interface Grant {
  clientId: string
  scopes: readonly string[] | undefined
  expiresAt?: number // ms; refresh tokens only
}

/**
 * Creates an emulator of the SSO OIDC service, with its own state (clients, device codes, authorization codes,
 * tokens). Use its `fetch` in process, or serve it over HTTP with `listen` from `ssooidc/emulator/node`.
 *
 * @param options - Region, clock, lifetimes, polling interval, auto-approval and IAM credentials; see {@link EmulatorOptions}.
 * @returns An {@link Emulator}: `fetch`, `approve(userCode)` and `deny(userCode)`. Nothing throws: every failure is
 *   an HTTP answer in the service's wire form.
 * @see https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/Welcome.html
 * @example
 * ```ts
 * import { createToken, registerClient, startDeviceAuthorization } from 'ssooidc'
 * import { createEmulator } from 'ssooidc/emulator'
 *
 * const emulator = createEmulator({ interval: 0 })
 * const options = { region: 'us-east-1', fetch: emulator.fetch }
 * const client = await registerClient({ clientName: 'demo', clientType: 'public' }, options)
 * if (!client.ok) throw new Error(client.error.message)
 * const { clientId = '', clientSecret = '' } = client.value
 * const device = await startDeviceAuthorization({ clientId, clientSecret, startUrl: 'https://my-org.awsapps.com/start' }, options)
 * if (!device.ok) throw new Error(device.error.message)
 * emulator.approve(device.value.userCode ?? '')
 * const grantType = 'urn:ietf:params:oauth:grant-type:device_code'
 * const token = await createToken({ clientId, clientSecret, grantType, deviceCode: device.value.deviceCode ?? '' }, options)
 * ```
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const {
    region = 'us-east-1',
    clock = Date.now,
    interval = 1,
    deviceCodeExpiresIn = 600,
    accessTokenExpiresIn = 3600,
    legacyAccessTokenExpiresIn = 28800,
    clientSecretExpiresIn = 90 * 24 * 3600,
    authorizationCodeExpiresIn = 300,
    refreshTokenExpiresIn = 90 * 24 * 3600,
    rotateRefreshTokens = true,
    autoApproveAfter,
    iamCredentials,
  } = options
  const clients = new Map<string, Client>()
  const devices = new Map<string, DeviceCode>()
  const userCodes = new Map<string, DeviceCode>()
  const codes = new Map<string, AuthorizationCode>()
  const refreshTokens = new Map<string, Grant>()
  const accessTokens = new Map<string, number>() // token → expiry (ms), for token exchange

  /**
   * Drops what has expired, at most once a second of clock time: every map stays as small as what is live. A device
   * code is kept an hour past its expiry, so that a late poll still gets ExpiredTokenException, as from the service.
   */
  let purgedAt = -Infinity
  function purge(): void {
    const now = clock()
    if (now - purgedAt < 1000) return
    purgedAt = now
    for (const [id, client] of clients) if (now >= client.secretExpiresAt * 1000) clients.delete(id)
    for (const [code, device] of devices) {
      if (now >= device.expiresAt + 3600_000) devices.delete(code), userCodes.delete(normalizeUserCode(device.userCode))
    }
    for (const [code, issued] of codes) if (now >= issued.expiresAt) codes.delete(code)
    for (const [token, expiresAt] of accessTokens) if (now >= expiresAt) accessTokens.delete(token)
    for (const [token, grant] of refreshTokens) if (now >= grant.expiresAt!) refreshTokens.delete(token)
  }

  // --- state checks, each one concern ---

  function authenticate(clientId: string, clientSecret: string): Client {
    const client = clients.get(clientId)
    if (!client || client.secret !== clientSecret) refuse('InvalidClientException', 'Invalid client credentials')
    if (clock() >= client.secretExpiresAt * 1000) refuse('InvalidClientException', 'Client secret has expired')
    return client
  }

  function authorizeGrant(client: Client, grantType: string, supported: readonly string[]): void {
    if (!supported.includes(grantType)) refuse('UnsupportedGrantTypeException', `Unsupported grant type: ${grantType}`)
    if (client.grantTypes && !client.grantTypes.includes(grantType)) {
      refuse('UnauthorizedClientException', `Client is not authorized for grant type ${grantType}`)
    }
  }

  /** Applies `autoApproveAfter`, then tells whether the device code may still be decided. */
  function pending(device: DeviceCode): boolean {
    if (device.status === 'pending' && autoApproveAfter !== undefined && clock() - device.issuedAt >= autoApproveAfter) {
      device.status = 'approved'
    }
    return device.status === 'pending' && clock() < device.expiresAt
  }

  /** RFC 8628 §3.5: one poll of a device code by its client. */
  function redeemDevice(clientId: string, deviceCode: string | undefined): Grant {
    if (!deviceCode) refuse('InvalidRequestException', 'deviceCode is required for this grant type')
    const device = devices.get(deviceCode)
    if (!device || device.clientId !== clientId) refuse('InvalidGrantException', 'Invalid device code provided')
    if (device.status === 'redeemed') refuse('InvalidGrantException', 'Device code has already been used')
    const now = clock()
    if (now >= device.expiresAt) refuse('ExpiredTokenException', 'Device code has expired')
    const early = device.lastPoll !== undefined && now - device.lastPoll < device.interval * 1000
    device.lastPoll = now
    if (early) {
      device.interval += 5
      refuse('SlowDownException', 'Client is polling too frequently')
    }
    pending(device)
    if (device.status === 'denied') refuse('AccessDeniedException', 'The user denied the authorization request')
    if (device.status === 'pending') refuse('AuthorizationPendingException', 'Authorization is still pending')
    device.status = 'redeemed'
    return device
  }

  /** An authorization code, once, by the client it was issued to, with its redirect URI and PKCE verifier. */
  async function redeemCode(
    clientId: string,
    { code, redirectUri, codeVerifier }: { code?: string | undefined; redirectUri?: string | undefined; codeVerifier?: string | undefined },
  ): Promise<Grant> {
    if (!code) refuse('InvalidRequestException', 'code is required for this grant type')
    const issued = codes.get(code)
    if (!issued || issued.clientId !== clientId) refuse('InvalidGrantException', 'Invalid authorization code provided')
    codes.delete(code)
    if (clock() >= issued.expiresAt) refuse('InvalidGrantException', 'Authorization code has expired')
    if (redirectUri !== issued.redirectUri) refuse('InvalidGrantException', 'redirectUri does not match the authorization request')
    if (!codeVerifier || !PKCE.test(codeVerifier) || base64url(await sha256(codeVerifier)) !== issued.challenge) {
      refuse('InvalidGrantException', 'Invalid code verifier')
    }
    return issued
  }

  /** A refresh token, by the client it was issued to, before it expires; rotated (by default): it stops working now. */
  function redeemRefresh(clientId: string, refreshToken: string | undefined): Grant {
    if (!refreshToken) refuse('InvalidRequestException', 'refreshToken is required for this grant type')
    const grant = refreshTokens.get(refreshToken)
    if (!grant || grant.clientId !== clientId) refuse('InvalidGrantException', 'Invalid refresh token provided')
    if (clock() >= grant.expiresAt!) refuse('InvalidGrantException', 'Refresh token has expired')
    if (rotateRefreshTokens) refreshTokens.delete(refreshToken)
    return grant
  }

  function issueTokens(grant: Grant, withRefreshToken: boolean, expiresIn = accessTokenExpiresIn) {
    const accessToken = `aoa${randomToken()}`
    accessTokens.set(accessToken, clock() + expiresIn * 1000)
    const refreshToken = withRefreshToken ? `aor${randomToken()}` : undefined
    if (refreshToken) refreshTokens.set(refreshToken, { ...grant, expiresAt: clock() + refreshTokenExpiresIn * 1000 })
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
  const lifetimeOf = (client: Client): number =>
    client.scopes?.length || refreshable(client) ? accessTokenExpiresIn : legacyAccessTokenExpiresIn

  /** CreateTokenWithIAM's SigV4: form, credential scope, and (with `iamCredentials`) the signature itself. */
  async function verifySignature(request: Request, body: string): Promise<void> {
    const auth = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=((?:[a-z0-9-]+;)*[a-z0-9-]+), ?Signature=([0-9a-f]{64})$/.exec(
      request.headers.get('authorization') ?? '',
    )
    const datetime = request.headers.get('x-amz-date') ?? ''
    if (!auth || !/^\d{8}T\d{6}Z$/.test(datetime) || !datetime.startsWith(auth[2]!)) {
      refuse('AccessDeniedException', 'Missing or malformed SigV4 Authorization header')
    }
    const [, accessKeyId, , scopeRegion, service, signedHeaders = '', signature] = auth
    // As AWS: a request signed more than 15 minutes away from the service's clock is refused (no replays).
    const signedAt = Date.parse(datetime.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'))
    if (!(Math.abs(clock() - signedAt) <= 15 * 60 * 1000)) refuse('AccessDeniedException', 'Signature expired: the request time is too far from the service time')
    if (scopeRegion !== region || service !== 'sso-oauth') {
      refuse('AccessDeniedException', `Credential should be scoped to region ${region} and service sso-oauth`)
    }
    if (!iamCredentials) return
    const credentials = iamCredentials.find((c) => c.accessKeyId === accessKeyId)
    if (!credentials) refuse('AccessDeniedException', 'The security token included in the request is invalid')
    const names = signedHeaders.split(';')
    const headers = new Headers(names.filter((name) => name !== 'host').map((name): [string, string] => [name, request.headers.get(name) ?? '']))
    const contentHash = headers.get('x-amz-content-sha256')
    const expected = await new AwsV4Signer({
      method: request.method,
      url: request.url,
      headers,
      body,
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      service: 'sso-oauth',
      region,
      datetime,
      allHeaders: true,
    }).signature()
    if (
      expected !== signature ||
      !names.includes('host') ||
      (contentHash !== null && contentHash !== hex(await sha256(body))) ||
      (credentials.sessionToken !== undefined && headers.get('x-amz-security-token') !== credentials.sessionToken)
    ) {
      refuse('AccessDeniedException', 'The request signature does not match')
    }
  }

  // --- the operations ---

  function registerClient(text: string) {
    const input = parseBody(RegisterClientInput, text)
    if (input.clientType !== 'public') refuse('InvalidClientMetadataException', `Invalid client type: ${input.clientType}`)
    const grant = input.grantTypes?.find((g) => !REGISTRABLE_GRANTS.includes(g))
    if (grant !== undefined) refuse('UnsupportedGrantTypeException', `Unsupported grant type: ${grant}`)
    const uri = input.redirectUris?.find((u) => !isRedirectUri(u))
    if (uri !== undefined) refuse('InvalidRedirectUriException', `Invalid redirect URI: ${uri}`)
    const scope = input.scopes?.find((s) => !/^\S+$/.test(s))
    if (scope !== undefined) refuse('InvalidScopeException', `Invalid scope: "${scope}"`)
    const clientId = randomToken(16)
    const clientIdIssuedAt = Math.floor(clock() / 1000)
    const client: Client = {
      secret: randomToken(48),
      secretExpiresAt: clientIdIssuedAt + clientSecretExpiresIn,
      grantTypes: input.grantTypes,
      redirectUris: input.redirectUris ?? [],
      scopes: input.scopes,
      issuerUrl: input.issuerUrl,
    }
    clients.set(clientId, client)
    return { clientId, clientSecret: client.secret, clientIdIssuedAt, clientSecretExpiresAt: client.secretExpiresAt }
  }

  function startDeviceAuthorization(text: string) {
    const input = parseBody(StartDeviceAuthorizationInput, text)
    const client = authenticate(input.clientId, input.clientSecret)
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
    devices.set(deviceCode, device)
    userCodes.set(normalizeUserCode(device.userCode), device)
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

  async function createToken(text: string) {
    const input = parseBody(CreateTokenInput, text)
    const client = authenticate(input.clientId, input.clientSecret)
    authorizeGrant(client, input.grantType, [GRANT.device, GRANT.code, GRANT.refresh])
    const scope = unknownScope(input.scope, client.scopes)
    if (scope) refuse('InvalidScopeException', `Invalid scope: ${scope}`)
    const refresh = input.grantType === GRANT.refresh
    const grant =
      input.grantType === GRANT.device
        ? redeemDevice(input.clientId, input.deviceCode)
        : input.grantType === GRANT.code
          ? await redeemCode(input.clientId, input)
          : redeemRefresh(input.clientId, input.refreshToken)
    // Without rotation, a refresh answers no refresh token: the client keeps the one it has.
    const withRefreshToken = refreshable(client) && (rotateRefreshTokens || !refresh)
    return issueTokens({ clientId: input.clientId, scopes: grant.scopes }, withRefreshToken, lifetimeOf(client))
  }

  async function createTokenWithIAM(text: string, request: Request) {
    await verifySignature(request, text)
    const input = parseBody(CreateTokenWithIAMInput, text)
    const { clientId, grantType } = input
    if (!APPLICATION_ARN.test(clientId)) refuse('InvalidClientException', 'clientId must be an application ARN')
    let grant: Grant = { clientId, scopes: undefined }
    let withRefreshToken = true
    if (grantType === GRANT.code) grant = await redeemCode(clientId, input)
    else if (grantType === GRANT.refresh) grant = redeemRefresh(clientId, input.refreshToken)
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
      if (!((accessTokens.get(input.subjectToken) ?? 0) > clock())) refuse('InvalidGrantException', 'Invalid or expired subjectToken')
      withRefreshToken = requested === REFRESH_TOKEN_TYPE
    } else refuse('UnsupportedGrantTypeException', `Unsupported grant type: ${grantType}`)
    const scope = input.scope ?? grant.scopes ?? ['openid', 'aws', 'sts:identity_context']
    const identityContext = randomToken(48)
    const iat = Math.floor(clock() / 1000)
    return {
      ...issueTokens({ clientId, scopes: scope }, withRefreshToken),
      idToken: jwt({ aud: clientId, sub: crypto.randomUUID(), iat, exp: iat + accessTokenExpiresIn, 'sts:identity_context': identityContext }),
      issuedTokenType: ACCESS_TOKEN_TYPE,
      scope,
      awsAdditionalDetails: { identityContext },
    }
  }

  /** GET /authorize: a signed-in user who consents. Bad client or redirect URI: a 400 page, never a redirect. */
  function authorize(query: URLSearchParams): Response {
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

  const operations: Record<string, { errors: readonly ExceptionName[]; handle: (text: string, request: Request) => unknown }> = {
    [`POST ${REGISTER_CLIENT.path}`]: { errors: REGISTER_CLIENT.errors, handle: registerClient },
    [`POST ${START_DEVICE_AUTHORIZATION.path}`]: { errors: START_DEVICE_AUTHORIZATION.errors, handle: startDeviceAuthorization },
    [`POST ${CREATE_TOKEN.path}`]: { errors: CREATE_TOKEN.errors, handle: createToken },
    [`POST ${CREATE_TOKEN_WITH_IAM.path}`]: { errors: CREATE_TOKEN_WITH_IAM.errors, handle: createTokenWithIAM },
  }

  async function fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    purge()
    const request = new Request(input, init)
    const url = new URL(request.url)
    if (request.method === 'GET' && url.pathname === '/authorize') return authorize(url.searchParams)
    const iam = url.pathname === '/token' && url.searchParams.get('aws_iam') === 't'
    const route = `${request.method} ${url.pathname}${iam ? '?aws_iam=t' : ''}`
    const operation = operations[route]
    if (!operation) return json(404, { message: `No operation at ${request.method} ${url.pathname}` })
    try {
      return json(200, await operation.handle(await request.text(), request))
    } catch (error) {
      // Only the exceptions the model lists for the operation go out; anything else is a fault of ours.
      const modeled = error instanceof Refusal && operation.errors.includes(error.name)
      return errorResponse(modeled ? error : new Refusal('InternalServerException', 'An internal error occurred'))
    }
  }

  function decide(status: 'approved' | 'denied') {
    return (code: string): boolean => {
      if (typeof code !== 'string') return false
      const device = userCodes.get(normalizeUserCode(code))
      if (!device || !pending(device)) return false
      device.status = status
      return true
    }
  }

  const stats = (): EmulatorStats => (
    purge(),
    {
      clients: clients.size,
      deviceCodes: devices.size,
      authorizationCodes: codes.size,
      accessTokens: accessTokens.size,
      refreshTokens: refreshTokens.size,
    }
  )

  return { fetch, approve: decide('approved'), deny: decide('denied'), stats }
}
