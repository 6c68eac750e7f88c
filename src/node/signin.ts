/**
 * The sign-in of `aws sso login`, writing what it writes: the registration from the cache (or a new one, cached),
 * the authorization-code flow with PKCE on a loopback server (the default for sso-sessions) or the device flow
 * (legacy profiles, or when asked), then the token cache. A sign-in made here serves the AWS CLI and the SDKs.
 *
 * @module
 */
import { authorizeUrl, createPkce, pollToken, type PendingInfo } from '../flows'
import { guarded, type AbortError, type NetworkError, type Result, type ValidationError } from '../errors'
import { createToken, registerClient, startDeviceAuthorization, type CreateTokenError, type RegisterClientError, type StartDeviceAuthorizationError } from '../operations'
import type { Options } from '../request'
import { toSsoToken, type SsoToken } from '../sessions'
import {
  isRegistrationUsable,
  readRegistrationCache,
  registerClientInput,
  toCachedRegistration,
  writeRegistrationCache,
  writeTokenCache,
  type CachedRegistration,
  type RegistrationFlow,
} from './cache'
import { resolveConfiguredEndpoints, resolveSsoConfig, type ConfigOptions } from './config'
import { callOptions } from './credentials'
import type { CacheWriteError, SsoConfigError } from './errors'
import { startCallbackServer, type AuthorizationError, type SignInTimeoutError } from './loopback'

/** What to show the user: the device flow's code and URL, or the URL the browser should open (PKCE). */
export type SignInPrompt =
  | { readonly flow: 'device'; readonly verificationUri: string; readonly verificationUriComplete: string; readonly userCode: string; readonly expiresIn: number }
  | { readonly flow: 'pkce'; readonly url: string }

/** Options of {@link signIn}. */
export interface SignInOptions extends ConfigOptions, Omit<Options, 'region' | 'endpoint'> {
  /** A start URL to sign in to without a profile (with `region`); the token is cached by its SHA-1, as a legacy profile's. */
  startUrl?: string | undefined
  /** The region of the IAM Identity Center instance, with `startUrl`. */
  region?: string | undefined
  /** `'pkce'` (the default for an sso-session, as `aws sso login`) or `'device'` (the default for a legacy profile or a bare start URL). */
  flow?: RegistrationFlow | undefined
  /** Scopes to register, over `sso_registration_scopes`. */
  scopes?: readonly string[] | undefined
  /**
   * Opens the URL for the user: `true` (the default) opens the system browser with the `open` package, `false`
   * does not, a function does it your way (a test plays the browser here). What it throws is ignored: the prompt
   * still shows the URL.
   */
  openBrowser?: boolean | ((url: string) => unknown) | undefined
  /** Called once with what to show the user (the code and URL, or the URL), before the browser opens. */
  onPrompt?: ((prompt: SignInPrompt) => void) | undefined
  /** Called while a device sign-in is pending (see `pollToken`). */
  onPending?: ((info: PendingInfo) => void) | undefined
  /** Milliseconds for the whole PKCE sign-in. Default 600 000, as the AWS CLI. */
  signInTimeout?: number | undefined
  /** The current time in epoch milliseconds, for the records written. Default `Date.now`. */
  now?: (() => number) | undefined
}

/** What a sign-in ends with. */
export interface SignedInSession {
  /** The record written to the token cache. */
  readonly token: SsoToken
  /** The token-cache file written. */
  readonly path: string
  readonly startUrl: string
  readonly region: string
  readonly sessionName?: string | undefined
  readonly flow: RegistrationFlow
  /** Whether the client registration came from the cache. */
  readonly registrationCached: boolean
}

/** The error union of {@link signIn}. */
export type SignInError =
  | SsoConfigError
  | ValidationError
  | RegisterClientError
  | StartDeviceAuthorizationError
  | CreateTokenError
  | AuthorizationError
  | SignInTimeoutError
  | NetworkError
  | AbortError
  | CacheWriteError

const opener = async (url: string) => {
  const { default: open } = await import('open')
  await open(url)
}

/**
 * Signs in as `aws sso login` does, and writes the files it writes, so that the AWS CLI, the SDKs and every tool
 * reading `~/.aws/sso/cache` are signed in too:
 * - the configuration of the profile or sso-session (or a bare `startUrl` and `region`);
 * - the client registration from the registration cache while more than 15 minutes are left and it was made for
 *   the flow used; else RegisterClient as the CLI registers, cached;
 * - PKCE: a loopback server on 127.0.0.1 at a random port (`state` checked, one code, 10 s per request, 600 s
 *   overall), the browser sent to `/authorize`, the code exchanged with its verifier; or the device flow: the user
 *   code shown, the verification URL opened, CreateToken polled at the service's pace;
 * - the token cache written as `aws sso login` writes it (atomically, 0600).
 *
 * @param options - `profile` or `ssoSession` (else `AWS_PROFILE`, else `default`), or `startUrl` and `region`;
 *   `flow`, `scopes`, `openBrowser`, `onPrompt`, `onPending`, `signInTimeout`, files (`env`, `home`,
 *   `configFile`), and the options of every operation (the endpoint comes from the config's overrides).
 * @returns `{ ok: true, value }` with the token record and the file written, or `{ ok: false, error }` with a
 *   {@link SignInError}: a config error, the operations' errors (`AccessDeniedException` when the user refused a
 *   device code, `ExpiredTokenException` when nobody approved it in time), an `AuthorizationError` (the user
 *   refused in the browser), `SignInTimeoutError`, `AbortError`, or a `CacheWriteError`. Never throws.
 * @example
 * ```ts
 * import { signIn } from 'ssooidc/node'
 *
 * const session = await signIn({
 *   profile: 'dev',
 *   onPrompt: (prompt) =>
 *     console.log(prompt.flow === 'device' ? `Open ${prompt.verificationUri} and enter ${prompt.userCode}` : `Open ${prompt.url}`),
 * })
 * if (session.ok) console.log(`Successfully logged into Start URL: ${session.value.startUrl}`)
 * ```
 */
export function signIn(options: SignInOptions = {}): Promise<Result<SignedInSession, SignInError>> {
  return guarded(() => run(options))
}

async function run(options: SignInOptions): Promise<Result<SignedInSession, SignInError>> {
  const { openBrowser = true, onPrompt, onPending, signInTimeout, now = Date.now, signal } = options
  let startUrl = options.startUrl
  let region = options.region
  let sessionName: string | undefined
  let scopes = options.scopes
  let endpoint: string | undefined
  if (!startUrl || !region) {
    const config = await resolveSsoConfig(options)
    if (!config.ok) return config
    ;({ startUrl, region, sessionName } = config.value)
    scopes ??= config.value.scopes
    endpoint = config.value.endpoints.oidcEndpoint
  } else {
    // No profile to sign in with, but the endpoint overrides of the environment (and the default profile) apply.
    endpoint = (await resolveConfiguredEndpoints(options)).value?.oidcEndpoint
  }
  const flow = options.flow ?? (sessionName ? 'pkce' : 'device')
  const call = { ...callOptions(options), region, ...(endpoint && { endpoint }) }
  const files = { env: options.env, home: options.home }
  const ref = { startUrl, region, scopes, sessionName }

  // The client: the cached one while it will do, else a new one, cached.
  let registration: CachedRegistration
  const cached = await readRegistrationCache(ref, files)
  const registrationCached = cached.ok && isRegistrationUsable(cached.value, flow, now())
  if (registrationCached) registration = cached.value!
  else {
    const input = registerClientInput({ flow, startUrl, sessionName, scopes, now: now() })
    const client = await registerClient(input, call)
    if (!client.ok) return client
    const made = toCachedRegistration(input, client.value)
    if (!made.ok) return made
    registration = made.value
    const written = await writeRegistrationCache(ref, registration, files)
    if (!written.ok) return written
  }
  const { clientId, clientSecret } = registration
  const open = (url: string) => {
    try {
      const opened = typeof openBrowser === 'function' ? openBrowser(url) : openBrowser ? opener(url) : undefined
      if (opened instanceof Promise) opened.catch(() => {})
    } catch {}
  }
  const prompt = (what: SignInPrompt) => {
    try {
      onPrompt?.(what)
    } catch {}
  }

  let token
  if (flow === 'device') {
    const device = await startDeviceAuthorization({ clientId, clientSecret, startUrl }, call)
    if (!device.ok) return device
    const { deviceCode = '', userCode = '', verificationUri = '', verificationUriComplete = verificationUri, interval, expiresIn = 600 } = device.value
    prompt({ flow, verificationUri, verificationUriComplete, userCode, expiresIn })
    open(verificationUriComplete)
    token = await pollToken({ clientId, clientSecret, deviceCode, interval, expiresIn }, { ...call, onPending })
  } else {
    const state = crypto.randomUUID()
    const server = await startCallbackServer({ state, timeout: signInTimeout, signal })
    if (!server.ok) return server
    const { redirectUri, code } = server.value
    const { codeVerifier, codeChallenge } = await createPkce()
    const url = authorizeUrl({ clientId, redirectUri, scopes: registration.scopes, state, codeChallenge }, call)
    if (!url.ok) {
      server.value.close()
      return url
    }
    prompt({ flow, url: url.value })
    open(url.value)
    const received = await code
    if (!received.ok) return received
    token = await createToken({ clientId, clientSecret, grantType: 'authorization_code', code: received.value, redirectUri, codeVerifier }, call)
  }
  if (!token.ok) return token
  const clientSecretExpiresAt = Math.floor(Date.parse(registration.expiresAt) / 1000)
  const record = toSsoToken({ token: token.value, client: { clientId, clientSecret, clientSecretExpiresAt }, startUrl, region }, now())
  if (!record.ok) return record
  const path = await writeTokenCache({ sessionName, startUrl }, record.value, files)
  if (!path.ok) return path
  return { ok: true, value: { token: record.value, path: path.value, startUrl, region, sessionName, flow, registrationCached } }
}
