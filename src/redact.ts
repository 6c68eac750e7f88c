/**
 * Secrets out of errors: every value a caller gave as a secret (client secrets, tokens, code verifiers,
 * assertions, AWS keys) is cut from an error's text in every form it can take on the way out, and an error's
 * `cause` is rebuilt from scrubbed names and messages only. Nothing here reads a caller's value without a guard.
 *
 * @module
 */

/**
 * The secret members of what we hold besides an operation's input (each service lists those of its inputs, from
 * its model): session and registration records, caches, and AWS credentials.
 */
export const SECRET_KEYS: readonly string[] = [
  'clientSecret',
  'refreshToken',
  'accessToken',
  'codeVerifier',
  'assertion',
  'subjectToken',
  'secretAccessKey',
  'sessionToken',
]

/** Adds the string values of `source`'s members `keys` (a service's secret inputs, {@link SECRET_KEYS}) to `secrets`. */
export const collectSecrets = (source: object, keys: readonly string[], secrets: string[]): void => {
  for (const key of keys) {
    const value = (source as Record<string, unknown>)[key]
    if (typeof value === 'string') secrets.push(value)
  }
}

/**
 * The ways a text can hold a value besides as is: trimmed (as undici quotes a header value), JSON-escaped,
 * form-encoded (`+` for a space), and percent-encoded (`encodeURIComponent`; a lone surrogate leaves it as is).
 */
const ENCODINGS: ((text: string) => string)[] = [
  (text) => text.trim(),
  (text) => JSON.stringify(text).slice(1, -1),
  (text) => new URLSearchParams({ _: text }).toString().slice(2),
  (text) => {
    try {
      return encodeURIComponent(text)
    } catch {
      return text
    }
  },
]

/**
 * A function that replaces every secret in a text with `***`, in every form above and every pair of them (a
 * trimmed secret JSON-escaped, a JSON-escaped one percent-encoded, …); longest first, so that no part of one
 * survives inside another. Values under 4 characters are not real secrets and are left alone.
 */
export function scrubber(secrets: readonly string[]): (text: string) => string {
  let forms = [...secrets]
  for (let depth = 0; depth < 2; depth++) forms = forms.concat(forms.flatMap((form) => ENCODINGS.map((encode) => encode(form))))
  const ordered = [...new Set(forms)].filter((form) => form.length >= 4).sort((a, b) => b.length - a.length)
  return (text) => ordered.reduce((scrubbed, form) => scrubbed.split(form).join('***'), text)
}

/** `String(value)` that cannot throw: a Symbol, a Proxy or an object whose `toString` throws. */
export const textOf = (value: unknown): string => {
  try {
    return String(value instanceof Error ? value.message : value)
  } catch {
    return '(unreadable)'
  }
}

/**
 * Returns a copy of `error` with every string member scrubbed (but `name`, the discriminant), and its `cause`
 * rebuilt as plain Errors holding only scrubbed names and messages, down to four levels: nothing else a cause
 * carries can leak, and reading it cannot throw.
 */
export function redact<E>(error: E, secrets: readonly string[]): E {
  const scrub = scrubber(secrets)
  const rebuild = (value: unknown, depth: number): Error => {
    const rebuilt = new Error(scrub(textOf(value)))
    try {
      if (value instanceof Error) rebuilt.name = scrub(String(value.name))
      const inner = (value as { cause?: unknown } | null)?.cause
      if (inner !== undefined && depth < 4) rebuilt.cause = rebuild(inner, depth + 1)
    } catch {}
    return rebuilt
  }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(error as object)) {
    out[key] = key === 'name' ? value : key === 'cause' ? rebuild(value, 0) : typeof value === 'string' ? scrub(value) : value
  }
  return out as E
}
