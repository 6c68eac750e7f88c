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
import { resolveEndpoint, type EndpointOptions } from './endpoint'
import {
  describeIssues,
  invalidInput,
  readServiceError,
  toIssues,
  type CallError,
  type EndpointError,
  type NetworkError,
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

const OptionsSchema = v.object({
  region: v.optional(v.string()),
  endpoint: v.optional(v.string()),
  useFipsEndpoint: v.optional(v.boolean()),
  useDualstackEndpoint: v.optional(v.boolean()),
  fetch: v.optional(v.function()),
  signal: v.optional(v.custom<AbortSignal>((s) => typeof (s as AbortSignal)?.addEventListener === 'function', 'expected AbortSignal')),
  timeout: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(2 ** 31 - 1))),
  retry: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  headers: v.optional(v.custom<HeadersInit>(isHeaders, 'expected HeadersInit')),
  credentials: v.optional(v.unknown()),
})

/** Signs the request in place (headers); returns an error `E` (or an EndpointError) instead when it cannot. */
export type Signer<E> = (request: {
  url: string
  headers: Headers
  body: string
  options: Options & { credentials?: unknown }
}) => Promise<E | EndpointError | undefined>

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
export const ABORTED = { name: 'AbortError', message: 'The operation was aborted' } as const

/** The secret members of inputs and credentials (the model's `sensitive` shapes, plus AWS keys). */
const SECRET_KEYS = ['clientSecret', 'refreshToken', 'codeVerifier', 'assertion', 'subjectToken', 'secretAccessKey', 'sessionToken']

/**
 * Replaces every secret value that an error's text might echo (a service echoing input, a fetch quoting its
 * body). `name` is the discriminant and is left alone; secrets under 4 characters are not real secrets.
 */
function redact<E>(error: E, secrets: string[]): E {
  const scrub = (value: unknown): unknown =>
    typeof value === 'string' ? secrets.reduce((s, secret) => s.split(secret).join('***'), value) : value
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(error as object)) {
    out[key] =
      key === 'name'
        ? value
        : key === 'cause' && value instanceof Error && secrets.some((s) => String(value.message).includes(s))
          ? new Error(scrub(value.message) as string)
          : scrub(value)
  }
  return out as E
}

const secretsOf = (...sources: unknown[]): string[] =>
  sources.flatMap((source) =>
    source && typeof source === 'object'
      ? SECRET_KEYS.map((key) => (source as Record<string, unknown>)[key]).filter(
          (value): value is string => typeof value === 'string' && value.length >= 4,
        )
      : [],
  )

/**
 * Runs one operation: see the module comment. `options` are the caller's; a signer gets them whole.
 */
export async function send<I extends v.GenericSchema, O extends v.GenericSchema, N extends ExceptionName, E = never>(
  op: Operation<I, O, N, E>,
  input: unknown,
  options: unknown = {},
): Promise<Result<v.InferOutput<O>, ServiceException<N> | CallError | E>> {
  let secrets: string[] = []
  try {
    secrets = secretsOf(input, (options as { credentials?: unknown } | undefined)?.credentials)
    const result = await attempt(op, input, options ?? {})
    return result.ok ? result : { ok: false, error: redact(result.error, secrets) }
  } catch (cause) {
    // Unreachable by design; a last guard so that even a hostile `fetch` or getter cannot make a call reject.
    return { ok: false, error: redact(networkError(cause), secrets) }
  }
}

async function attempt<I extends v.GenericSchema, O extends v.GenericSchema, N extends ExceptionName, E>(
  op: Operation<I, O, N, E>,
  input: unknown,
  rawOptions: unknown,
): Promise<Result<v.InferOutput<O>, ServiceException<N> | CallError | E>> {
  const checkedOptions = v.safeParse(OptionsSchema, rawOptions)
  const checkedInput = v.safeParse(op.input, input)
  const issues = [
    ...(checkedOptions.issues ? toIssues(checkedOptions.issues, 'options.') : []),
    ...(checkedInput.issues ? toIssues(checkedInput.issues) : []),
  ]
  if (!checkedOptions.success || !checkedInput.success) return invalidInput(issues)
  const options = checkedOptions.output as Options & { credentials?: unknown }
  const { signal, timeout, retry = 2 } = options
  const base = resolveEndpoint(options)
  if (!base.ok) return base
  const url = base.value.replace(/\/+$/, '') + op.path
  const body = JSON.stringify(checkedInput.output)
  const headers = new Headers(options.headers)
  headers.set('content-type', 'application/json')
  if (op.sign) {
    const refused = await op.sign({ url, headers, body, options })
    if (refused) return { ok: false, error: refused }
  }
  const fetcher = options.fetch ?? fetch
  /** One request and its whole body; the body as JSON where it parses, else as text. */
  const exchange = async (init: RequestInit): Promise<[Response, unknown]> => {
    const response = await fetcher(url, init)
    const text = await response.text()
    try {
      return [response, JSON.parse(text)]
    } catch {
      return [response, text]
    }
  }

  for (let n = 0; ; n++) {
    if (signal?.aborted) return { ok: false, error: ABORTED }
    const controller = new AbortController()
    const onAbort = () => controller.abort()
    signal?.addEventListener('abort', onAbort)
    let timedOut = false
    const timer = timeout && setTimeout(() => ((timedOut = true), controller.abort()), timeout)
    let error: ServiceException<N> | CallError
    try {
      // The race ends the attempt at once on abort or timeout, even with a `fetch` that ignores its signal.
      const [response, data] = await Promise.race([
        exchange({ method: 'POST', body, headers, signal: controller.signal, redirect: 'manual' }),
        new Promise<never>((_, reject) => controller.signal.addEventListener('abort', reject)),
      ])
      const { status } = response
      const requestId = response.headers.get('x-amzn-requestid') ?? undefined
      if (status >= 200 && status < 300) {
        const output = v.safeParse(op.output, data)
        if (output.success) return { ok: true, value: output.output }
        const outputIssues = toIssues(output.issues)
        return {
          ok: false,
          error: {
            name: 'InvalidResponseError',
            message: describeIssues(`Invalid response (HTTP ${status})`, outputIssues),
            status,
            requestId,
            issues: outputIssues,
          },
        }
      }
      if (status < 400 || response.type === 'opaqueredirect') {
        // A redirect would carry the request's secrets to another origin: never followed.
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
      error = timedOut
        ? { name: 'TimeoutError', message: `No response within ${timeout} ms` }
        : networkError(cause)
    } finally {
      clearTimeout(timer || undefined)
      signal?.removeEventListener('abort', onAbort)
    }
    if (n >= retry) return { ok: false, error }
    const throttled = 'status' in error && error.status === 429
    if (!(await sleep(backoff(n, throttled), signal))) return { ok: false, error: ABORTED }
  }
}
