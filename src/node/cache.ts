/**
 * The AWS CLI's cache files, byte for byte: the SSO token cache and the client registration cache
 * (`~/.aws/sso/cache/<sha1>.json`) and the role-credential cache (`~/.aws/cli/cache/<sha1>.json`). Keys are the
 * CLI's SHA-1 hashes; contents are written as Python's `json.dumps` writes them (`", "` and `": "`, non-ASCII
 * escaped, one line, no trailing newline, timestamps `%Y-%m-%dT%H:%M:%SZ`), so a file of ours differs from the
 * CLI's only in its values; both timestamp styles (botocore's seconds, the JS SDK's milliseconds) are read.
 *
 * Every write is atomic: a temp file beside the target (unique name, created `O_EXCL` with mode 0600), fsync, then
 * a rename over the target; a reader sees the old file or the new one, never a partial one, however many processes
 * write at once. Directories we create (`~/.aws/sso/cache`, `~/.aws/cli/cache` and missing parents) get mode 0700.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import * as v from 'valibot'
import { guarded, invalidInput, toIssues, type Result, type ValidationError, type ValidationIssue } from '../errors'
import { collectSecrets, SECRET_KEYS, scrubber, textOf } from '../redact'
import type { RegisterClientInput, RegisterClientOutput } from '../schemas'
import { rfc3339, SsoToken, time, type TokenStorage } from '../sessions'
import { homeDir, type HomeOptions } from './config'
import type { CacheNotFoundError, CacheReadError, CacheReadFailure, CacheWriteError, InvalidCacheError } from './errors'

/** Where the caches are: under the home directory of `home`, else of `env` (default `process.env`); see `homeDir`. */
export type CacheOptions = HomeOptions

/** The sign-in flow a client registration is for: the device authorization grant, or the authorization code grant with PKCE. */
export type RegistrationFlow = 'device' | 'pkce'

/** Names a token-cache file: the sso-session, else (a legacy profile) the start URL. An `SsoConfig` is one. */
export interface TokenCacheRef {
  readonly sessionName?: string | undefined
  readonly startUrl: string
}

/** Names a registration-cache file, as the CLI keys it. An `SsoConfig` is one (`region` is `sso_region`). */
export interface RegistrationRef {
  readonly startUrl: string
  readonly region: string
  /** `sso_registration_scopes` as configured (not defaulted); absent when not configured. */
  readonly scopes?: readonly string[] | undefined
  readonly sessionName?: string | undefined
}

/** Names a role-credential cache file: the account and role, and the sso-session, else the start URL. */
export interface RoleCredentialsRef {
  readonly accountId: string
  readonly roleName: string
  readonly sessionName?: string | undefined
  readonly startUrl: string
}

// ---------------------------------------------------------------------------------------------------------------
// Python's json.dumps

/** Options of {@link pythonJson}: Python's `sort_keys` and `separators`. */
export interface PythonJsonOptions {
  sortKeys?: boolean | undefined
  /** The item and key separators; default `[', ', ': ']`, Python's. */
  separators?: readonly [string, string] | undefined
}

/** Python's short escapes; every other character outside ` `…`~` is `\u` and four lowercase hex digits. */
const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' }

/** A string as Python's `ensure_ascii` writes it; astral characters come out as their surrogate pair. */
const pyString = (text: string): string =>
  `"${text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`

/**
 * A number as Python writes it. JSON text read back cannot tell `1` from `1.0`, so an integral number below 1e16
 * is an int; any other is a float's `repr`: the shortest round-trip digits, in exponent form below 1e-4 and from
 * 1e16 (`1e-05`, `1e+16`).
 */
function pyNumber(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity'
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n)
  const [mantissa, exp] = n.toExponential().split('e') as [string, string]
  const e = Number(exp)
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`
  const sign = n < 0 ? '-' : ''
  const digits = mantissa.replace(/^-/, '').replace('.', '')
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`
  return `${sign}${digits.slice(0, e + 1).padEnd(e + 1, '0')}.${digits.slice(e + 1) || '0'}`
}

/**
 * Serializes a value exactly as Python's `json.dumps(value, sort_keys=…, separators=…)` does with its defaults
 * otherwise (`ensure_ascii`, `allow_nan`): `{"a": 1, "b": [true, null]}`. Members that are `undefined` (or
 * functions, symbols) are left out, as `JSON.stringify` does; a `Date` is written as the AWS CLI's cache writes a
 * datetime (`%Y-%m-%dT%H:%M:%SZ`). Key order is the object's own (JavaScript puts integer-like keys first).
 *
 * @param value - JSON data: objects, arrays, strings, numbers, booleans, `null`.
 * @param options - `sortKeys` and `separators`, as Python's.
 * @returns The JSON text, on one line. Throws only on a cyclic value, as `JSON.stringify` does.
 */
export function pythonJson(value: unknown, options: PythonJsonOptions = {}): string {
  const [item, key] = options.separators ?? [', ', ': ']
  const seen = new Set<object>()
  const write = (data: unknown): string | undefined => {
    if (data === null) return 'null'
    switch (typeof data) {
      case 'string':
        return pyString(data)
      case 'number':
        return pyNumber(data)
      case 'bigint':
        return data.toString()
      case 'boolean':
        return data ? 'true' : 'false'
      case 'object':
        break
      default:
        return undefined
    }
    if (data instanceof Date) return pyString(rfc3339(data.getTime()))
    if (seen.has(data)) throw new TypeError('Circular reference')
    seen.add(data)
    let text: string
    if (Array.isArray(data)) text = `[${data.map((member) => write(member) ?? 'null').join(item)}]`
    else {
      const keys = Object.keys(data)
      if (options.sortKeys) keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      const members: string[] = []
      for (const name of keys) {
        const member = write((data as Record<string, unknown>)[name])
        if (member !== undefined) members.push(`${pyString(name)}${key}${member}`)
      }
      text = `{${members.join(item)}}`
    }
    seen.delete(data)
    return text
  }
  return write(value) ?? 'null'
}

// ---------------------------------------------------------------------------------------------------------------
// Paths and keys

/** Lowercase hex SHA-1 of the UTF-8 bytes of `text`. */
const sha1 = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex')

/**
 * The directory of the token and registration caches, `~/.aws/sso/cache` (not configurable, in the CLI or the SDKs).
 *
 * @param options - `home`, or `env` for its `HOME` (default `process.env`).
 * @returns The path. Never throws.
 */
export const ssoCacheDir = (options: CacheOptions = {}): string => join(homeDir(options), '.aws', 'sso', 'cache')

/**
 * The directory of the AWS CLI's credential cache, `~/.aws/cli/cache`, where it keeps role credentials.
 *
 * @param options - `home`, or `env` for its `HOME` (default `process.env`).
 * @returns The path. Never throws.
 */
export const cliCacheDir = (options: CacheOptions = {}): string => join(homeDir(options), '.aws', 'cli', 'cache')

/**
 * The token-cache key: the SHA-1 of the sso-session name, or, for a legacy profile, of the start URL exactly as
 * configured (`sha1("mysess")` = `b293dca1675b2cff32e33527c1160002476b993c`).
 *
 * @param ref - `sessionName`, else `startUrl`; a resolved `SsoConfig` will do.
 * @returns 40 lowercase hex digits. Never throws.
 */
export const tokenCacheKey = (ref: TokenCacheRef): string => sha1(ref.sessionName ?? ref.startUrl)

/**
 * The path of a token-cache file: `~/.aws/sso/cache/<tokenCacheKey>.json`.
 *
 * @param ref - `sessionName`, else `startUrl`.
 * @param options - `home` or `env`.
 * @returns The path. Never throws.
 */
export const tokenCachePath = (ref: TokenCacheRef, options: CacheOptions = {}): string => join(ssoCacheDir(options), `${tokenCacheKey(ref)}.json`)

/**
 * The registration-cache key as the AWS CLI computes it: the SHA-1 of Python's
 * `json.dumps({'tool': 'botocore', 'startUrl', 'region', 'scopes': list-or-None, 'session_name': name-or-None}, sort_keys=True)`.
 * One key for both flows; `scopes` are the configured ones (not the PKCE default).
 *
 * @param ref - `startUrl`, `region` (`sso_region`), `scopes` and `sessionName`; a resolved `SsoConfig` will do.
 * @returns 40 lowercase hex digits. Never throws.
 */
export function registrationCacheKey(ref: RegistrationRef): string {
  const args = { tool: 'botocore', startUrl: ref.startUrl, region: ref.region, scopes: ref.scopes ? [...ref.scopes] : null, session_name: ref.sessionName ?? null }
  return sha1(pythonJson(args, { sortKeys: true }))
}

/**
 * The path of a registration-cache file: `~/.aws/sso/cache/<registrationCacheKey>.json`.
 *
 * @param ref - `startUrl`, `region`, `scopes` and `sessionName`.
 * @param options - `home` or `env`.
 * @returns The path. Never throws.
 */
export const registrationCachePath = (ref: RegistrationRef, options: CacheOptions = {}): string =>
  join(ssoCacheDir(options), `${registrationCacheKey(ref)}.json`)

/**
 * The role-credential cache key as the AWS CLI computes it: the SHA-1 of
 * `json.dumps({"accountId", "roleName", "sessionName" | "startUrl"}, sort_keys=True, separators=(',', ':'))`.
 *
 * @param ref - `accountId`, `roleName`, and `sessionName` (else `startUrl`, for a legacy profile).
 * @returns 40 lowercase hex digits. Never throws.
 */
export function roleCredentialsCacheKey(ref: RoleCredentialsRef): string {
  const args: Record<string, string> = { roleName: ref.roleName, accountId: ref.accountId }
  if (ref.sessionName) args.sessionName = ref.sessionName
  else args.startUrl = ref.startUrl
  return sha1(pythonJson(args, { sortKeys: true, separators: [',', ':'] }))
}

/**
 * The path of a role-credential cache file: `~/.aws/cli/cache/<roleCredentialsCacheKey>.json`.
 *
 * @param ref - `accountId`, `roleName`, and `sessionName` or `startUrl`.
 * @param options - `home` or `env`.
 * @returns The path. Never throws.
 */
export const roleCredentialsCachePath = (ref: RoleCredentialsRef, options: CacheOptions = {}): string =>
  join(cliCacheDir(options), `${roleCredentialsCacheKey(ref)}.json`)

// ---------------------------------------------------------------------------------------------------------------
// Reading and writing files

const codeOf = (cause: unknown): string | undefined => {
  try {
    const code = (cause as { code?: unknown } | null)?.code
    return typeof code === 'string' ? code : undefined
  } catch {
    return undefined
  }
}

/** A file's text; a missing file (or a missing directory on its path) is a CacheNotFoundError with `notFound`. */
async function readText(path: string, notFound: string): Promise<Result<string, CacheNotFoundError | CacheReadError>> {
  try {
    return { ok: true, value: await readFile(path, 'utf8') }
  } catch (cause) {
    const code = codeOf(cause)
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, error: { name: 'CacheNotFoundError', message: notFound, path } }
    return { ok: false, error: { name: 'CacheReadError', message: `Could not read ${path}: ${textOf(cause)}`, path, code } }
  }
}

const NOT_JSON: ValidationIssue[] = [{ path: '', message: 'not JSON (truncated or corrupt)' }]

/** A file's JSON, checked against `schema`; what fails is an InvalidCacheError with `invalid` and the issues. */
async function readJson<S extends v.GenericSchema>(
  path: string,
  schema: S,
  messages: { notFound: string; invalid: string },
): Promise<Result<v.InferOutput<S>, CacheReadFailure>> {
  const text = await readText(path, messages.notFound)
  if (!text.ok) return text
  let data: unknown
  try {
    data = JSON.parse(text.value)
  } catch {
    return { ok: false, error: invalidCache(path, messages.invalid, NOT_JSON) }
  }
  const checked = v.safeParse(schema, data)
  return checked.success ? { ok: true, value: checked.output } : { ok: false, error: invalidCache(path, messages.invalid, toIssues(checked.issues)) }
}

const invalidCache = (path: string, message: string, issues: readonly ValidationIssue[]): InvalidCacheError => ({ name: 'InvalidCacheError', message, path, issues })

/** Node's rename over an open file can fail on Windows for a moment (EPERM, EACCES, EBUSY): try again, briefly. */
async function renameOver(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await rename(from, to)
    } catch (cause) {
      const code = codeOf(cause)
      if (attempt >= 9 || (code !== 'EPERM' && code !== 'EACCES' && code !== 'EBUSY')) throw cause
      await new Promise((resolve) => setTimeout(resolve, 5 * (attempt + 1)))
    }
  }
}

/**
 * Writes `text` to `path` atomically: missing directories created 0700, a temp file beside the target created
 * `O_CREAT | O_EXCL` with mode 0600 under a unique name, written and fsynced, then renamed over the target (and
 * the directory fsynced where the platform allows). On any failure the temp file is removed and the target is left
 * as it was. `secrets` are cut from the error's message.
 */
async function writeAtomic(path: string, text: string, secrets: readonly string[]): Promise<Result<string, CacheWriteError>> {
  const dir = dirname(path)
  let temp: string | undefined
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
    const file = await open(temp, 'wx', 0o600)
    try {
      await file.chmod(0o600) // whatever the umask
      await file.writeFile(text, 'utf8')
      await file.sync()
    } finally {
      await file.close()
    }
    await renameOver(temp, path)
    temp = undefined
    try {
      const directory = await open(dir, 'r')
      await directory.sync().finally(() => directory.close())
    } catch {} // not on Windows; the rename is done either way
    return { ok: true, value: path }
  } catch (cause) {
    if (temp) await unlink(temp).catch(() => {})
    return { ok: false, error: { name: 'CacheWriteError', message: scrubber(secrets)(`Could not write ${path}: ${textOf(cause)}`), path, code: codeOf(cause) } }
  }
}

/**
 * Deletes a cache file (for a logout); a file already gone is not an error.
 *
 * @param path - The file, from {@link listCachedTokens}, {@link listCachedRoleCredentials} or a `…Path` function.
 * @returns `{ ok: true, value }` with `true` when a file was deleted, `false` when there was none, or
 *   `{ ok: false, error }` with a `ValidationError` (not a path) or a `CacheWriteError` (permissions, a directory
 *   in its place). Never throws.
 * @example
 * ```ts
 * import { deleteCacheFile, listCachedTokens } from 'ssooidc/node'
 *
 * const tokens = await listCachedTokens()
 * for (const { path, startUrl } of tokens.value ?? []) {
 *   const deleted = await deleteCacheFile(path)
 *   if (!deleted.ok) console.error(`${startUrl}: ${deleted.error.message}`)
 * }
 * ```
 */
export async function deleteCacheFile(path: string): Promise<Result<boolean, CacheWriteError | ValidationError>> {
  if (typeof path !== 'string' || !path) return invalidInput([{ path: 'path', message: 'must be a non-empty string' }])
  try {
    await unlink(path)
    return { ok: true, value: true }
  } catch (cause) {
    const code = codeOf(cause)
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: true, value: false }
    return { ok: false, error: { name: 'CacheWriteError', message: `Could not delete ${path}: ${textOf(cause)}`, path, code } }
  }
}

/** The `*.json` files of a directory with their JSON objects; files that are not JSON objects are skipped, a missing directory is empty. */
async function jsonFilesOf(dir: string): Promise<Result<{ path: string; data: Record<string, unknown> }[], CacheReadError>> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (cause) {
    const code = codeOf(cause)
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: true, value: [] }
    return { ok: false, error: { name: 'CacheReadError', message: `Could not read ${dir}: ${textOf(cause)}`, path: dir, code } }
  }
  const files: { path: string; data: Record<string, unknown> }[] = []
  for (const name of names.filter((name) => name.endsWith('.json')).sort()) {
    const path = join(dir, name)
    try {
      const data: unknown = JSON.parse(await readFile(path, 'utf8'))
      if (data && typeof data === 'object' && !Array.isArray(data)) files.push({ path, data: data as Record<string, unknown> })
    } catch {} // gone since the listing, unreadable, or not JSON: not a cache entry of ours to list
  }
  return { ok: true, value: files }
}

// ---------------------------------------------------------------------------------------------------------------
// The token cache

/** The keys of a token-cache record, in the order `aws sso login` writes them. */
const TOKEN_KEYS = ['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken']

/** A timestamp as the CLI writes one (`%Y-%m-%dT%H:%M:%SZ`, the fraction cut off); what does not parse, as is. */
const cliTime = (value: unknown): unknown => {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN
  return Number.isNaN(ms) ? value : rfc3339(ms)
}

/** `record` with `keys` first in that order (timestamps in the CLI's format), then its other members in their own order. */
function ordered(record: Readonly<Record<string, unknown>>, keys: readonly string[], times: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of keys) if (record[key] !== undefined) out[key] = times.includes(key) ? cliTime(record[key]) : record[key]
  for (const [key, value] of Object.entries(record)) if (!keys.includes(key)) out[key] = value
  return out
}

/**
 * The exact text `aws sso login` writes for a session record: keys in the CLI's order (`startUrl`, `region`,
 * `accessToken`, `expiresAt`, `clientId`, `clientSecret`, `registrationExpiresAt`, `refreshToken`), the ones the
 * record lacks left out, then any other members of the record (another tool's) in their own order, kept; Python's
 * `json.dumps` format; `expiresAt` and `registrationExpiresAt` as `%Y-%m-%dT%H:%M:%SZ` (milliseconds cut off).
 *
 * @param token - A session record, such as `toSsoToken` or `refreshSession` give.
 * @returns The file's text: one line, no trailing newline. Throws only on a cyclic member, as `JSON.stringify` does.
 */
export function formatTokenCache(token: SsoToken): string {
  return pythonJson(ordered(token, TOKEN_KEYS, ['expiresAt', 'registrationExpiresAt']))
}

/** The session or start URL a token-cache message names, as botocore names it. */
const tokenId = (ref: TokenCacheRef): string => ref.sessionName ?? ref.startUrl

/**
 * Reads a session record from the token cache, written by `aws sso login`, the JS SDK or us (timestamps with or
 * without milliseconds). The record is returned whole, unknown members included; it is not checked for expiry.
 *
 * @param ref - `sessionName`, else `startUrl` (a legacy profile); a resolved `SsoConfig` will do.
 * @param options - `home` or `env`.
 * @returns `{ ok: true, value }` with the record, or `{ ok: false, error }` with a `CacheNotFoundError`
 *   (`Error loading SSO Token: Token for <session> does not exist`: sign in), an `InvalidCacheError`
 *   (`Error loading SSO Token: Token for <session> is invalid`: truncated, not JSON, or without `accessToken` or
 *   `expiresAt`; `issues` say which) or a `CacheReadError`. Never throws.
 * @example
 * ```ts
 * import { readTokenCache, resolveSsoConfig } from 'ssooidc/node'
 *
 * const config = await resolveSsoConfig({ profile: 'dev' })
 * if (config.ok) {
 *   const token = await readTokenCache(config.value)
 *   if (token.ok) console.log('signed in until', token.value.expiresAt)
 *   else if (token.error.name === 'CacheNotFoundError') console.log('run: aws sso login --profile dev')
 * }
 * ```
 */
export function readTokenCache(ref: TokenCacheRef, options: CacheOptions = {}): Promise<Result<SsoToken, CacheReadFailure | ValidationError>> {
  return guarded(() => {
    const id = tokenId(ref)
    return readJson(tokenCachePath(ref, options), SsoToken, {
      notFound: `Error loading SSO Token: Token for ${id} does not exist`,
      invalid: `Error loading SSO Token: Token for ${id} is invalid`,
    })
  })
}

/** Secrets of a record (and of a nested `Credentials`), for scrubbing an error's message. */
const secretsOf = (record: unknown): string[] => {
  const secrets: string[] = []
  try {
    if (record && typeof record === 'object') collectSecrets(record, SECRET_KEYS, secrets)
  } catch {}
  return secrets
}

/**
 * Writes a session record to the token cache as `aws sso login` writes it (the
 * CLI's bytes, any members of another tool kept after the CLI's), atomically, mode 0600.
 *
 * @param ref - `sessionName`, else `startUrl`: which file.
 * @param token - The session record: `accessToken` and `expiresAt` at least.
 * @param options - `home` or `env`.
 * @returns `{ ok: true, value }` with the file's path, or `{ ok: false, error }` with a `ValidationError` (not a
 *   session record; nothing written) or a `CacheWriteError` (the file is left as it was). Never throws.
 * @example
 * ```ts
 * import { toSsoToken } from 'ssooidc'
 * import { writeTokenCache } from 'ssooidc/node'
 *
 * declare const signedIn: Parameters<typeof toSsoToken>[0]
 * const session = toSsoToken(signedIn)
 * if (session.ok) {
 *   const written = await writeTokenCache({ sessionName: 'mysess', startUrl: signedIn.startUrl }, session.value)
 *   if (!written.ok) console.error(written.error.message)
 * }
 * ```
 */
export async function writeTokenCache(ref: TokenCacheRef, token: SsoToken, options: CacheOptions = {}): Promise<Result<string, CacheWriteError | ValidationError>> {
  let text: string, path: string
  try {
    const checked = v.safeParse(SsoToken, token)
    if (!checked.success) return invalidInput(toIssues(checked.issues))
    text = formatTokenCache(token)
    path = tokenCachePath(ref, options)
  } catch {
    return invalidInput([{ path: '', message: 'could not be read or serialized' }])
  }
  return writeAtomic(path, text, secretsOf(token))
}

/**
 * A `TokenStorage` over the token cache, for `createTokenProvider`: the key is the sso-session name (or a legacy
 * profile's start URL), `getItem` reads the file's text (`null` when there is none), `setItem` writes the record
 * as `aws sso login` does, atomically. A refresh by the provider thus updates the file the AWS CLI and the SDKs
 * read, and a refresh by them is seen on the provider's next read.
 *
 * @param options - `home` or `env`.
 * @returns The storage. Its methods reject with an Error (no secret in it) when the file cannot be read or written,
 *   which the token provider turns into a `StoreError`.
 * @example
 * ```ts
 * import { createTokenProvider } from 'ssooidc'
 * import { tokenCacheStorage } from 'ssooidc/node'
 *
 * const getToken = createTokenProvider({ storage: tokenCacheStorage(), key: 'mysess' })
 * const token = await getToken()
 * if (token.ok) console.log(token.value.accessToken.length)
 * ```
 */
export function tokenCacheStorage(options: CacheOptions = {}): TokenStorage {
  const ref = (key: string): TokenCacheRef => ({ sessionName: key, startUrl: key })
  return {
    async getItem(key: string): Promise<string | null> {
      const text = await readText(tokenCachePath(ref(key), options), '')
      if (text.ok) return text.value
      if (text.error.name === 'CacheNotFoundError') return null
      throw new Error(text.error.message)
    },
    async setItem(key: string, value: string): Promise<void> {
      let record: SsoToken
      try {
        record = JSON.parse(value) as SsoToken
      } catch {
        throw new Error('Not a session record (not JSON)') // JSON.parse's own message quotes the text
      }
      const written = await writeTokenCache(ref(key), record, options)
      if (!written.ok) throw new Error(written.error.message)
    },
  }
}

/** A token-cache file, as {@link listCachedTokens} finds it. */
export interface CachedTokenFile {
  readonly path: string
  readonly accessToken: string
  /** `region` of the record: where to call the portal's Logout. */
  readonly region?: string
  readonly startUrl?: string
}

/**
 * Lists the token-cache files, as `aws sso logout` finds them: every `~/.aws/sso/cache/*.json` whose JSON has an
 * `accessToken` (registration files have none, and are kept by a logout). Call the portal's `logout` with each
 * `accessToken` in its `region`, then {@link deleteCacheFile}.
 *
 * @param options - `home` or `env`.
 * @returns `{ ok: true, value }` with the files (none when the directory does not exist), or `{ ok: false, error }`
 *   with a `CacheReadError` when the directory cannot be listed. Files that are not JSON are skipped. Never throws.
 * @example
 * ```ts
 * import { logout } from 'ssooidc/portal'
 * import { deleteCacheFile, listCachedTokens } from 'ssooidc/node'
 *
 * const tokens = await listCachedTokens()
 * for (const file of tokens.value ?? []) {
 *   if (file.region) await logout({ accessToken: file.accessToken }, { region: file.region })
 *   await deleteCacheFile(file.path)
 * }
 * ```
 */
export function listCachedTokens(options: CacheOptions = {}): Promise<Result<CachedTokenFile[], CacheReadError | ValidationError>> {
  return guarded(async () => {
    const files = await jsonFilesOf(ssoCacheDir(options))
    if (!files.ok) return files
    const tokens: CachedTokenFile[] = []
    for (const { path, data } of files.value) {
      const { accessToken, region, startUrl } = data
      if (typeof accessToken !== 'string') continue
      tokens.push({ path, accessToken, ...(typeof region === 'string' && { region }), ...(typeof startUrl === 'string' && { startUrl }) })
    }
    return { ok: true, value: tokens }
  })
}

// ---------------------------------------------------------------------------------------------------------------
// The registration cache

const strings = /* @__PURE__ */ v.optional(/* @__PURE__ */ v.array(/* @__PURE__ */ v.string()))

/**
 * A client registration as the AWS CLI caches it: `clientId`, `clientSecret`, `expiresAt` (the secret's expiry),
 * and `scopes` when registered with some; a registration for the PKCE flow has `scopes` and `grantTypes`
 * (`["authorization_code", "refresh_token"]`). Other members are kept.
 */
export const CachedRegistration = /* @__PURE__ */ v.looseObject({
  clientId: /* @__PURE__ */ v.string(),
  clientSecret: /* @__PURE__ */ v.string(),
  expiresAt: time,
  scopes: strings,
  grantTypes: strings,
})

/** A cached client registration; see the {@link CachedRegistration} schema. */
export type CachedRegistration = v.InferOutput<typeof CachedRegistration>

const REGISTRATION_KEYS = ['clientId', 'clientSecret', 'expiresAt', 'scopes', 'grantTypes']
const PKCE_GRANT_TYPES = ['authorization_code', 'refresh_token']
const DEFAULT_SCOPES = ['sso:account:access']
/** The CLI re-registers when less than this is left (botocore `_EXPIRY_WINDOW`); it reuses role credentials as long. */
const WINDOW_MS = 15 * 60 * 1000

/** Options of {@link registerClientInput}. */
export interface RegisterClientInputOptions {
  readonly flow: RegistrationFlow
  /** The start URL; PKCE registers it as `issuerUrl`. */
  readonly startUrl: string
  /** The sso-session; absent for a legacy profile. */
  readonly sessionName?: string | undefined
  /** `sso_registration_scopes` as configured. */
  readonly scopes?: readonly string[] | undefined
  /** For a legacy profile's client name; default `Date.now()`. */
  readonly now?: number | undefined
}

/**
 * The RegisterClient request `aws sso login` sends: `clientName` `botocore-client-<session>` (a legacy profile:
 * `botocore-client-<unix seconds>`), `clientType` `public`, and `scopes` when configured; for PKCE also
 * `grantTypes` `["authorization_code", "refresh_token"]`, `redirectUris` `["http://127.0.0.1/oauth/callback"]` (no
 * port), `issuerUrl` the start URL, and `scopes` defaulting to `["sso:account:access"]`.
 *
 * @param options - `flow`, `startUrl`, `sessionName`, `scopes`, and `now` for a legacy client name.
 * @returns The input of `registerClient`. Never throws.
 */
export function registerClientInput(options: RegisterClientInputOptions): RegisterClientInput {
  const { flow, startUrl, sessionName, scopes, now = Date.now() } = options
  const clientName = `botocore-client-${sessionName ?? Math.floor(now / 1000)}`
  if (flow === 'device') return { clientName, clientType: 'public', ...(scopes?.length && { scopes: [...scopes] }) }
  return {
    clientName,
    clientType: 'public',
    grantTypes: [...PKCE_GRANT_TYPES],
    redirectUris: ['http://127.0.0.1/oauth/callback'],
    issuerUrl: startUrl,
    scopes: scopes?.length ? [...scopes] : [...DEFAULT_SCOPES],
  }
}

/**
 * The registration-cache record of a RegisterClient call, as the CLI fills it: `clientId`, `clientSecret`,
 * `expiresAt` (from `clientSecretExpiresAt`), the request's `scopes` when it had some and its `grantTypes` when it
 * had them (a PKCE registration).
 *
 * @param input - The request sent (from {@link registerClientInput}).
 * @param output - The response.
 * @returns `{ ok: true, value }` with the record, or `{ ok: false, error }` with a `ValidationError` when the
 *   response lacks `clientId`, `clientSecret` or `clientSecretExpiresAt`. Never throws.
 */
export function toCachedRegistration(input: RegisterClientInput, output: RegisterClientOutput): Result<CachedRegistration, ValidationError> {
  try {
    const { clientId, clientSecret, clientSecretExpiresAt } = output
    const issues: ValidationIssue[] = []
    if (typeof clientId !== 'string') issues.push({ path: 'clientId', message: 'is required' })
    if (typeof clientSecret !== 'string') issues.push({ path: 'clientSecret', message: 'is required' })
    if (!Number.isInteger(clientSecretExpiresAt)) issues.push({ path: 'clientSecretExpiresAt', message: 'is required' })
    if (issues.length) return invalidInput(issues)
    return {
      ok: true,
      value: {
        clientId: clientId!,
        clientSecret: clientSecret!,
        expiresAt: rfc3339(clientSecretExpiresAt! * 1000),
        ...(input.scopes?.length && { scopes: [...input.scopes] }),
        ...(input.grantTypes && { grantTypes: [...input.grantTypes] }),
      },
    }
  } catch {
    return invalidInput([{ path: '', message: 'could not be read (a getter threw)' }])
  }
}

/**
 * Reads a cached client registration (the CLI's or ours).
 *
 * @param ref - `startUrl`, `region`, `scopes` (as configured) and `sessionName`; a resolved `SsoConfig` will do.
 * @param options - `home` or `env`.
 * @returns `{ ok: true, value }` with the registration (the AWS CLI reuses one more than 15 minutes before
 *   its `expiresAt`, for the flow it was registered for), or
 *   `{ ok: false, error }` with a `CacheNotFoundError`, an `InvalidCacheError` or a `CacheReadError`. Never throws.
 * @example
 * ```ts
 * import { readRegistrationCache, resolveSsoConfig } from 'ssooidc/node'
 *
 * const config = await resolveSsoConfig({ profile: 'dev' })
 * if (config.ok) {
 *   const cached = await readRegistrationCache(config.value)
 *   if (cached.ok) console.log(cached.value.clientId, 'registered until', cached.value.expiresAt)
 * }
 * ```
 */
export function readRegistrationCache(ref: RegistrationRef, options: CacheOptions = {}): Promise<Result<CachedRegistration, CacheReadFailure | ValidationError>> {
  return guarded(() =>
    readJson(registrationCachePath(ref, options), CachedRegistration, {
      notFound: `No client registration is cached for ${ref.sessionName ?? ref.startUrl}`,
      invalid: `The client registration cached for ${ref.sessionName ?? ref.startUrl} is invalid`,
    }),
  )
}

/**
 * Whether `aws sso login` would reuse a cached registration for `flow`: more than 15 minutes before its
 * `expiresAt`, and registered for that flow (`grantTypes` containing `authorization_code` for PKCE, not for the
 * device flow; a registration without `grantTypes` is a device-flow one).
 *
 * @param registration - From {@link readRegistrationCache}.
 * @param flow - `'device'` or `'pkce'`.
 * @param now - Epoch milliseconds; default `Date.now()`.
 * @returns `true` to reuse it, `false` to register a new client. Never throws.
 */
export function isRegistrationUsable(registration: CachedRegistration, flow: RegistrationFlow, now: number = Date.now()): boolean {
  try {
    const forAuthCode = Array.isArray(registration.grantTypes) && registration.grantTypes.includes('authorization_code')
    return (
      typeof registration.clientId === 'string' &&
      typeof registration.clientSecret === 'string' &&
      Date.parse(registration.expiresAt) - now >= WINDOW_MS &&
      forAuthCode === (flow === 'pkce')
    )
  } catch {
    return false
  }
}

/**
 * Writes a client registration to the registration cache as the CLI does: `clientId`, `clientSecret`,
 * `expiresAt` (`%Y-%m-%dT%H:%M:%SZ`), `scopes`, `grantTypes`, then any other members, in Python's `json.dumps`
 * format; atomically, mode 0600.
 *
 * @param ref - `startUrl`, `region`, `scopes` (as configured) and `sessionName`: which file.
 * @param registration - `clientId`, `clientSecret` and `expiresAt` (the secret's expiry); `scopes` and `grantTypes`
 *   as registered.
 * @param options - `home` or `env`.
 * @returns `{ ok: true, value }` with the file's path, or `{ ok: false, error }` with a `ValidationError` (not a
 *   registration; nothing written) or a `CacheWriteError`. Never throws.
 * @example
 * ```ts
 * import { writeRegistrationCache } from 'ssooidc/node'
 *
 * const ref = { startUrl: 'https://d-1234567890.awsapps.com/start', region: 'us-east-1' }
 * await writeRegistrationCache(ref, { clientId: 'id', clientSecret: 'secret', expiresAt: '2027-01-15T08:00:00Z' })
 * ```
 */
export async function writeRegistrationCache(
  ref: RegistrationRef,
  registration: CachedRegistration,
  options: CacheOptions = {},
): Promise<Result<string, CacheWriteError | ValidationError>> {
  let text: string, path: string
  try {
    const checked = v.safeParse(CachedRegistration, registration)
    if (!checked.success) return invalidInput(toIssues(checked.issues))
    text = pythonJson(ordered(registration, REGISTRATION_KEYS, ['expiresAt']))
    path = registrationCachePath(ref, options)
  } catch {
    return invalidInput([{ path: '', message: 'could not be read or serialized' }])
  }
  return writeAtomic(path, text, secretsOf(registration))
}

// ---------------------------------------------------------------------------------------------------------------
// The role-credential cache

/** Role credentials as GetRoleCredentials gives them (`expiration` in epoch milliseconds), and the account. */
export const RoleCredentials = /* @__PURE__ */ v.object({
  accessKeyId: /* @__PURE__ */ v.string(),
  secretAccessKey: /* @__PURE__ */ v.string(),
  sessionToken: /* @__PURE__ */ v.string(),
  expiration: /* @__PURE__ */ v.custom<number>(Number.isFinite, 'expected epoch milliseconds'),
  accountId: /* @__PURE__ */ v.optional(/* @__PURE__ */ v.string()),
})

/** Role credentials; see the {@link RoleCredentials} schema. */
export type RoleCredentials = v.InferOutput<typeof RoleCredentials>

/** A file of the CLI's credential cache, as its SSO provider writes one. */
const RoleCacheRecord = /* @__PURE__ */ v.looseObject({
  Credentials: /* @__PURE__ */ v.looseObject({
    AccessKeyId: /* @__PURE__ */ v.string(),
    SecretAccessKey: /* @__PURE__ */ v.string(),
    SessionToken: /* @__PURE__ */ v.string(),
    Expiration: time,
    AccountId: /* @__PURE__ */ v.optional(/* @__PURE__ */ v.string()),
  }),
})

/**
 * Reads role credentials from the AWS CLI's credential cache (`~/.aws/cli/cache/<sha1>.json`), written by the
 * CLI's SSO provider or by {@link writeRoleCredentialsCache}.
 *
 * @param ref - `accountId`, `roleName`, and `sessionName` or `startUrl`.
 * @param options - `home` or `env`.
 * @returns `{ ok: true, value }` with the credentials (`expiration` in epoch milliseconds; the AWS CLI reuses
 *   them until 15 minutes before it), or `{ ok: false, error }` with a `CacheNotFoundError`, an `InvalidCacheError`
 *   or a `CacheReadError`. Never throws.
 * @example
 * ```ts
 * import { readRoleCredentialsCache } from 'ssooidc/node'
 *
 * const cached = await readRoleCredentialsCache({ accountId: '123456789012', roleName: 'ReadOnly', sessionName: 'mysess', startUrl: 'https://d-1234567890.awsapps.com/start' })
 * if (cached.ok && cached.value.expiration - Date.now() > 15 * 60_000) console.log('reuse until', new Date(cached.value.expiration))
 * ```
 */
export function readRoleCredentialsCache(ref: RoleCredentialsRef, options: CacheOptions = {}): Promise<Result<RoleCredentials, CacheReadFailure | ValidationError>> {
  return guarded(async () => {
    const role = `role ${ref.roleName} in account ${ref.accountId}`
    const read = await readJson(roleCredentialsCachePath(ref, options), RoleCacheRecord, {
      notFound: `No credentials are cached for ${role}`,
      invalid: `The credentials cached for ${role} are invalid`,
    })
    if (!read.ok) return read
    const { AccessKeyId, SecretAccessKey, SessionToken, Expiration, AccountId } = read.value.Credentials
    const credentials = { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken, expiration: Date.parse(Expiration) }
    return { ok: true, value: { ...credentials, ...(AccountId !== undefined && { accountId: AccountId }) } }
  })
}

/**
 * Whether the CLI would reuse cached role credentials: 15 minutes or more before they expire.
 *
 * @param credentials - From {@link readRoleCredentialsCache}.
 * @param now - Epoch milliseconds; default `Date.now()`.
 * @returns `true` to reuse them, `false` to call GetRoleCredentials again. Never throws.
 */
export function isRoleCredentialsUsable(credentials: RoleCredentials, now: number = Date.now()): boolean {
  try {
    return credentials.expiration - now >= WINDOW_MS
  } catch {
    return false
  }
}

/**
 * Writes role credentials to the AWS CLI's credential cache as its SSO provider does:
 * `{"ProviderType": "sso", "Credentials": {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "AccountId"}}`
 * (`Expiration` as `%Y-%m-%dT%H:%M:%SZ`; `AccountId` as current AWS CLI v2 writes it), in Python's `json.dumps`
 * format, atomically, mode 0600.
 *
 * @param ref - `accountId`, `roleName`, and `sessionName` or `startUrl`: which file.
 * @param credentials - GetRoleCredentials' `roleCredentials`, every member present.
 * @param options - `home` or `env`.
 * @returns `{ ok: true, value }` with the file's path, or `{ ok: false, error }` with a `ValidationError` (a member
 *   missing; nothing written) or a `CacheWriteError`. Never throws.
 * @example
 * ```ts
 * import { getRoleCredentials } from 'ssooidc/portal'
 * import { writeRoleCredentialsCache } from 'ssooidc/node'
 *
 * declare const accessToken: string
 * const ref = { accountId: '123456789012', roleName: 'ReadOnly', sessionName: 'mysess', startUrl: 'https://d-1234567890.awsapps.com/start' }
 * const role = await getRoleCredentials({ accessToken, accountId: ref.accountId, roleName: ref.roleName }, { region: 'us-east-1' })
 * const { accessKeyId, secretAccessKey, sessionToken, expiration } = role.value?.roleCredentials ?? {}
 * if (accessKeyId && secretAccessKey && sessionToken && expiration) {
 *   await writeRoleCredentialsCache(ref, { accessKeyId, secretAccessKey, sessionToken, expiration })
 * }
 * ```
 */
export async function writeRoleCredentialsCache(
  ref: RoleCredentialsRef,
  credentials: RoleCredentials,
  options: CacheOptions = {},
): Promise<Result<string, CacheWriteError | ValidationError>> {
  let text: string, path: string
  try {
    const checked = v.safeParse(RoleCredentials, credentials)
    if (!checked.success) return invalidInput(toIssues(checked.issues))
    const { accessKeyId, secretAccessKey, sessionToken, expiration } = checked.output
    const record = {
      ProviderType: 'sso',
      Credentials: { AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey, SessionToken: sessionToken, Expiration: rfc3339(expiration), AccountId: ref.accountId },
    }
    text = pythonJson(record)
    path = roleCredentialsCachePath(ref, options)
  } catch {
    return invalidInput([{ path: '', message: 'could not be read or serialized' }])
  }
  return writeAtomic(path, text, secretsOf(credentials))
}

/**
 * Lists the SSO entries of the AWS CLI's credential cache, as `aws sso logout` finds them: every
 * `~/.aws/cli/cache/*.json` with `"ProviderType": "sso"` (assume-role entries are left alone). Delete each with
 * {@link deleteCacheFile}.
 *
 * @param options - `home` or `env`.
 * @returns `{ ok: true, value }` with the paths (none when the directory does not exist), or `{ ok: false, error }`
 *   with a `CacheReadError` when the directory cannot be listed. Never throws.
 * @example
 * ```ts
 * import { deleteCacheFile, listCachedRoleCredentials } from 'ssooidc/node'
 *
 * const entries = await listCachedRoleCredentials()
 * for (const path of entries.value ?? []) await deleteCacheFile(path)
 * ```
 */
export function listCachedRoleCredentials(options: CacheOptions = {}): Promise<Result<string[], CacheReadError | ValidationError>> {
  return guarded(async () => {
    const files = await jsonFilesOf(cliCacheDir(options))
    return files.ok ? { ok: true, value: files.value.filter(({ data }) => data.ProviderType === 'sso').map(({ path }) => path) } : files
  })
}
