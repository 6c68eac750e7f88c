/**
 * The two sign-in flows the AWS CLI v2 runs, as small functions to compose: the device poller (RFC 8628)
 * and the pieces of the authorization-code flow with PKCE (RFC 7636).
 *
 * @module
 */
import * as v from 'valibot'
import { resolveEndpoint, type EndpointOptions } from './endpoint'
import { guarded, invalidInput, toIssues, unreadableInput, type EndpointError, type Result, type ValidationError } from './errors'
import { createToken, type CreateTokenError } from './operations'
import { ABORTED, retryKind, sleep, type Options } from './request'
import type { CreateTokenOutput } from './schemas'

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

// Any number: what a server sends for these (0, negative, huge) is made safe below, not refused.
const seconds = v.optional(v.custom<number>((x) => typeof x === 'number', 'expected number'))
const PollTokenInput = v.object({
  clientId: v.string(),
  clientSecret: v.string(),
  deviceCode: v.string(),
  interval: seconds,
  expiresIn: seconds,
})

/** What `pollToken` needs: the client, and StartDeviceAuthorization's `deviceCode`, `interval` and `expiresIn`. */
export type PollTokenInput = v.InferInput<typeof PollTokenInput>

/** Told each time the service says the sign-in is still pending, before the poller waits `interval` seconds. */
export interface PendingInfo {
  /** Requests sent so far. */
  readonly attempt: number
  /** The current interval in seconds (grown by 5 for each SlowDownException). */
  readonly interval: number
  /** Seconds left before the device code expires, if `expiresIn` was given. */
  readonly remaining: number | undefined
}

/** Options of `pollToken`: those of every operation, plus a progress callback. */
export interface PollTokenOptions extends Options {
  /** Called while the sign-in is pending; what it throws is ignored. */
  onPending?: ((info: PendingInfo) => void) | undefined
}

/**
 * Polls CreateToken for a device sign-in until the user approves, keeping RFC 8628's pace exactly: the first
 * request at once, then never two requests closer than the current interval (the service's `interval`, 5 s
 * when it gives none, and never under 1 s whatever it sends); a SlowDownException adds 5 s for that and every
 * later wait. `AuthorizationPending` keeps polling. A transient failure (network, timeout, throttling, HTTP 5xx)
 * is polled again at the same pace, up to `retry` times in a row (default 2), never sooner; any other error is
 * returned at once.
 *
 * @param input - `clientId`, `clientSecret`, and from StartDeviceAuthorization `deviceCode`, `interval` and
 *   `expiresIn` (seconds).
 * @param options - As for every operation (the `signal` also ends the waits; `retry` counts failed polls in a
 *   row), plus `onPending`.
 * @returns `{ ok: true, value }` with the tokens, or `{ ok: false, error }`: `ExpiredTokenException` from the
 *   service, or made here (status 400, no `requestId`) as soon as `expiresIn` has passed, without waiting past it;
 *   `AccessDeniedException` when the user refused; `AbortError` within milliseconds of the signal; any other
 *   {@link CreateTokenError}. Never throws.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 * @example
 * ```ts
 * import { pollToken, startDeviceAuthorization } from 'ssooidc'
 *
 * const device = await startDeviceAuthorization({ clientId, clientSecret, startUrl }, { region })
 * if (!device.ok || !device.value.deviceCode) throw new Error('could not start the sign-in')
 * const { deviceCode, userCode, verificationUriComplete, interval, expiresIn } = device.value
 * console.log(`Open ${verificationUriComplete} and check the code ${userCode}`)
 * const token = await pollToken(
 *   { clientId, clientSecret, deviceCode, interval, expiresIn },
 *   { region, onPending: ({ remaining }) => console.log(`waiting… ${remaining}s left`) },
 * )
 * if (token.ok) console.log('signed in; expires in', token.value.expiresIn, 's')
 * ```
 */
export function pollToken(
  input: PollTokenInput,
  options: PollTokenOptions = {},
): Promise<Result<CreateTokenOutput, CreateTokenError>> {
  // Only a hostile input or options object (a throwing getter, a Proxy) throws here: nothing was sent.
  return guarded(() => poll(input, options))
}

async function poll(input: PollTokenInput, options: PollTokenOptions): Promise<Result<CreateTokenOutput, CreateTokenError>> {
  const checked = v.safeParse(PollTokenInput, input)
  if (!checked.success) return invalidInput(toIssues(checked.issues))
  const { clientId, clientSecret, deviceCode, expiresIn } = checked.output
  const { onPending, ...callOptions } = options ?? {}
  const { signal, retry = 2 } = callOptions
  // Each poll is one request: retries are paced here, never on the core's sub-second backoff. An invalid `retry`
  // goes through as given, for createToken to refuse.
  const pollOptions = { ...callOptions, retry: Number.isInteger(retry) && retry >= 0 ? 0 : retry }
  const deadline = expiresIn === undefined || Number.isNaN(expiresIn) ? Infinity : Date.now() + Math.max(0, expiresIn) * 1000
  let interval = checked.output.interval
  interval = interval === undefined || Number.isNaN(interval) ? 5 : Math.max(1, interval)
  for (let attempt = 1, failures = 0; ; attempt++) {
    const result = await createToken({ clientId, clientSecret, grantType: DEVICE_CODE_GRANT, deviceCode }, pollOptions)
    if (result.ok) return result
    const { error } = result
    const pending = error.name === 'SlowDownException' || error.name === 'AuthorizationPendingException'
    const transient =
      error.name === 'NetworkError' || error.name === 'TimeoutError' || ('status' in error && retryKind(error.status, 'type' in error ? error.type : error.name))
    if (error.name === 'SlowDownException') interval += 5
    if (pending) failures = 0
    else if (!transient || failures++ >= retry) return result
    const remaining = deadline === Infinity ? undefined : Math.max(0, Math.round((deadline - Date.now()) / 1000))
    try {
      // A progress callback must not end the sign-in: neither what it throws nor what its promise rejects with.
      const returned: unknown = pending && onPending?.({ attempt, interval, remaining })
      if (returned instanceof Promise) returned.catch(() => {})
    } catch {}
    const next = Date.now() + interval * 1000
    // In steps: one sleep is at most a timer's range (24.8 days), which a hostile interval or expiry may pass.
    for (let until = Math.min(next, deadline); Date.now() < until; ) {
      if (!(await sleep(until - Date.now(), signal))) return { ok: false, error: ABORTED }
    }
    if (next >= deadline) {
      return {
        ok: false,
        error: {
          name: 'ExpiredTokenException',
          message: `The device code expired after ${expiresIn} s without approval`,
          status: 400,
          error: 'expired_token',
          description: undefined,
          requestId: undefined,
        },
      }
    }
  }
}

/** @internal base64url without padding (RFC 4648 §5), as PKCE and the emulator's random codes use it. */
export const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/**
 * Makes a PKCE pair for the authorization-code flow: a 43-character verifier of `[A-Za-z0-9-_]` from 32
 * random bytes, and its S256 challenge, base64url(SHA-256(verifier)) without padding. Uses WebCrypto.
 *
 * @returns The `codeVerifier` (a secret: keep it for CreateToken, never log it) and the `codeChallenge`
 *   (for {@link authorizeUrl}).
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 * @example
 * ```ts
 * import { createPkce } from 'ssooidc'
 *
 * const { codeVerifier, codeChallenge } = await createPkce()
 * ```
 */
export async function createPkce(): Promise<{ codeVerifier: string; codeChallenge: string }> {
  const codeVerifier = base64url(crypto.getRandomValues(new Uint8Array(32)))
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier))
  return { codeVerifier, codeChallenge: base64url(new Uint8Array(digest)) }
}

const AuthorizeUrlInput = v.object({
  clientId: v.string(),
  redirectUri: v.string(),
  scopes: v.optional(v.array(v.string())),
  state: v.string(),
  codeChallenge: v.string(),
})

/** What `authorizeUrl` needs; `scopes` defaults to `["sso:account:access"]`, as in the AWS CLI. */
export type AuthorizeUrlInput = v.InferInput<typeof AuthorizeUrlInput>

/**
 * Builds the `/authorize` URL the AWS CLI v2 opens in the browser for the authorization-code flow with PKCE:
 * `response_type=code`, `client_id`, `redirect_uri`, `state`, `code_challenge_method=S256`, `scopes`
 * (space-joined) and `code_challenge`, on the endpoint that the options resolve to.
 *
 * @param input - The registered `clientId`, the loopback `redirectUri` (with its port), `scopes`, a random
 *   `state` to check on the callback, and the `codeChallenge` from {@link createPkce}.
 * @param options - The endpoint options (`region`, `endpoint`, `useFipsEndpoint`, `useDualstackEndpoint`).
 * @returns `{ ok: true, value }` with the URL, or `{ ok: false, error }` with an `EndpointError` or a
 *   `ValidationError`. Never throws.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 * @example
 * ```ts
 * import { authorizeUrl, createPkce } from 'ssooidc'
 *
 * const { codeVerifier, codeChallenge } = await createPkce()
 * const state = crypto.randomUUID()
 * const url = authorizeUrl(
 *   { clientId, redirectUri: 'http://127.0.0.1:53123/oauth/callback', state, codeChallenge },
 *   { region: 'us-east-1' },
 * )
 * if (url.ok) console.log('Open', url.value)
 * ```
 */
export function authorizeUrl(
  input: AuthorizeUrlInput,
  options: EndpointOptions,
): Result<string, EndpointError | ValidationError> {
  try {
    return buildAuthorizeUrl(input, options)
  } catch {
    return unreadableInput()
  }
}

function buildAuthorizeUrl(input: AuthorizeUrlInput, options: EndpointOptions): Result<string, EndpointError | ValidationError> {
  const checked = v.safeParse(AuthorizeUrlInput, input)
  if (!checked.success) return invalidInput(toIssues(checked.issues))
  const base = resolveEndpoint(options ?? {})
  if (!base.ok) return base
  const { clientId, redirectUri, scopes = ['sso:account:access'], state, codeChallenge } = checked.output
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    state,
    code_challenge_method: 'S256',
    scopes: scopes.join(' '),
    code_challenge: codeChallenge,
  })
  return { ok: true, value: `${base.value.replace(/\/+$/, '')}/authorize?${query}` }
}
