/**
 * Sessions that stay signed in: a session record in the AWS CLI's token-cache shape, a pure refresh that keeps
 * the refresh token when none comes back, and a token provider over any store that refreshes once for all its
 * callers and recovers the rotation race between holders that share the store.
 *
 * @module
 */
import * as v from 'valibot'
import { describeIssues, invalidInput, toIssues, unreadableInput, type Result, type ValidationError } from './errors'
import { CREATE_TOKEN, type CreateTokenError } from './operations'
import { collectSecrets, SECRET_KEYS, scrubber, textOf } from './redact'
import { ABORTED, abortable, retryKind, send, sleep, withDeadline, type Options } from './request'
import type { CreateTokenOutput } from './schemas'

/**
 * A date-time, read as leniently as botocore (dateutil) and the JS SDK (`new Date`) read it: RFC 3339 with or
 * without fractional seconds (botocore writes none, the JS SDK milliseconds), or anything else `Date.parse` reads.
 */
export const time = /* @__PURE__ */ v.custom<string>((t) => typeof t === 'string' && Date.parse(t) > 0, 'expected RFC 3339 date-time')
const ostr = /* @__PURE__ */ v.optional(/* @__PURE__ */ v.string())

/** The members of a session record, for {@link SsoToken} and for the checks of this module. */
const ENTRIES = {
  startUrl: ostr,
  region: ostr,
  accessToken: /* @__PURE__ */ v.string(),
  expiresAt: time,
  clientId: ostr,
  clientSecret: ostr,
  registrationExpiresAt: /* @__PURE__ */ v.optional(time),
  refreshToken: ostr,
}

/**
 * A session record in the AWS CLI's token-cache shape (`~/.aws/sso/cache/*.json`): `accessToken` and its
 * `expiresAt`, and what refreshing it takes. Unknown members are kept, so a record written by another tool
 * survives a refresh of ours.
 */
export const SsoToken = /* @__PURE__ */ v.looseObject(ENTRIES)

/** CreateToken as a refresh reads it: a response without an access token and its lifetime is an InvalidResponseError. */
const REFRESH = /* @__PURE__ */ Object.assign({}, CREATE_TOKEN, {
  output: /* @__PURE__ */ v.object({
    accessToken: /* @__PURE__ */ v.string(),
    expiresIn: /* @__PURE__ */ v.custom<number>(Number.isInteger, 'expected integer'),
    refreshToken: ostr,
  }),
})

/**
 * The same shape, checked without copying: this module checks a record with it and then uses the record itself,
 * unknown members and all (and a bundle that does not import {@link SsoToken} does without `looseObject`).
 */
const Checked = /* @__PURE__ */ v.object(ENTRIES)

/** A session record; see the {@link SsoToken} schema. */
export type SsoToken = v.InferOutput<typeof SsoToken>

/** An instant as the AWS CLI writes it: `%Y-%m-%dT%H:%M:%SZ`, UTC, whole seconds. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')

/** What {@link toSsoToken} makes a session record of. */
export interface SignedIn {
  /** The CreateToken result (its `accessToken`, `expiresIn`, and `refreshToken` if any). */
  token: CreateTokenOutput
  /** The client registration the token was got with (RegisterClient's `clientId`, `clientSecret`, `clientSecretExpiresAt`). */
  client: { clientId?: string | undefined; clientSecret?: string | undefined; clientSecretExpiresAt?: number | undefined }
  /** The AWS access portal URL signed in to. */
  startUrl: string
  /** The region of the IAM Identity Center instance. */
  region: string
}

/**
 * Makes the session record a sign-in ends with, in the AWS CLI's key order: `startUrl`, `region`, `accessToken`,
 * `expiresAt` (now + `expiresIn`), `clientId`, `clientSecret`, `registrationExpiresAt` (the client secret's
 * expiry), and `refreshToken` when the token came with one.
 *
 * @param signedIn - The CreateToken result, the client registration, the start URL and the region.
 * @param now - The current time in epoch milliseconds; `Date.now()` by default.
 * @returns `{ ok: true, value }` with the record, or `{ ok: false, error }` with a `ValidationError` when the
 *   token has no `accessToken` or `expiresIn`. Never throws.
 * @example
 * ```ts
 * import { pollToken, toSsoToken } from 'ssooidc'
 *
 * const token = await pollToken({ clientId, clientSecret, deviceCode, interval, expiresIn }, { region })
 * if (!token.ok) throw new Error(token.error.message)
 * const session = toSsoToken({ token: token.value, client: { clientId, clientSecret, clientSecretExpiresAt }, startUrl, region })
 * if (session.ok) await storage.setItem('sso-session', JSON.stringify(session.value))
 * ```
 */
export function toSsoToken(signedIn: SignedIn, now: number = Date.now()): Result<SsoToken, ValidationError> {
  try {
    const { token, client, startUrl, region } = signedIn
    const { accessToken, expiresIn, refreshToken } = token
    if (!accessToken || typeof expiresIn !== 'number') return invalidInput([{ path: 'token', message: 'expected accessToken and expiresIn' }])
    const record: Record<string, unknown> = {
      startUrl,
      region,
      accessToken,
      expiresAt: rfc3339(now + expiresIn * 1000),
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      registrationExpiresAt: client.clientSecretExpiresAt === undefined ? undefined : rfc3339(client.clientSecretExpiresAt * 1000),
      refreshToken,
    }
    for (const key in record) if (record[key] === undefined) delete record[key]
    return { ok: true, value: record as SsoToken }
  } catch {
    return unreadableInput()
  }
}

/** Why a session inside its refresh window was not refreshed. */
export type NotRefreshedReason =
  | { readonly name: 'NoRefreshToken'; readonly message: string }
  | { readonly name: 'RegistrationExpired'; readonly message: string }
  | CreateTokenError

/** The session expired and cannot be refreshed: sign in again. `reason` says why. */
export interface SessionExpiredError {
  readonly name: 'SessionExpiredError'
  readonly message: string
  /** No refresh token, an expired client registration, or the service's exception that refused the refresh. */
  readonly reason: NotRefreshedReason
}

/** What {@link refreshSession} resolves to. */
export interface RefreshedSession {
  /** The session to use: the new one when `refreshed`, else the one given. */
  readonly session: SsoToken
  readonly refreshed: boolean
  /** Why a session inside the window was not refreshed (it is still valid), for a caller to log. */
  readonly reason?: NotRefreshedReason | undefined
}

/** The error union of {@link refreshSession}. */
export type RefreshSessionError = SessionExpiredError | CreateTokenError

/** Options of {@link refreshSession}: those of every operation (`region` defaults to the record's), plus the window. */
export interface SessionOptions extends Options {
  /** Refresh when this many seconds or fewer are left. Default `300`, as the JS SDK (botocore: 900). */
  window?: number | undefined
  /** The current time in epoch milliseconds; `Date.now` by default. For tests. */
  now?: (() => number) | undefined
}

/**
 * Refreshes a session when it is within `window` seconds of expiring, as the AWS SDKs refresh the token cache, but
 * keeping the refresh token when the service returns none (RFC 6749 §6; both SDKs drop it, which ends the session
 * early). More than `window` left: the session as it is, and no request. Inside it: CreateToken with the
 * `refresh_token` grant, when the record has `refreshToken`, `clientId`, `clientSecret` and an unexpired
 * `registrationExpiresAt` (if any); the new record has the new access token, `expiresAt` = now + `expiresIn`, and
 * the new refresh token or the old one.
 *
 * @param session - A session record ({@link SsoToken}).
 * @param options - As for every operation (`region` defaults to the record's), plus `window` and `now`.
 * @returns `{ ok: true, value: { session, refreshed, reason? } }`: refreshed, or not needed, or not possible but
 *   the token is still valid (`reason` says why: `NoRefreshToken`, `RegistrationExpired`, or the CreateToken
 *   error). Or `{ ok: false, error }`: a `SessionExpiredError` when it has expired and cannot be refreshed (sign in
 *   again); the CreateToken error when an expired session's refresh failed for a reason that may pass (network,
 *   timeout, throttling, abort, endpoint); a `ValidationError` for a record that is not one. Never throws.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @example
 * ```ts
 * import { refreshSession } from 'ssooidc'
 *
 * const result = await refreshSession(session, { window: 900 })
 * if (result.ok) {
 *   if (result.value.refreshed) await storage.setItem('sso-session', JSON.stringify(result.value.session))
 *   else if (result.value.reason) console.warn('not refreshed:', result.value.reason.name)
 * } else if (result.error.name === 'SessionExpiredError') console.log('sign in again')
 * ```
 */
export async function refreshSession(
  session: SsoToken,
  options: SessionOptions = {},
): Promise<Result<RefreshedSession, RefreshSessionError>> {
  try {
    const { window = 300, now = Date.now, ...call } = options
    const checked = v.safeParse(Checked, session)
    if (!checked.success) return invalidInput(toIssues(checked.issues))
    const time = now()
    const left = Date.parse(session.expiresAt) - time
    if (left > window * 1000) return { ok: true, value: { session, refreshed: false } }
    const { refreshToken, clientId, clientSecret, registrationExpiresAt } = session
    let reason: NotRefreshedReason
    if (!refreshToken || !clientId || !clientSecret) reason = { name: 'NoRefreshToken', message: 'no refresh token' }
    else if (Date.parse(registrationExpiresAt!) <= time) reason = { name: 'RegistrationExpired', message: 'the client registration expired' }
    else {
      const token = await send(REFRESH, { clientId, clientSecret, grantType: 'refresh_token', refreshToken }, { ...call, region: call.region ?? session.region })
      if (token.ok) {
        // RFC 6749 §6: the client discards its refresh token only when a new one is issued.
        const { accessToken, expiresIn, refreshToken: rotated = refreshToken } = token.value
        return { ok: true, value: { session: { ...session, accessToken, expiresAt: rfc3339(time + expiresIn * 1000), refreshToken: rotated }, refreshed: true } }
      }
      reason = token.error
    }
    if (left > 0) return { ok: true, value: { session, refreshed: false, reason } }
    // Expired. A refusal ends the session (sign in again); a failure that may pass (network, timeout, throttling,
    // abort, endpoint, an unexpected response) is returned as is.
    const refused = /Exception$/.test(reason.name) ? !retryKind((reason as { status: number }).status, reason.name) : !/Error$/.test(reason.name)
    if (!refused) return { ok: false, error: reason as CreateTokenError }
    return { ok: false, error: { name: 'SessionExpiredError', message: `The session expired and cannot be refreshed: ${reason.message}. Sign in again.`, reason } }
  } catch {
    return unreadableInput()
  }
}

/**
 * Where a token provider keeps its session: any object with `getItem(key)` and `setItem(key, value)`, sync or
 * async: an unstorage instance (Redis, Cloudflare KV, Vercel KV, fs and memory drivers), `localStorage`, or an
 * adapter over a `Map`. Values are written as JSON text; a stored object (as unstorage reads JSON back) is read too.
 */
export interface TokenStorage {
  /** The value under `key` (JSON text, an object, or nullish for none), or a promise of it. */
  getItem(key: string): unknown
  /** Stores `value` (JSON text) under `key`; may return a promise. */
  setItem(key: string, value: string): unknown
}

/** Options of {@link createTokenProvider}: the store and key, the refresh window, and the options of every operation. */
export interface TokenProviderOptions extends Options {
  storage: TokenStorage
  /** The key of the session in the store. */
  key: string
  /** Refresh when this many seconds or fewer are left. Default `300`. */
  window?: number | undefined
}

/** Options of one `getToken` call. */
export interface GetTokenOptions {
  /** Refresh now, however long the token has left. */
  forceRefresh?: boolean | undefined
  /** Ends this caller's wait with an `AbortError`; a refresh shared with other callers goes on for them. */
  signal?: AbortSignal | undefined
}

/** Nothing is stored under the provider's key: sign in first. */
export interface NoSessionError {
  readonly name: 'NoSessionError'
  readonly message: string
}

/** What is stored under the key is not a session record (not JSON, or not the shape): sign in again. */
export interface CorruptSessionError {
  readonly name: 'CorruptSessionError'
  readonly message: string
}

/** The store's `getItem` or `setItem` failed; `message` holds the store's own (without any secret). */
export interface StoreError {
  readonly name: 'StoreError'
  readonly message: string
}

/** The error union of a token provider's `getToken`. */
export type TokenProviderError = NoSessionError | CorruptSessionError | StoreError | RefreshSessionError

/** A token provider's `getToken`: the session, refreshed when it had to be. */
export type TokenProvider = (options?: GetTokenOptions) => Promise<Result<SsoToken, TokenProviderError>>

/**
 * Creates a token provider: a `getToken` function over a session kept in `storage` under `key`, which holds the
 * session in memory and refreshes it (with {@link refreshSession}) when it is inside its window.
 *
 * - A session held in memory with more than `window` seconds left is returned with no I/O.
 * - Concurrent calls during a refresh share one CreateToken request.
 * - The rotation race: when another holder of the same store refreshed first, our refresh is refused
 *   (`InvalidGrantException`); the store is read again and the newer session used. No caller sees an error for a
 *   race another holder won.
 * - After a failed refresh while the token is still valid, it is served for 30 s before the next attempt.
 *
 * @param options - `storage` and `key`; `window`, and the options of every operation
 *   (`region` defaults to the record's; `timeout` also bounds each store call).
 * @returns `getToken(options?)`, resolving to `{ ok: true, value }` with the session record (use
 *   `value.accessToken`), or `{ ok: false, error }`: `NoSessionError` (nothing stored: sign in),
 *   `CorruptSessionError` (unreadable record: sign in), `StoreError` (the store failed), `SessionExpiredError`
 *   (expired and not refreshable: sign in), the CreateToken error that ended a refresh, or `AbortError`. A refreshed
 *   session that could not be written back is a `StoreError` (the new session is held in memory and served next).
 *   Never throws.
 * @example
 * ```ts
 * import { createTokenProvider } from 'ssooidc'
 * import { createStorage } from 'unstorage'
 * import redisDriver from 'unstorage/drivers/redis'
 *
 * const getToken = createTokenProvider({
 *   storage: createStorage({ driver: redisDriver({ url: 'redis://127.0.0.1:6379' }) }),
 *   key: 'sso:my-session',
 * })
 * const token = await getToken()
 * if (token.ok) await fetch(url, { headers: { authorization: `Bearer ${token.value.accessToken}` } })
 * else if (token.error.name === 'NoSessionError' || token.error.name === 'SessionExpiredError') console.log('sign in')
 * ```
 */
export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  let storage: TokenStorage, key: string, window: number, call: Options
  try {
    ;({ storage, key, window = 300, ...call } = options)
  } catch {
    return async () => unreadableInput()
  }
  let held: SsoToken | undefined
  let freshUntil = 0 // ms: until when `held` is served with no I/O
  let flight: Promise<Result<SsoToken, TokenProviderError>> | undefined

  /** One store call, within the `timeout` option if any (0 or `NaN` is none); its failure a StoreError that holds no secret. */
  const store = async (method: 'getItem' | 'setItem', session?: SsoToken): Promise<Result<unknown, StoreError>> => {
    try {
      return { ok: true, value: await withDeadline(() => storage[method](key, JSON.stringify(session)), undefined, call.timeout || undefined) }
    } catch (cause) {
      const secrets: string[] = []
      for (const record of [held, session]) if (record) collectSecrets(record, SECRET_KEYS, secrets)
      return { ok: false, error: { name: 'StoreError', message: scrubber(secrets)(`The store's ${method}("${key}") failed: ${textOf(cause)}`) } }
    }
  }
  const read = async (): Promise<Result<SsoToken, StoreError | NoSessionError | CorruptSessionError>> => {
    const got = await store('getItem')
    let stored = got.value
    if (stored == null) return got.ok ? { ok: false, error: { name: 'NoSessionError', message: `No session at "${key}": sign in` } } : got
    try {
      if (typeof stored === 'string') stored = JSON.parse(stored)
    } catch {}
    const checked = v.safeParse(Checked, stored)
    if (checked.success) return { ok: true, value: stored as SsoToken }
    return { ok: false, error: { name: 'CorruptSessionError', message: describeIssues(`Not a session at "${key}" (sign in again)`, toIssues(checked.issues)) } }
  }
  const load = async (force: boolean): Promise<Result<SsoToken, TokenProviderError>> => {
    let stored = await read()
    // A record that does not read may be a write in progress (unstorage's fs driver truncates, then writes): read it
    // again, for up to 0.5 s, before calling it corrupt.
    for (let tries = 10; stored.error?.name === 'CorruptSessionError' && tries--; ) stored = (await sleep(50, undefined), await read())
    if (!stored.ok) return stored
    const first = stored.value
    let result = await refreshSession(first, { ...call, window: force ? Infinity : window })
    // What ended the refresh: the reason of an unrefreshed or expired session (no other error has a `reason`).
    const reason = result.ok ? result.value.reason : ((result.error as SessionExpiredError).reason ?? result.error)
    // The rotation race: another holder refreshed with the same refresh token first. Its session is in the store,
    // or about to be: read again, for up to 2 s, and use it once it is there.
    for (let tries = 10; reason?.name === 'InvalidGrantException' && tries--; await sleep(200, undefined)) {
      stored = await read()
      if (stored.value && stored.value.accessToken !== first.accessToken) {
        // Used as it is, unless it has expired: refreshing it again would start the race again.
        result = await refreshSession(stored.value, { ...call, window: 0 })
        break
      }
    }
    if (!result.ok) return result
    // Held, and served with no I/O until `window` before it expires, but for at least 30 s (as the JS SDK waits
    // between attempts), so that neither a failing refresh nor a token that lives less than the window makes a
    // request on every call; never past its expiry.
    const session = (held = result.value.session)
    const expiry = Date.parse(session.expiresAt)
    freshUntil = Math.min(expiry, Math.max(result.value.reason ? 0 : expiry - window * 1000, Date.now() + 30_000))
    if (result.value.refreshed) {
      const wrote = await store('setItem', session)
      if (!wrote.ok) return wrote
    }
    return { ok: true, value: session }
  }

  return async (getOptions?: GetTokenOptions) => {
    try {
      const force = !!getOptions?.forceRefresh
      if (held && !force && Date.now() < freshUntil) return { ok: true, value: held }
      flight ??= load(force).finally(() => (flight = undefined))
      // The shared refresh never rejects: what ends this caller's wait is its own signal.
      return await abortable(flight, getOptions?.signal).catch(() => ({ ok: false, error: ABORTED }) as const)
    } catch {
      return unreadableInput() // options whose getters throw
    }
  }
}
