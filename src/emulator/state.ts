/**
 * The one state an emulator's services share (SSO OIDC issues access tokens, the access portal takes them), and
 * its purge: what has expired goes as the clock passes it, so that a long-running emulator does not grow without bound.
 *
 * @module
 * @internal
 */
import type { EmulatorAccount, EmulatorCredentials } from './index'

/** The options of `createEmulator` with their defaults applied; see `EmulatorOptions` for each. */
export interface Settings {
  readonly region: string
  readonly clock: () => number
  readonly interval: number
  readonly deviceCodeExpiresIn: number
  readonly accessTokenExpiresIn: number
  readonly legacyAccessTokenExpiresIn: number
  readonly clientSecretExpiresIn: number
  readonly refreshTokenExpiresIn: number
  readonly rotateRefreshTokens: boolean
  readonly authorizationCodeExpiresIn: number
  readonly autoApproveAfter: number | undefined
  readonly iamCredentials: readonly EmulatorCredentials[] | undefined
  readonly accounts: readonly EmulatorAccount[]
  readonly roleCredentialsExpiresIn: number
  readonly portalRequestsPerSecond: number | undefined
}

/** A registered client. */
export interface Client {
  secret: string
  secretExpiresAt: number // epoch seconds
  grantTypes: readonly string[] | undefined
  redirectUris: readonly string[]
  scopes: readonly string[] | undefined
  issuerUrl: string | undefined
}

/** A device code of StartDeviceAuthorization, and where the user's decision stands. */
export interface DeviceCode {
  clientId: string
  userCode: string
  issuedAt: number // ms
  expiresAt: number // ms
  interval: number // s
  lastPoll: number | undefined // ms
  status: 'pending' | 'approved' | 'denied' | 'redeemed'
  scopes: readonly string[] | undefined
}

/** An authorization code of GET /authorize, with what its redemption must match. */
export interface AuthorizationCode {
  clientId: string
  redirectUri: string
  challenge: string
  scopes: readonly string[] | undefined
  expiresAt: number // ms
}

/** What a grant gives tokens for: a client and scopes (and, for a refresh token, its expiry). */
export interface Grant {
  clientId: string
  scopes: readonly string[] | undefined
  expiresAt?: number // ms; refresh tokens only
}

/** An access token: valid until `expiresAt` (or Logout, which deletes it), and its access portal request count. */
export interface AccessToken {
  expiresAt: number // ms
  /** When its current one-second window of access portal requests began (ms), and how many it has had in it. */
  windowStart: number
  requests: number
}

/** Everything an emulator holds. Handlers take it as their first argument. */
export interface State {
  readonly settings: Settings
  readonly clients: Map<string, Client>
  /** Device codes by device code, and the same by normalized user code. */
  readonly devices: Map<string, DeviceCode>
  readonly userCodes: Map<string, DeviceCode>
  readonly codes: Map<string, AuthorizationCode>
  readonly refreshTokens: Map<string, Grant>
  /** Access tokens from CreateToken and CreateTokenWithIAM: bearer tokens of the access portal, subjects of token exchange. */
  readonly accessTokens: Map<string, AccessToken>
  /** Clock time of the last purge. */
  purgedAt: number
  /** The key that seals the access portal's page tokens, made on first use. */
  pageKey: Promise<CryptoKey> | undefined
}

/** A fresh, empty state. */
export const createState = (settings: Settings): State => ({
  settings,
  clients: new Map(),
  devices: new Map(),
  userCodes: new Map(),
  codes: new Map(),
  refreshTokens: new Map(),
  accessTokens: new Map(),
  purgedAt: -Infinity,
  pageKey: undefined,
})

/** A user code as the emulator keys it: upper case, letters only (the user may type `pmpjvzcj`). */
export const normalizeUserCode = (code: string): string => code.toUpperCase().replace(/[^A-Z]/g, '')

/**
 * Drops what has expired, at most once a second of clock time: every map stays as small as what is live. A device
 * code is kept an hour past its expiry, so that a late poll still gets ExpiredTokenException, as from the service.
 * Logged-out access tokens are not here: Logout deletes them at once.
 */
export function purge(state: State): void {
  const now = state.settings.clock()
  if (now - state.purgedAt < 1000) return
  state.purgedAt = now
  for (const [id, client] of state.clients) if (now >= client.secretExpiresAt * 1000) state.clients.delete(id)
  for (const [code, device] of state.devices) {
    if (now >= device.expiresAt + 3600_000) state.devices.delete(code), state.userCodes.delete(normalizeUserCode(device.userCode))
  }
  for (const [code, issued] of state.codes) if (now >= issued.expiresAt) state.codes.delete(code)
  for (const [token, issued] of state.accessTokens) if (now >= issued.expiresAt) state.accessTokens.delete(token)
  for (const [token, grant] of state.refreshTokens) if (now >= grant.expiresAt!) state.refreshTokens.delete(token)
}
