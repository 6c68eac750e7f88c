/**
 * The one request path every operation takes: options and input schemas → endpoint → (signing) → one `fetch`
 * per attempt, with timeout, abort, no redirects and transient-failure retries → error reading or output
 * schema → Result. Nothing here throws; nothing is kept between calls.
 *
 * This is a plain `fetch`, not ofetch: ofetch alone is 4.0 KB gzipped (the size budget of a whole operation is
 * 5.5 KB), its Node entry loads node-fetch-native at import (≈15% of a cold start), and its retry, timeout and
 * error semantics are not the SDKs' (its retry wait ignores the signal, its timeout is dropped when a signal is
 * given, it throws). What it would have done for us here is `JSON.stringify` and a guarded `JSON.parse`.
 *
 * @module
 */
import * as v from 'valibot'
import { EndpointOptionsSchema, endpointOf, type EndpointOptions } from './endpoint'
import {
  describeIssues,
  invalidInput,
  unreadableInput,
  readServiceError,
  toIssues,
  type CallError,
  type EndpointError,
  type NetworkError,
  type AbortError,
  type ExceptionName,
  type Result,
  type ServiceException,
} from './errors'

/** A function with the signature of the global `fetch`. */
export type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>

/** Options of every operation, named as in the AWS SDK v3. All optional. */
export interface Options extends EndpointOptions {
  /** The `fetch` to send with (an emulator's, a proxy's, a test's); the global one by default. */
  fetch?: Fetch | undefined
  /** Ends the call, retries and waits included, with an `AbortError`. */
  signal?: AbortSignal | undefined
  /** Milliseconds allowed per attempt (response body included) before a `TimeoutError`. No limit by default. */
  timeout?: number | undefined
  /** Extra attempts after a transient failure (network, timeout, HTTP 429/500/502/503/504). Default 2; `0` turns retries off. */
  retry?: number | undefined
  /** Extra request headers. Ours (`content-type`, and the SigV4 ones) win over them. */
  headers?: HeadersInit | undefined
}

const isHeaders = (init: unknown): boolean => {
  try {
    return !!new Headers(init as HeadersInit)
  } catch {
    return false
  }
}

const isSignal = (s: unknown): boolean =>
  typeof (s as AbortSignal)?.addEventListener === 'function' &&
  typeof (s as AbortSignal).removeEventListener === 'function' &&
  typeof (s as AbortSignal).aborted === 'boolean'

const OptionsSchema = v.object({
  ...EndpointOptionsSchema.entries,
  fetch: v.optional(v.function()),
  signal: v.optional(v.custom<AbortSignal>(isSignal, 'expected AbortSignal')),
  timeout: v.optional(v.custom<number>((t) => typeof t === 'number' && t >= 1 && t < 2 ** 31, 'expected milliseconds from 1 to 2^31-1')),
  retry: v.optional(v.custom<number>((r) => Number.isInteger(r) && (r as number) >= 0, 'expected an integer >= 0')),
  headers: v.optional(v.custom<HeadersInit>(isHeaders, 'expected HeadersInit')),
  credentials: v.optional(v.unknown()),
})

/**
 * Signs the request in place (headers), once per attempt; adds the secrets it used to `secrets`, and returns an
 * error `E` (or an EndpointError, or an AbortError when `signal` ends the wait for credentials) when it cannot.
 */
export type Signer<E> = (request: {
  url: string
  headers: Headers
  body: string
  options: Options & { credentials?: unknown }
  secrets: string[]
}) => Promise<E | EndpointError | AbortError | undefined>

/** What an operation declares: its path, its schemas, its modeled exceptions, and (CreateTokenWithIAM) a signer. */
export interface Operation<I extends v.GenericSchema, O extends v.GenericSchema, N extends ExceptionName, E = never> {
  readonly path: string
  readonly input: I
  readonly output: O
  readonly errors: readonly N[]
  readonly sign?: Signer<E>
}

/** HTTP statuses retried as transient, as the SDKs' standard mode: throttling (429) and server faults. */
const TRANSIENT = [429, 500, 502, 503, 504]

/** Waits `ms`, or less if `signal` aborts; resolves `false` when aborted. */
export const sleep = (ms: number, signal: AbortSignal | undefined): Promise<boolean> =>
  new Promise((resolve) => {
    const done = (waited: boolean) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', abort)
      resolve(waited)
    }
    const abort = () => done(false)
    const timer = setTimeout(done, ms, true)
    signal?.addEventListener('abort', abort)
    if (signal?.aborted) abort()
  })

/** Settles as `promise`, or rejects as soon as `signal` aborts, even if `promise` never settles. */
export const abortable = <T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> =>
  signal
    ? new Promise<T>((resolve, reject) => {
        const abort = () => reject(signal.reason)
        if (signal.aborted) return abort()
        signal.addEventListener('abort', abort)
        promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort))
      })
    : promise

/** The reason a {@link withDeadline} attempt ends with when its timeout fires. */
const TIMED_OUT = { reason: 'timeout' }

/**
 * Runs `run` with a signal that aborts when the caller's `signal` does or `timeout` ms pass, and settles as soon
 * as either happens, even if `run` ignores its signal; rejects with {@link TIMED_OUT} on the timeout.
 */
function withDeadline<T>(run: (signal: AbortSignal) => Promise<T>, signal: AbortSignal | undefined, timeout: number | undefined): Promise<T> {
  const controller = new AbortController()
  const onAbort = () => controller.abort()
  signal?.addEventListener('abort', onAbort)
  const timer = timeout ? setTimeout(() => controller.abort(TIMED_OUT), timeout) : undefined
  return abortable(run(controller.signal), controller.signal).finally(() => {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  })
}

/** Backoff before retry `n` (0-based): full jitter over min(20 s, base × 2^n), base 100 ms, 500 ms when throttled. */
export const backoff = (n: number, throttled: boolean): number =>
  Math.random() * Math.min(20_000, (throttled ? 500 : 100) * 2 ** n)

/** A NetworkError for what `fetch` threw: its message, and its own cause's (undici puts the reason there). */
const networkError = (cause: unknown): NetworkError => {
  const inner = (cause as Error | undefined)?.cause as Error | undefined
  const message = String((cause as Error | undefined)?.message ?? cause)
  return { name: 'NetworkError', message: inner?.message ? `${message}: ${inner.message}` : message, cause }
}

/** The one AbortError: the caller's signal ended the call. */
export const ABORTED: AbortError = { name: 'AbortError', message: 'The operation was aborted' }

/** The secret members of inputs and credentials (the model's `sensitive` shapes, plus AWS keys). */
const SECRET_KEYS = ['clientSecret', 'refreshToken', 'codeVerifier', 'assertion', 'subjectToken', 'secretAccessKey', 'sessionToken']

/** Adds the secret values of `source` (checked input, resolved credentials) to `secrets`. */
export const collectSecrets = (source: object, secrets: string[]): void => {
  for (const key of SECRET_KEYS) {
    const value = (source as Record<string, unknown>)[key]
    if (typeof value === 'string' && value.length >= 4) secrets.push(value)
  }
}

/**
 * Replaces every secret value an error's text might echo (a service echoing its input, a `fetch` quoting its
 * body), longest first so that no part of one survives inside another. `name` is the discriminant and is left
 * alone; values under 4 characters are not real secrets. A `cause` is never kept as given: it is rebuilt as
 * plain Errors holding only scrubbed names and messages, down its chain, so nothing else it carries can leak.
 */
function redact<E>(error: E, secrets: string[]): E {
  const ordered = [...new Set(secrets)].sort((a, b) => b.length - a.length)
  const scrub = (text: string): string => ordered.reduce((s, secret) => s.split(secret).join('***'), text)
  const rebuild = (value: unknown, depth: number): Error => {
    let rebuilt: Error
    try {
      rebuilt = new Error(scrub(String(value instanceof Error ? value.message : value)))
      if (value instanceof Error) rebuilt.name = scrub(String(value.name))
      const inner = (value as { cause?: unknown } | null)?.cause
      if (inner !== undefined && depth < 4) rebuilt.cause = rebuild(inner, depth + 1)
    } catch {
      rebuilt = new Error('(an error that could not be read)')
    }
    return rebuilt
  }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(error as object)) {
    out[key] = key === 'name' ? value : key === 'cause' ? rebuild(value, 0) : typeof value === 'string' ? scrub(value) : value
  }
  return out as E
}

/**
 * Runs one operation: see the module comment. `options` are the caller's; a signer gets them whole.
 */
export async function send<I extends v.GenericSchema, O extends v.GenericSchema, N extends ExceptionName, E = never>(
  op: Operation<I, O, N, E>,
  input: unknown,
  options: unknown = {},
): Promise<Result<v.InferOutput<O>, ServiceException<N> | CallError | E>> {
  const secrets: string[] = []
  try {
    const result = await attempt(op, input, options ?? {}, secrets)
    return result.ok ? result : { ok: false, error: redact(result.error, secrets) }
  } catch (cause) {
    // A last guard, so that even a hostile getter or `fetch` cannot make a call reject.
    return { ok: false, error: redact(networkError(cause), secrets) }
  }
}

/** One request and its whole body; the body as JSON where it parses, else as text. */
async function exchange(fetcher: Fetch, url: string, init: RequestInit): Promise<[Response, unknown]> {
  const response = await fetcher(url, init)
  const text = await response.text()
  try {
    return [response, JSON.parse(text)]
  } catch {
    return [response, text]
  }
}

async function attempt<I extends v.GenericSchema, O extends v.GenericSchema, N extends ExceptionName, E>(
  op: Operation<I, O, N, E>,
  input: unknown,
  rawOptions: unknown,
  secrets: string[],
): Promise<Result<v.InferOutput<O>, ServiceException<N> | CallError | E>> {
  let checkedOptions, checkedInput
  try {
    checkedOptions = v.safeParse(OptionsSchema, rawOptions)
    checkedInput = v.safeParse(op.input, input)
  } catch {
    return unreadableInput()
  }
  if (checkedInput.success) collectSecrets(checkedInput.output as object, secrets)
  if (!checkedOptions.success || !checkedInput.success) {
    return invalidInput([
      ...(checkedOptions.issues ? toIssues(checkedOptions.issues, 'options') : []),
      ...(checkedInput.issues ? toIssues(checkedInput.issues) : []),
    ])
  }
  const options = checkedOptions.output as Options & { credentials?: unknown }
  const { signal, timeout, retry = 2 } = options
  const base = endpointOf(options)
  if (!base.ok) return base
  const url = (base.value.endsWith('/') ? base.value.replace(/\/+$/, '') : base.value) + op.path
  const body = JSON.stringify(checkedInput.output)
  const fetcher = options.fetch ?? fetch

  for (let n = 0; ; n++) {
    if (signal?.aborted) return { ok: false, error: ABORTED }
    let headers: HeadersInit = { 'content-type': 'application/json' }
    if (options.headers || op.sign) {
      const merged = new Headers(options.headers)
      merged.set('content-type', 'application/json')
      // Signed on every attempt, so that a retry carries a fresh x-amz-date.
      const refused = await op.sign?.({ url, headers: merged, body, options, secrets })
      if (refused) return { ok: false, error: refused }
      headers = merged
    }
    const init: RequestInit = { method: 'POST', body, headers, redirect: 'manual' }
    let error: ServiceException<N> | CallError
    try {
      const [response, data] =
        signal || timeout
          ? await withDeadline((deadline) => exchange(fetcher, url, { ...init, signal: deadline }), signal, timeout)
          : await exchange(fetcher, url, init)
      const { status } = response
      const requestId = response.headers.get('x-amzn-requestid') ?? undefined
      if (status >= 200 && status < 300 && !response.redirected) {
        const output = v.safeParse(op.output, data)
        if (output.success) return { ok: true, value: output.output }
        const issues = toIssues(output.issues)
        return {
          ok: false,
          error: {
            name: 'InvalidResponseError',
            message: describeIssues(`Invalid response (HTTP ${status})`, issues),
            status,
            requestId,
            issues,
          },
        }
      }
      if (status < 400 || response.redirected) {
        // A redirect would carry the request's secrets to another origin: never followed, nor accepted from a
        // `fetch` that followed it anyway.
        return {
          ok: false,
          error: {
            name: 'UnknownServiceError',
            message: `Redirect refused (HTTP ${status})`,
            status,
            type: undefined,
            error: undefined,
            description: undefined,
            requestId,
          },
        }
      }
      error = readServiceError(status, response.headers, data, op.errors)
      if (!TRANSIENT.includes(status)) return { ok: false, error }
    } catch (cause) {
      if (signal?.aborted) return { ok: false, error: ABORTED }
      error = cause === TIMED_OUT ? { name: 'TimeoutError', message: `No response within ${timeout} ms` } : networkError(cause)
    }
    if (n >= retry) return { ok: false, error }
    const throttled = 'status' in error && error.status === 429
    if (!(await sleep(backoff(n, throttled), signal))) return { ok: false, error: ABORTED }
  }
}
