/**
 * The loopback server of the authorization-code flow (RFC 8252 §7.3): it receives the browser's redirect with the
 * code, on 127.0.0.1 only, at a random port, for one sign-in. It checks `state`, takes one code and refuses a
 * second, answers only its own host name (no DNS rebinding), reflects nothing it is sent, gives each request 10 s
 * and the whole sign-in 600 s, as the AWS CLI does.
 *
 * @module
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { timingSafeEqual } from 'node:crypto'
import { guarded, invalidInput, type AbortError, type NetworkError, type Result, type ValidationError } from '../errors'
import { textOf } from '../redact'
import { ABORTED, isSignal } from '../request'

/** The authorization server redirected with an error (the user refused, an invalid request). */
export interface AuthorizationError {
  readonly name: 'AuthorizationError'
  readonly message: string
  /** The OAuth `error` code of the redirect (`access_denied`, …). */
  readonly error: string
}

/** Nobody completed the sign-in in the time allowed. */
export interface SignInTimeoutError {
  readonly name: 'SignInTimeoutError'
  readonly message: string
}

/** A running callback server: where to redirect, and the code when it comes. */
export interface CallbackServer {
  /** `http://127.0.0.1:<port>/oauth/callback`: the redirect URI of the authorize and token requests. */
  readonly redirectUri: string
  /** The code, once; or why there will be none. Settles once, and closes the server. */
  readonly code: Promise<Result<string, AuthorizationError | SignInTimeoutError | AbortError>>
  /** Stops it (and settles `code` with an AbortError if nothing came). */
  close(): void
}

/** Options of {@link startCallbackServer}. */
export interface CallbackOptions {
  /** The `state` of the authorize request; a redirect with any other is refused. */
  state: string
  /** Milliseconds for the whole sign-in. Default 600 000, as the AWS CLI. */
  timeout?: number | undefined
  /** Milliseconds for one request to arrive whole. Default 10 000, as the AWS CLI. */
  requestTimeout?: number | undefined
  signal?: AbortSignal | undefined
}

const PATH = '/oauth/callback'

/** A fixed page: nothing of the request is in it. */
const page = (status: number, title: string, text: string) =>
  [
    status,
    {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
      'referrer-policy': 'no-referrer',
    },
    `<!doctype html><meta charset="utf-8"><title>${title}</title><h1>${title}</h1><p>${text}</p>`,
  ] as const

const DONE = page(200, 'Signed in', 'You can close this window and return to the terminal.')
const REFUSED = page(400, 'Sign-in refused', 'The sign-in could not be completed. Return to the terminal.')
const USED = page(400, 'Already signed in', 'This sign-in has already completed. Return to the terminal.')
const NOT_FOUND = page(404, 'Not found', 'Nothing here.')

const same = (a: string, b: string) => {
  const [x, y] = [Buffer.from(a), Buffer.from(b)]
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Starts the callback server of one authorization-code sign-in, on 127.0.0.1 at a port the system picks.
 *
 * @param options - The `state` to expect; `timeout` (600 s) and `requestTimeout` (10 s); a `signal` to end it.
 * @returns `{ ok: true, value }` with the `redirectUri` and the `code` promise (the code, or an
 *   `AuthorizationError`, `SignInTimeoutError` or `AbortError`), or `{ ok: false, error }` with a `ValidationError`
 *   for bad options or a `NetworkError` when it cannot listen. Never throws.
 * @example
 * ```ts
 * import { startCallbackServer } from 'ssooidc/node'
 *
 * const server = await startCallbackServer({ state: crypto.randomUUID() })
 * if (server.ok) {
 *   console.log('redirect to', server.value.redirectUri)
 *   const code = await server.value.code
 * }
 * ```
 */
export async function startCallbackServer(
  options: CallbackOptions,
): Promise<Result<CallbackServer, ValidationError | NetworkError>> {
  const read = await guarded(() => readCallbackOptions(options))
  if (!read.ok) return read
  try {
    return await listen(read.value)
  } catch (cause) {
    return { ok: false, error: { name: 'NetworkError', message: `Could not listen on 127.0.0.1: ${textOf(cause)}`, cause: undefined } }
  }
}

/** The longest a Node timer waits (2^31 - 1 ms, about 24.8 days); a longer `timeout` means that. */
const LONGEST = 2 ** 31 - 1

const isDuration = (value: unknown) => typeof value === 'number' && value > 0 && !Number.isNaN(value)

interface Settings {
  state: string
  timeout: number
  requestTimeout: number
  signal: AbortSignal | undefined
}

function readCallbackOptions(options: CallbackOptions): Result<Settings, ValidationError> {
  const { state, timeout = 600_000, requestTimeout = 10_000, signal } = options
  const issues = [
    typeof state !== 'string' || !state ? { path: 'state', message: 'must be a non-empty string' } : undefined,
    isDuration(timeout) ? undefined : { path: 'timeout', message: 'must be a positive number of milliseconds' },
    isDuration(requestTimeout) ? undefined : { path: 'requestTimeout', message: 'must be a positive number of milliseconds' },
    signal === undefined || isSignal(signal) ? undefined : { path: 'signal', message: 'must be an AbortSignal' },
  ].filter((issue) => issue !== undefined)
  if (issues.length) return invalidInput(issues)
  return { ok: true, value: { state, timeout: Math.min(timeout, LONGEST), requestTimeout: Math.min(requestTimeout, LONGEST), signal } }
}

async function listen({ state, timeout, requestTimeout, signal }: Settings): Promise<Result<CallbackServer, NetworkError>> {
  let settle!: (result: Result<string, AuthorizationError | SignInTimeoutError | AbortError>) => void
  const code = new Promise<Result<string, AuthorizationError | SignInTimeoutError | AbortError>>((resolve) => (settle = resolve))
  let done = false
  let host = ''
  // Node checks these timeouts every `connectionsCheckingInterval` (30 s by default): often enough for 10 s.
  const limits = { requestTimeout, headersTimeout: requestTimeout, connectionsCheckingInterval: Math.min(1000, requestTimeout / 2) }
  const server = createServer(limits, (req, res) => {
    const answer = ([status, headers, body]: typeof DONE) => res.writeHead(status, headers).end(body)
    // Only our own address: a page on another name resolving to 127.0.0.1 (DNS rebinding) is refused.
    if (req.headers.host !== host) return answer(REFUSED)
    // A request target no URL parser takes (`//`, `http://[`) is refused, not thrown.
    const url = URL.canParse(req.url ?? '/', `http://${host}`) ? new URL(req.url ?? '/', `http://${host}`) : undefined
    if (!url) return answer(REFUSED)
    if (req.method !== 'GET' || url.pathname !== PATH) return answer(NOT_FOUND)
    if (done) return answer(USED)
    if (!same(url.searchParams.get('state') ?? '', state)) return answer(REFUSED)
    const error = url.searchParams.get('error')
    const value = url.searchParams.get('code')
    if (!error && !value) return answer(REFUSED)
    answer(error ? REFUSED : DONE)
    finish(
      error
        ? { ok: false, error: { name: 'AuthorizationError', message: `The sign-in was refused: ${error}`, error } }
        : { ok: true, value: value! },
    )
  })
  const timer = setTimeout(() => finish({ ok: false, error: { name: 'SignInTimeoutError', message: `Nobody completed the sign-in within ${Math.round(timeout / 1000)} s` } }), timeout)
  const abort = () => finish({ ok: false, error: ABORTED })
  signal?.addEventListener('abort', abort)
  function finish(result: Result<string, AuthorizationError | SignInTimeoutError | AbortError>) {
    if (done) return
    done = true
    clearTimeout(timer)
    signal?.removeEventListener('abort', abort)
    settle(result)
    // Answers in flight go out; then the server goes.
    setImmediate(() => {
      server.close()
      server.closeIdleConnections()
    })
  }
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
    // A server error later (rare: the socket table) ends the sign-in rather than crashing the process.
    server.on('error', () => finish({ ok: false, error: ABORTED }))
  } catch (cause) {
    finish({ ok: false, error: ABORTED })
    return { ok: false, error: { name: 'NetworkError', message: `Could not listen on 127.0.0.1: ${textOf(cause)}`, cause: undefined } }
  }
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  if (signal?.aborted) abort()
  return { ok: true, value: { redirectUri: `http://${host}${PATH}`, code, close: abort } }
}
