/**
 * A local emulator of IAM Identity Center: the SSO OIDC service (the four operations, GET /authorize, the
 * device-code, authorization code (PKCE), refresh and IAM grants) and the AWS access portal (GetRoleCredentials,
 * ListAccounts, ListAccountRoles, Logout, taking the access tokens the OIDC side issues), with each service's wire
 * form (statuses, `x-amzn-ErrorType`, error bodies) and honest state (secrets, expiry, one-time codes, rotation,
 * polling interval, logout). Runtime-neutral: WebCrypto, `Request`/`Response` and aws4fetch only, so it runs in
 * Node, workers, Deno, Bun and browsers.
 *
 * @module
 */
import type { Fetch } from '../request'
import { authorize, oidcRoutes, pending } from './oidc'
import { portalRoutes } from './portal'
import { createState, normalizeUserCode, purge, type Settings } from './state'
import { empty, json, Refusal, type Route } from './wire'

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
  /**
   * The accounts assigned to the signed-in user, in the access portal's order, each with the roles (permission sets)
   * the user may take there. Default: two accounts, `111122223333` ("Production": AdministratorAccess, ReadOnlyAccess)
   * and `444455556666` ("Development": AdministratorAccess, PowerUserAccess, ReadOnlyAccess).
   */
  accounts?: readonly EmulatorAccount[] | undefined
  /** Lifetime of the role credentials of GetRoleCredentials (their `expiration` is clock time plus this). Default `3600`. */
  roleCredentialsExpiresIn?: number | undefined
  /**
   * How many access portal requests an access token may make per second of clock time; beyond that,
   * TooManyRequestsException (HTTP 429) until the next second. Off by default.
   */
  portalRequestsPerSecond?: number | undefined
}

/** An AWS account assigned to the user in the access portal (an entry of {@link EmulatorOptions.accounts}). */
export interface EmulatorAccount {
  /** The 12-digit account ID, such as `"111122223333"`. */
  accountId: string
  /** Its display name. */
  accountName: string
  /** Its root email address. */
  emailAddress: string
  /** The roles (permission set names) the user may take in it, such as `"ReadOnlyAccess"`. */
  roles: readonly string[]
}

/** An emulated IAM Identity Center (SSO OIDC and the access portal): its `fetch`, and the user's side of the device flow. */
export interface Emulator {
  /**
   * A drop-in `fetch` that answers as the services do, whatever the URL's host (SSO OIDC's paths and the access
   * portal's do not overlap); pass it as the library's `fetch` option.
   */
  readonly fetch: Fetch
  /** Plays the user approving `userCode` in the browser; `false` if unknown, expired or no longer pending. */
  approve(userCode: string): boolean
  /** Plays the user refusing `userCode`; `false` if unknown, expired or no longer pending. */
  deny(userCode: string): boolean
  /**
   * How much state the emulator holds, by kind. Expired state (clients, device codes, authorization codes, access
   * and refresh tokens) is purged as the clock passes it, so a long-running emulator does not grow without bound;
   * an access token logged out of the access portal is dropped at once.
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

/** The default of {@link EmulatorOptions.accounts}: two accounts (AWS's documentation IDs) with the common permission sets. */
const DEFAULT_ACCOUNTS: readonly EmulatorAccount[] = [
  { accountId: '111122223333', accountName: 'Production', emailAddress: 'aws-production@example.com', roles: ['AdministratorAccess', 'ReadOnlyAccess'] },
  {
    accountId: '444455556666',
    accountName: 'Development',
    emailAddress: 'aws-development@example.com',
    roles: ['AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess'],
  },
]

/**
 * Creates an emulator of the SSO OIDC service and the AWS access portal, with its own state (clients, device codes,
 * authorization codes, tokens) shared by both: an access token from CreateToken or CreateTokenWithIAM is the
 * portal's bearer token until it expires or is logged out. Use its `fetch` in process, or serve it over HTTP with
 * `listen` from `ssooidc/emulator/node`.
 *
 * @param options - Region, clock, lifetimes, polling interval, auto-approval, IAM credentials, and the access
 *   portal's accounts and limits; see {@link EmulatorOptions}.
 * @returns An {@link Emulator}: `fetch`, `approve(userCode)` and `deny(userCode)`. Nothing throws: every failure is
 *   an HTTP answer in the service's wire form.
 * @see https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/Welcome.html
 * @see https://docs.aws.amazon.com/singlesignon/latest/PortalAPIReference/Welcome.html
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
  const settings: Settings = {
    region: options.region ?? 'us-east-1',
    clock: options.clock ?? Date.now,
    interval: options.interval ?? 1,
    deviceCodeExpiresIn: options.deviceCodeExpiresIn ?? 600,
    accessTokenExpiresIn: options.accessTokenExpiresIn ?? 3600,
    legacyAccessTokenExpiresIn: options.legacyAccessTokenExpiresIn ?? 28800,
    clientSecretExpiresIn: options.clientSecretExpiresIn ?? 90 * 24 * 3600,
    authorizationCodeExpiresIn: options.authorizationCodeExpiresIn ?? 300,
    refreshTokenExpiresIn: options.refreshTokenExpiresIn ?? 90 * 24 * 3600,
    rotateRefreshTokens: options.rotateRefreshTokens ?? true,
    autoApproveAfter: options.autoApproveAfter,
    iamCredentials: options.iamCredentials,
    // A copy: the caller's list may change after this without changing the emulator's.
    accounts: (options.accounts ?? DEFAULT_ACCOUNTS).map((account) => ({ ...account, roles: [...account.roles] })),
    roleCredentialsExpiresIn: options.roleCredentialsExpiresIn ?? 3600,
    portalRequestsPerSecond: options.portalRequestsPerSecond,
  }
  const state = createState(settings)
  // Both services' operations by `METHOD path`; their paths do not overlap.
  const routes: Record<string, Route> = { ...oidcRoutes(state), ...portalRoutes(state) }

  async function fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    purge(state)
    const request = new Request(input, init)
    const url = new URL(request.url)
    if (request.method === 'GET' && url.pathname === '/authorize') return authorize(state, url.searchParams)
    const iam = url.pathname === '/token' && url.searchParams.get('aws_iam') === 't'
    const route = routes[`${request.method} ${url.pathname}${iam ? '?aws_iam=t' : ''}`]
    if (!route) return json(404, { message: `No operation at ${request.method} ${url.pathname}` })
    try {
      const output = await route.handle(request, url)
      return output === undefined ? empty() : json(200, output)
    } catch (error) {
      // Only the exceptions the model lists for the operation go out; anything else is a fault of ours.
      return error instanceof Refusal && route.errors.includes(error.name) ? route.wire.error(error) : route.wire.fault()
    }
  }

  function decide(status: 'approved' | 'denied') {
    return (code: string): boolean => {
      if (typeof code !== 'string') return false
      const device = state.userCodes.get(normalizeUserCode(code))
      if (!device || !pending(state, device)) return false
      device.status = status
      return true
    }
  }

  const stats = (): EmulatorStats => (
    purge(state),
    {
      clients: state.clients.size,
      deviceCodes: state.devices.size,
      authorizationCodes: state.codes.size,
      accessTokens: state.accessTokens.size,
      refreshTokens: state.refreshTokens.size,
    }
  )

  return { fetch, approve: decide('approved'), deny: decide('denied'), stats }
}
