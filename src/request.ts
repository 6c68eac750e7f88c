/**
 * The one request path every operation of every service takes: options and input schemas → endpoint (the
 * service's prefix) → the members bound to the query, the headers and the body as the operation declares them
 * (the model's `location`/`locationName`) → (signing) → one `fetch` per attempt, with timeout, abort, no
 * redirects and transient-failure retries → the service's error reading, or the output schema → Result. Nothing
 * here throws; nothing is kept between calls.
 *
 * This is a plain `fetch`, not ofetch: ofetch alone is 4.0 KB gzipped (the size budget of a whole operation is
 * 5.5 KB), its Node entry loads node-fetch-native at import (≈15% of a cold start), and its retry, timeout and
 * error semantics are not the SDKs' (its retry wait ignores the signal, its timeout is dropped when a signal is
 * given, it throws). What it would have done for us here is `JSON.stringify` and a guarded `JSON.parse`.
 *
 * @module
 */
import * as v from 'valibot'
import { ENDPOINT_OPTIONS, endpointOf, readOptions, type EndpointOptions, type OptionCheck } from './endpoint'
import {
  cleanType,
  describeIssues,
  invalidInput,
  unreadableInput,
  toIssues,
  type CallError,
  type EndpointError,
  type NetworkError,
  type AbortError,
  type Result,
  type UnknownServiceError,
  type ValidationIssue,
} from './errors'
import { collectSecrets, redact, textOf } from './redact'

/** A function with the signature of the global `fetch`. */
export type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>

/** Options of every operation, named as in the AWS SDK v3. All optional. */
export interface Options extends EndpointOptions {
  /** The `fetch` to send with (an emulator's, a proxy's, a test's); the global one by default. */
  fetch?: Fetch | undefined
  /** Ends the call, retries and waits included, with an `AbortError`. */
  signal?: AbortSignal | undefined
  /**
   * Milliseconds allowed per attempt before a `TimeoutError`: the whole attempt, resolving credentials, the
   * response and its body included. No limit by default.
   */
  timeout?: number | undefined
  /**
   * Extra attempts after a transient failure (network, timeout, HTTP 429/500/502/503/504, or a throttling or
   * transient error code whatever the status, as the AWS SDK's standard mode). Default 2; `0` turns retries off.
   */
  retry?: number | undefined
  /** Extra request headers, read once. Ours (`content-type`, and the SigV4 ones) win over them. */
  headers?: HeadersInit | undefined
}

/** Whether `s` works as an AbortSignal (any realm's, or a polyfill's): what every `signal` option is checked against. */
export const isSignal = (s: unknown): boolean =>
  typeof (s as AbortSignal)?.addEventListener === 'function' &&
  typeof (s as AbortSignal).removeEventListener === 'function' &&
  typeof (s as AbortSignal).aborted === 'boolean'

/** The options of every operation, as {@link readOptions} checks them. */
const OPTIONS: readonly OptionCheck[] = [
  ...ENDPOINT_OPTIONS,
  ['fetch', 'function'],
  ['signal', 'AbortSignal', isSignal],
  ['timeout', 'milliseconds from 1 to 2^31-1', (t) => typeof t === 'number' && t >= 1 && t < 2 ** 31],
  ['retry', 'an integer >= 0', (r) => Number.isInteger(r) && (r as number) >= 0],
  // Read once into a Headers: a one-shot iterator would be empty the second time.
  [
    'headers',
    'HeadersInit',
    (headers, read) => {
      try {
        return (read.headers = new Headers(headers as HeadersInit))
      } catch {}
    },
  ],
  // Read by CreateTokenWithIAM's signer, which checks it; ignored by every other operation.
  ['credentials', '', () => true],
]

/** The options as the request path holds them once checked: headers read into a `Headers`, the region normalized. */
export type CheckedOptions = Omit<Options, 'headers'> & { headers?: Headers | undefined; credentials?: unknown }

/**
 * Reads an error response of a service into its modeled exception (one of `names`) or an UnknownServiceError,
 * which gets `message` when one is given (a refused redirect).
 */
export type ErrorReader<X> = (status: number, headers: Headers, body: unknown, names: readonly string[], message?: string) => X | UnknownServiceError

/**
 * What a service declares: its endpoint prefix (its rule set is the SSO OIDC one but for it), its error reader,
 * and the input members its model marks sensitive (what an error must never show; test/redaction.test.ts checks
 * the lists against the models).
 */
export interface Service<X> {
  readonly prefix: string
  readonly read: ErrorReader<X>
  readonly secrets: readonly string[]
}

/**
 * Where an operation's input goes on the wire, on every attempt: given the URL (endpoint and path), the checked
 * input and the request's headers (the caller's), a binder sets the operation's own headers over them and returns
 * the URL with its query and the body (none for no body). {@link jsonBody} sends the whole input as a JSON body, as
 * every SSO OIDC operation; {@link bindings} makes one from the model's HTTP traits for an operation with no body,
 * as every access portal operation; CreateTokenWithIAM's also signs, within the attempt's deadline (`signal`
 * aborts when the caller's signal does or the `timeout` passes), adds the secrets it used to `secrets`, and
 * returns an error `E` instead when it cannot. Each bundle holds only the binders its operations use.
 */
export type Binder<E = never> = (
  url: string,
  input: Record<string, unknown>,
  headers: Headers,
  options: CheckedOptions,
  secrets: string[],
  signal: AbortSignal | undefined,
) => Bound | Promise<Bound | E | EndpointError | AbortError>

/** What a {@link Binder} gives: the URL with its query, and the body. */
export type Bound = [url: string, body: string | undefined]

/**
 * What an operation declares, from the model: its service, method and path; where its input members go (its
 * {@link Binder}); its schemas; and its modeled exceptions.
 */
export interface Operation<I extends v.GenericSchema, O extends v.GenericSchema, X extends { name: string }, E = never> {
  readonly service: Service<X>
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly bind: Binder<E>
  readonly input: I
  readonly output: O
  readonly errors: readonly X['name'][]
}

/** The {@link Binder} of an operation whose whole input is its JSON body, as every SSO OIDC operation. */
export const jsonBody = ((url, input, headers): Bound => (headers.set('content-type', 'application/json'), [url, JSON.stringify(input)])) satisfies Binder

/** A URI component as the AWS SDKs encode it (`extendedEncodeURIComponent`): RFC 3986, so `!'()*` too. */
export const encodeRfc3986 = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/**
 * A {@link Binder} for an operation whose members all go in the query or the headers, from its HTTP traits in the
 * model (`location`/`locationName`), as every access portal operation: `http` maps an input member to
 * `?query_name` (querystring) or `header-name` (header). Query values are encoded as the AWS SDKs encode them
 * (`extendedEncodeURIComponent`, `!'()*` included) and come in the order given, which must be the SDK's (sorted
 * by name). No body. Only the operations that declare one pay for it in a bundle.
 */
export const bindings =
  (http: Readonly<Record<string, string>>): Binder =>
  (url, input, headers) => {
    const query: string[] = []
    for (const member in http) {
      const value = input[member]
      const wire = http[member]!
      if (value === undefined) continue
      if (wire[0] === '?') query.push(`${wire.slice(1)}=${encodeRfc3986(String(value))}`)
      else headers.set(wire, String(value))
    }
    return [query.length ? `${url}?${query.join('&')}` : url, undefined]
  }

// What the AWS SDK v3's standard retry mode retries, from `@smithy/core` retry/service-error-classification
// (constants.js, and isThrottlingError / isTransientError): throttling is HTTP 429 or a code of
// THROTTLING_ERROR_CODES, whatever the status; transient is HTTP 500/502/503/504 (TRANSIENT_ERROR_STATUS_CODES) or
// a code of TRANSIENT_ERROR_CODES. The two lists, as patterns (test/retry.test.ts checks them against the SDK's own):
const THROTTLING_CODES =
  /^(?:BandwidthLimitExceeded|PriorRequestNotComplete|RequestLimitExceeded|RequestThrottled|SlowDown|Throttling|(?:EC2Throttled|LimitExceeded|ProvisionedThroughputExceeded|RequestThrottled|Throttled|Throttling|TooManyRequests|TransactionInProgress)Exception)$/
const TRANSIENT_CODES = /^(?:TimeoutError|RequestTimeout(?:Exception)?)$/

/**
 * How the SDK's standard mode classifies a service error by its status and type (a modeled exception's name, or
 * an unknown one's raw type, cleaned as the SDKs clean it): `"throttling"`, `"transient"`, or `undefined` (not
 * retried). A network failure or a timeout is transient too; the request path and `pollToken` treat it so.
 */
export const retryKind = (status: number, type: string | undefined): 'throttling' | 'transient' | undefined =>
  status === 429 || THROTTLING_CODES.test(cleanType(type)!)
    ? 'throttling'
    : [500, 502, 503, 504].includes(status) || TRANSIENT_CODES.test(cleanType(type)!)
      ? 'transient'
      : undefined

/** The longest single timer: `setTimeout` fires at once for anything longer (and Node warns). */
const MAX_TIMER = 2 ** 31 - 1

/**
 * Settles as `promise`, or rejects as soon as `signal` aborts, even if `promise` never settles. `promise` is
 * handled in every case: what it rejects with later (a `fetch` that aborts the caller's signal, then fails)
 * is never an unhandled rejection.
 */
export const abortable = <T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal!.reason)
    // Handled to the end: not even a signal whose removeEventListener throws leaves a rejection unhandled.
    promise.then(resolve, reject).finally(() => signal?.removeEventListener('abort', abort)).catch(() => {})
    if (signal?.aborted) abort()
    signal?.addEventListener('abort', abort)
  })

/** The reason a {@link withDeadline} run ends with when its timeout fires. */
const TIMED_OUT = new Error('timed out')

/**
 * Runs `run` with a signal that aborts when the caller's `signal` does or `timeout` ms pass (no limit when
 * `undefined`; 0 or less is at once), and settles as soon as either happens, even if `run` ignores its signal;
 * rejects with {@link TIMED_OUT} on the timeout. Used for an attempt of a request, a call to a token provider's
 * store, and {@link sleep}.
 */
export function withDeadline<T>(run: (signal: AbortSignal) => T, signal: AbortSignal | undefined, timeout: number | undefined): Promise<Awaited<T>> {
  const controller = new AbortController()
  const onAbort = () => controller.abort()
  signal?.addEventListener('abort', onAbort)
  if (signal?.aborted) onAbort()
  const timer = timeout != null ? setTimeout(() => controller.abort(TIMED_OUT), timeout) : undefined
  // Started a tick later, so that what `run` throws at once is a rejection like any other.
  return abortable(Promise.resolve(controller.signal).then(run) as Promise<Awaited<T>>, controller.signal).finally(() => {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  })
}

/**
 * Waits `ms` (none for `NaN` or less than 0; at most 2^31-1 ms, 24.8 days: a longer timer would fire at once,
 * and Node warns; a caller that must wait longer, as `pollToken` on a hostile interval, sleeps again), or less
 * if `signal` aborts; resolves `false` when aborted. A {@link withDeadline} run that only waits
 * for its deadline.
 */
export const sleep = (ms: number, signal: AbortSignal | undefined): Promise<boolean> =>
  withDeadline(() => new Promise<never>(() => {}), signal, Math.min(ms, MAX_TIMER) || 0).catch((reason) => reason === TIMED_OUT)

/**
 * Backoff before retry `n` (0-based): full jitter over min(20 s, base × 2^n), base 100 ms, 500 ms when
 * throttled; a server's `x-amz-retry-after` (ms) or `Retry-After` (seconds or a date) stretches it, by at most
 * 5 s, as the SDK's StandardRetryStrategy does.
 */
export const backoff = (n: number, throttled: boolean, hint = 0): number => {
  const delay = Math.random() * Math.min(20_000, (throttled ? 500 : 100) * 2 ** n)
  return Math.max(delay, Math.min(hint, delay + 5_000))
}

/** The server's retry hint in milliseconds, as the SDK's `parseRetryAfterHeader` reads it; 0 when none (one in the past is negative: {@link backoff} ignores it). */
function retryAfter(headers: Headers): number {
  const after = headers.get('retry-after') ?? ''
  const hint = Number(headers.get('x-amz-retry-after') ?? (/^[\d.]+$/.test(after) ? Number(after) * 1000 : Date.parse(after) - Date.now()))
  return hint || 0
}

/** A NetworkError for what `fetch` threw: its message, and its own cause's (undici puts the reason there); never throws. */
const networkError = (cause: unknown): NetworkError => {
  let message = textOf(cause)
  try {
    const inner = (cause as Error).cause as Error | undefined
    if (inner?.message) message += `: ${textOf(inner)}`
  } catch {}
  return { name: 'NetworkError', message, cause }
}

/** The one AbortError: the caller's signal ended the call. */
export const ABORTED: AbortError = { name: 'AbortError', message: 'The operation was aborted' }

/**
 * Runs one operation: see the module comment. `options` are the caller's; a signer gets them checked.
 */
export async function send<I extends v.GenericSchema, O extends v.GenericSchema, X extends { name: string }, N extends X['name'], E = never>(
  op: Operation<I, O, X, E> & { readonly errors: readonly N[] },
  input: unknown,
  options: unknown,
): Promise<Result<v.InferOutput<O>, Extract<X, { name: N }> | CallError | E>> {
  const secrets: string[] = []
  try {
    const result = await attempt(op, input, options ?? {}, secrets)
    return (result.ok ? result : { ok: false, error: redact(result.error, secrets) }) as Result<v.InferOutput<O>, Extract<X, { name: N }> | CallError | E>
  } catch {
    // A last guard, so that nothing a caller's code throws can make a call reject. What was thrown is not read
    // here: reading it is what might have thrown.
    return { ok: false, error: { name: 'NetworkError', message: 'The request failed unexpectedly', cause: undefined } }
  }
}

/** As the SDKs read a JSON body: a member sent as `null` is absent (a body that is `null` stays `null`). */
const absentNulls = (key: string, value: unknown) => (key && value === null ? undefined : value)

/** What one attempt ends with: a final Result, or an error worth another attempt, its kind and the server's retry hint. */
type Outcome<T, E> = Result<T, E> | [error: E, kind: 'throttling' | 'transient', hint: number]

/** The Result of a call the caller's signal ended. */
const ABORTED_RESULT = { ok: false, error: ABORTED } as const

async function attempt<I extends v.GenericSchema, O extends v.GenericSchema, X extends { name: string }, E>(
  op: Operation<I, O, X, E>,
  input: unknown,
  rawOptions: unknown,
  secrets: string[],
): Promise<Result<v.InferOutput<O>, X | CallError | E>> {
  const issues: ValidationIssue[] = []
  let options, checkedInput
  try {
    options = readOptions<CheckedOptions>(rawOptions, OPTIONS, issues)
    checkedInput = op.input['~standard'].validate(input) as v.OutputDataset<unknown, v.BaseIssue<unknown>>
  } catch {
    return unreadableInput()
  }
  const { service, method } = op
  if (checkedInput.issues) issues.push(...toIssues(checkedInput.issues))
  else collectSecrets(checkedInput.value as object, service.secrets, secrets)
  if (issues.length) return invalidInput(issues)
  const { signal, timeout, retry = 2 } = options
  const base = endpointOf(options, service.prefix)
  if (!base.ok) return base
  const fetcher = options.fetch ?? fetch

  /** One attempt, signing included: everything in it is within the deadline when there is one. */
  const once = async (signal?: AbortSignal): Promise<Outcome<v.InferOutput<O>, X | CallError | E>> => {
    // Bound on every attempt, so that a signed retry carries a fresh x-amz-date; ours over the caller's headers.
    const headers = new Headers(options.headers)
    const bound = await op.bind(base.value + op.path, checkedInput.value as Record<string, unknown>, headers, options, secrets, signal)
    if (!Array.isArray(bound)) return { ok: false, error: bound }
    const [url, body] = bound
    // The whole body; as JSON where it parses (`null` members absent), else as text.
    const response = await fetcher(url, { method, body, headers, redirect: 'manual', signal } as RequestInit)
    // An empty body is `{}`, as the SDKs read it (Logout answers none).
    let data: unknown = (await response.text()) || '{}'
    try {
      data = JSON.parse(data as string, (data as string).includes('null') ? absentNulls : undefined)
    } catch {}
    const { status } = response
    const requestId = response.headers.get('x-amzn-requestid') ?? undefined
    if (status >= 200 && status < 300 && !response.redirected) {
      const output = op.output['~standard'].validate(data) as v.OutputDataset<unknown, v.BaseIssue<unknown>>
      if (!output.issues) return { ok: true, value: output.value }
      const issues = toIssues(output.issues)
      const message = describeIssues(`Invalid response (HTTP ${status})`, issues)
      return { ok: false, error: { name: 'InvalidResponseError', message, status, requestId, issues } }
    }
    // A redirect would carry the request's secrets to another origin: never followed, nor accepted from a `fetch`
    // that followed it anyway. It is an UnknownServiceError that reads nothing from the body.
    if (status < 400 || response.redirected) {
      return { ok: false, error: service.read(status, response.headers, {}, [], `Redirect refused (HTTP ${status})`) }
    }
    const error = service.read(status, response.headers, data, op.errors)
    const kind = retryKind(status, (error as { type?: string }).type ?? error.name)
    return kind ? [error, kind, retryAfter(response.headers)] : { ok: false, error }
  }

  for (let n = 0; ; n++) {
    if (signal?.aborted) return ABORTED_RESULT
    let outcome: Outcome<v.InferOutput<O>, X | CallError | E>
    try {
      outcome = await (signal || timeout ? withDeadline(once, signal, timeout) : once())
    } catch (cause) {
      if (signal?.aborted) return ABORTED_RESULT
      outcome = [cause === TIMED_OUT ? { name: 'TimeoutError', message: `No response within ${timeout} ms` } : networkError(cause), 'transient', 0]
    }
    if (!Array.isArray(outcome)) return outcome
    const [error, kind, hint] = outcome
    if (n >= retry) return { ok: false, error }
    if (!(await sleep(backoff(n, kind === 'throttling', hint), signal))) return ABORTED_RESULT
  }
}
