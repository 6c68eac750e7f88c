/**
 * Results and errors: every call resolves to a {@link Result}; a failure is one plain, readonly object of a
 * discriminated union on `name`. This module also reads a service error response into that union.
 *
 * @module
 */
import type { BaseIssue } from 'valibot'

/**
 * The outcome of every call: `ok: true` with the value, or `ok: false` with a typed error. Never thrown.
 * Both branches name both keys, so `result.error?.name` reads without narrowing first.
 */
export type Result<T, E> =
  | { readonly ok: true; readonly value: T; readonly error?: undefined }
  | { readonly ok: false; readonly error: E; readonly value?: undefined }

/** The exceptions the service model (`service-2.json`) defines, by their model names. */
export type ExceptionName =
  | 'AccessDeniedException'
  | 'AuthorizationPendingException'
  | 'ExpiredTokenException'
  | 'InternalServerException'
  | 'InvalidClientException'
  | 'InvalidClientMetadataException'
  | 'InvalidGrantException'
  | 'InvalidRedirectUriException'
  | 'InvalidRequestException'
  | 'InvalidRequestRegionException'
  | 'InvalidScopeException'
  | 'SlowDownException'
  | 'UnauthorizedClientException'
  | 'UnsupportedGrantTypeException'

/** The members the model gives some exceptions on top of `error` and `error_description`. */
interface ExceptionExtras {
  AccessDeniedException: { readonly reason: 'KMS_AccessDeniedException' | (string & {}) | undefined }
  InvalidRequestException: {
    readonly reason:
      | 'KMS_NotFoundException'
      | 'KMS_InvalidKeyUsageException'
      | 'KMS_InvalidStateException'
      | 'KMS_DisabledException'
      | (string & {})
      | undefined
  }
  InvalidRequestRegionException: { readonly endpoint: string | undefined; readonly region: string | undefined }
}

/**
 * A modeled exception of the service, named as in the model (`AuthorizationPendingException`, …).
 * `error` is the body's OAuth code (`authorization_pending`), `description` its `error_description`,
 * `requestId` the `x-amzn-requestid` header; `reason`, `endpoint` and `region` where the model has them.
 */
export type ServiceException<N extends ExceptionName = ExceptionName> = N extends unknown
  ? {
      readonly name: N
      readonly message: string
      readonly status: number
      readonly error: string | undefined
      readonly description: string | undefined
      readonly requestId: string | undefined
    } & (N extends keyof ExceptionExtras ? ExceptionExtras[N] : unknown)
  : never

/** An error response whose type the model does not name for this operation, or that names none (an HTML 502, a redirect). */
export interface UnknownServiceError {
  readonly name: 'UnknownServiceError'
  readonly message: string
  readonly status: number
  /** The raw error type as sent (`x-amzn-errortype`, body `code` or `__type`), if any. */
  readonly type: string | undefined
  readonly error: string | undefined
  readonly description: string | undefined
  readonly requestId: string | undefined
}

/** One reason an input, an option or a response failed its schema. Never holds the offending value. */
export interface ValidationIssue {
  /** Dotted path of the member, such as `clientSecret`, `scope.0` or `options.timeout`; empty for the whole value. */
  readonly path: string
  readonly message: string
}

/** The input or the options failed their schema; nothing was sent. */
export interface ValidationError {
  readonly name: 'ValidationError'
  readonly message: string
  readonly issues: readonly ValidationIssue[]
}

/** No endpoint could be resolved; `message` is the endpoint rule set's own text where it has one. */
export interface EndpointError {
  readonly name: 'EndpointError'
  readonly message: string
}

/** `fetch` failed (connection refused, DNS, TLS, reset) on every attempt. */
export interface NetworkError {
  readonly name: 'NetworkError'
  readonly message: string
  readonly cause: unknown
}

/** The `timeout` option elapsed on the last attempt. */
export interface TimeoutError {
  readonly name: 'TimeoutError'
  readonly message: string
}

/** The caller's `signal` aborted the call. */
export interface AbortError {
  readonly name: 'AbortError'
  readonly message: string
}

/** A 2xx response whose body is not JSON or does not match the operation's output schema. */
export interface InvalidResponseError {
  readonly name: 'InvalidResponseError'
  readonly message: string
  readonly status: number
  readonly requestId: string | undefined
  readonly issues: readonly ValidationIssue[]
}

/** The `credentials` option is missing, malformed, or its provider function failed (createTokenWithIAM only). */
export interface CredentialsError {
  readonly name: 'CredentialsError'
  readonly message: string
}

/** The errors any operation can return besides its modeled exceptions. */
export type CallError =
  | UnknownServiceError
  | ValidationError
  | EndpointError
  | NetworkError
  | TimeoutError
  | AbortError
  | InvalidResponseError

/** The error union of an operation function: `ErrorOf<typeof createToken>`. */
export type ErrorOf<F> = F extends (...args: never[]) => Promise<Result<unknown, infer E>> ? E : never

/**
 * The exception an OAuth `error` code of the body names (WIRE.md's table): the code in PascalCase plus
 * `Exception` (`slow_down` → `SlowDownException`), but for `server_error`, which is InternalServerException.
 * The last fallback for the type; only names the operation models count.
 */
const fromOAuthCode = (code: string): string =>
  code === 'server_error' ? 'InternalServerException' : `${code.replace(/(?:^|_)([a-z])/g, (_, c: string) => c.toUpperCase())}Exception`

/**
 * An error type as the SDKs' `sanitizeErrorCode` cleans it: cut at the first `,`, then at the first `:`, then
 * keep what follows the first `#` (`aws.protocoltests#FooError:http://…` → `FooError`).
 */
export const cleanType = (raw: string | undefined): string | undefined => {
  const type = raw?.split(',')[0]!.split(':')[0]
  return type?.includes('#') ? type.split('#')[1] : type
}

/** A member that is a string, else undefined. */
export const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)
/** An error type from the body: a string, or a number as the SDKs read it. */
const typeText = (value: unknown): string | undefined => (typeof value === 'number' ? String(value) : text(value))

/**
 * Reads an error response as the official SDKs do (restJson1): header `x-amzn-errortype`, else body `code`
 * (any case), else body `__type`, cleaned of `,…`, `:…` and `…#`; when all are missing, the body's OAuth
 * `error` code. A type outside `names` (the operation's modeled exceptions) gives an UnknownServiceError, with
 * `message` when given.
 */
export function readServiceError(
  status: number,
  headers: Headers,
  body: unknown,
  names: readonly string[],
  message?: string,
): ServiceException | UnknownServiceError {
  const data = objectOf(body)
  const raw = rawErrorType(headers, data)
  const error = text(data.error)
  const type = raw === undefined && error ? fromOAuthCode(error) : cleanType(raw)
  const description = text(data.error_description)
  const common = { status, error, description, requestId: headers.get('x-amzn-requestid') ?? undefined }
  if (!names.includes(type!)) {
    return {
      name: 'UnknownServiceError',
      message: message ?? description ?? `Unrecognized error response (HTTP ${status}${raw ? `, ${raw}` : ''})`,
      type: raw,
      ...common,
    }
  }
  const extras = type === 'AccessDeniedException' || type === 'InvalidRequestException' ? { reason: text(data.reason) } : {}
  return { name: type, message: description ?? type, ...common, ...extras } as ServiceException
}

/** A JSON body as an object to read members of; anything else reads as `{}`. */
export const objectOf = (body: unknown): Record<string, unknown> => (body && typeof body === 'object' ? (body as Record<string, unknown>) : {})

/**
 * The raw error type of a response as the SDKs read it (restJson1): header `x-amzn-errortype`, else body `code`
 * (any case), else body `__type`; a number counts, as the SDKs read it.
 */
export function rawErrorType(headers: Headers, data: Record<string, unknown>): string | undefined {
  const codeKey = Object.keys(data).find((key) => key.toLowerCase() === 'code')
  return headers.get('x-amzn-errortype') ?? typeText(codeKey && data[codeKey]) ?? typeText(data.__type)
}

/** What a value is, for an issue's text: `null`, `array`, or its `typeof`. Never the value itself. */
export const kindOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value

/** Turns valibot issues into ours: a path and a reason, never the offending value (it may be a secret). */
export function toIssues(issues: readonly BaseIssue<unknown>[]): ValidationIssue[] {
  return issues.map((issue) => {
    const path = (issue.path ?? []).map((item) => String(item.key)).join('.')
    // valibot reports a missing key with the key itself as `expected`; a member given as `undefined` is missing too.
    const missing = issue.input === undefined && issue.path
    // A `custom` check's message is ours and names no value.
    const expected = issue.type === 'custom' ? issue.message.replace(/^expected /, '') : (issue.expected ?? issue.type)
    return { path, message: missing ? 'is required' : `expected ${expected}, received ${kindOf(issue.input)}` }
  })
}

/** The one message format of issue lists: `what: path: reason; path: reason`. */
export const describeIssues = (what: string, issues: readonly ValidationIssue[]): string =>
  `${what}: ${issues.map((issue) => `${issue.path || 'value'}: ${issue.message}`).join('; ')}`

/** The failed Result of an input or options object that throws when read (a hostile getter or Proxy). */
export const unreadableInput = (): { ok: false; error: ValidationError } =>
  invalidInput([{ path: '', message: 'could not be read (a getter threw)' }])

/**
 * Runs the body of an exported function so that nothing escapes it: input or options that throw when read (a
 * getter, a Proxy, `null` where an object goes) are a ValidationError Result, as everywhere in the library.
 */
export async function guarded<T>(body: () => Promise<T> | T): Promise<T | { ok: false; error: ValidationError }> {
  try {
    return await body()
  } catch {
    return unreadableInput()
  }
}

/** The failed Result of input or options that did not pass their schemas. */
export const invalidInput = (issues: ValidationIssue[]): { ok: false; error: ValidationError } => ({
  ok: false,
  error: { name: 'ValidationError', message: describeIssues('Invalid input', issues), issues },
})
