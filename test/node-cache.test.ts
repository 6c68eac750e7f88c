/**
 * ssooidc/node, the cache files: every key against the hashes the AWS CLI computes (SESSIONS.md §1, §2, §5), the
 * exact bytes we write against what Python's json.dumps writes for the same record, reading the JS SDK's and
 * botocore's files, every broken file as a typed Result, modes 0600/0700, atomic writes under real concurrent
 * processes, and the listing and deletion a logout needs. Everything happens under temp directories passed as
 * `home`/`env`; nothing reads or writes the real ~/.aws.
 */
import { spawn } from 'node:child_process'
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'
import { createTokenProvider } from '../src/sessions'
import {
  deleteCacheFile,
  formatTokenCache,
  isRegistrationUsable,
  isRoleCredentialsUsable,
  listCachedRoleCredentials,
  listCachedTokens,
  pythonJson,
  readRegistrationCache,
  readRoleCredentialsCache,
  readTokenCache,
  registerClientInput,
  registrationCacheKey,
  registrationCachePath,
  roleCredentialsCacheKey,
  roleCredentialsCachePath,
  ssoCacheDir,
  toCachedRegistration,
  tokenCacheKey,
  tokenCachePath,
  tokenCacheStorage,
  writeRegistrationCache,
  writeRoleCredentialsCache,
  writeTokenCache,
  type CachedRegistration,
} from '../src/node/cache'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const START_URL = 'https://d-1234567890.awsapps.com/start'
const SESSION = { sessionName: 'mysess', startUrl: START_URL }
const LEGACY = { startUrl: START_URL }

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

/** A fresh, empty home directory. */
async function home(): Promise<{ home: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'ssooidc-cache-'))
  dirs.push(dir)
  return { home: dir }
}

/** What `aws sso login` writes (Python's json.dumps of the CLI's dict, generated with python3 for these values). */
const CLI_TOKEN =
  '{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "aoaAAAAAGk-token", "expiresAt": "2026-11-29T17:05:53Z", "clientId": "client-id-1", "clientSecret": "eyJraWQ-secret", "registrationExpiresAt": "2027-03-02T09:05:52Z", "refreshToken": "aorAAAAAGk-refresh"}'
/** The same record with members of another tool: non-ASCII, an astral character, escapes, and nested data. */
const CLI_TOKEN_EXTRA =
  '{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "aoaAAAAAGk-token", "expiresAt": "2026-11-29T17:05:53Z", "clientId": "client-id-1", "clientSecret": "eyJraWQ-secret", "registrationExpiresAt": "2027-03-02T09:05:52Z", "refreshToken": "aorAAAAAGk-refresh", "note": "caf\\u00e9 \\ud83d\\ude00 \\u2028 \\"q\\" \\\\ \\n\\t\\u007f", "extra": {"n": [1, 2.5, null, true]}}'
const TOKEN = {
  startUrl: START_URL,
  region: 'us-east-1',
  accessToken: 'aoaAAAAAGk-token',
  expiresAt: '2026-11-29T17:05:53Z',
  clientId: 'client-id-1',
  clientSecret: 'eyJraWQ-secret',
  registrationExpiresAt: '2027-03-02T09:05:52Z',
  refreshToken: 'aorAAAAAGk-refresh',
}

describe('pythonJson(): json.dumps, byte for byte', () => {
  it.each([
    [{ a: 1, b: [true, false, null], c: 'x' }, {}, '{"a": 1, "b": [true, false, null], "c": "x"}'],
    [{ z: 1, a: { y: [], b: {} }, m: 'x' }, { sortKeys: true }, '{"a": {"b": {}, "y": []}, "m": "x", "z": 1}'],
    [{ z: 1, a: { y: [], b: {} } }, { separators: [',', ':'] as const }, '{"z":1,"a":{"y":[],"b":{}}}'],
    ['\x00\x01\x08\x0c\x1f \x7f\x80\u00ff\u0100\uffff\u{10000}/<>&\'', {}, '"\\u0000\\u0001\\b\\f\\u001f \\u007f\\u0080\\u00ff\\u0100\\uffff\\ud800\\udc00/<>&\'"'],
    [
      [1.5, 1e-5, 0.0001, 123456.789, -2.5e-7, 1e300, 0.1, -0.5, 3.14159e-10, 12345678.9, 1.7976931348623157e308, 5e-324, 12345000000000.5, 0.000123, 99999999999999.98],
      {},
      '[1.5, 1e-05, 0.0001, 123456.789, -2.5e-07, 1e+300, 0.1, -0.5, 3.14159e-10, 12345678.9, 1.7976931348623157e+308, 5e-324, 12345000000000.5, 0.000123, 99999999999999.98]',
    ],
    [{ a: undefined, b: () => 1, c: [undefined], d: new Date(Date.UTC(2026, 10, 29, 17, 5, 53, 999)) }, {}, '{"c": [null], "d": "2026-11-29T17:05:53Z"}'],
    [[NaN, Infinity, -Infinity, 0, -1, 2 ** 53, 1e16, -2e20], {}, '[NaN, Infinity, -Infinity, 0, -1, 9007199254740992, 1e+16, -2e+20]'],
  ])('%j with %j', (value, options, expected) => {
    expect(pythonJson(value, options)).toBe(expected)
  })

  it('refuses a cycle as JSON.stringify does', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => pythonJson(cyclic)).toThrow(TypeError)
  })
})

describe('cache keys and paths, as the AWS CLI computes them', () => {
  it.each([
    ['the sso-session name', SESSION, 'b293dca1675b2cff32e33527c1160002476b993c'],
    ['a legacy profile’s start URL, exactly as configured', LEGACY, '7487b5b67d5fa1132cf33fa93ae51ef38cc37752'],
    ['a start URL with a trailing slash is another key', { startUrl: `${START_URL}/` }, tokenCacheKey({ startUrl: `${START_URL}/` })],
    ['a non-ASCII session name, as UTF-8', { sessionName: 'sessé', startUrl: START_URL }, 'cbb5e63106af0b599549f924e953769ce4b29326'],
  ])('the token cache keys by %s', (_, ref, key) => {
    expect(tokenCacheKey(ref)).toBe(key)
  })

  it('a trailing slash changes the legacy key', () => {
    expect(tokenCacheKey({ startUrl: `${START_URL}/` })).not.toBe('7487b5b67d5fa1132cf33fa93ae51ef38cc37752')
  })

  it.each([
    ['a legacy profile', { startUrl: START_URL, region: 'us-east-1' }, '365414a68be7c9bfc776c660981dbdbd942acea4'],
    ['a session with scopes', { startUrl: START_URL, region: 'us-east-1', sessionName: 'mysess', scopes: ['sso:account:access'] }, 'c8b53396d84216b49a86ac09c2efa1fbd930582b'],
    ['a session without scopes', { startUrl: START_URL, region: 'us-east-1', sessionName: 'mysess' }, '614524cddac7292c2d41ba57760277ff5f81b03a'],
    ['a session with an empty scope list', { startUrl: START_URL, region: 'eu-west-1', sessionName: 'mysess', scopes: [] }, '37376f455d6448a3b1aa5c28645137b15b4adb74'],
  ])('the registration cache keys %s', (_, ref, key) => {
    expect(registrationCacheKey(ref)).toBe(key)
  })

  it.each([
    ['an sso-session', { accountId: '123456789012', roleName: 'ReadOnly', ...SESSION }, '911398b4b8ec3d87be978270aeb2decf99f0916c'],
    ['a legacy profile', { accountId: '123456789012', roleName: 'ReadOnly', ...LEGACY }, '30bbb2b1278a4c1fb1b943c46c1ef6501807f657'],
  ])('the role-credential cache keys %s', (_, ref, key) => {
    expect(roleCredentialsCacheKey(ref)).toBe(key)
  })

  it('the files live in ~/.aws/sso/cache and ~/.aws/cli/cache of the home given, or of HOME', () => {
    expect(tokenCachePath(SESSION, { home: '/h' })).toBe(join('/h', '.aws', 'sso', 'cache', 'b293dca1675b2cff32e33527c1160002476b993c.json'))
    expect(tokenCachePath(SESSION, { env: { HOME: '/e' } })).toBe(join('/e', '.aws', 'sso', 'cache', 'b293dca1675b2cff32e33527c1160002476b993c.json'))
    expect(registrationCachePath({ startUrl: START_URL, region: 'us-east-1' }, { home: '/h' })).toBe(
      join('/h', '.aws', 'sso', 'cache', '365414a68be7c9bfc776c660981dbdbd942acea4.json'),
    )
    expect(roleCredentialsCachePath({ accountId: '123456789012', roleName: 'ReadOnly', ...SESSION }, { home: '/h' })).toBe(
      join('/h', '.aws', 'cli', 'cache', '911398b4b8ec3d87be978270aeb2decf99f0916c.json'),
    )
  })
})

describe('the token cache: writing what `aws sso login` writes', () => {
  it('formats a record exactly as the CLI does', () => {
    expect(formatTokenCache(TOKEN)).toBe(CLI_TOKEN)
  })

  it('puts the CLI’s keys in the CLI’s order whatever the record’s order, and cuts milliseconds', () => {
    const shuffled = {
      refreshToken: TOKEN.refreshToken,
      registrationExpiresAt: '2027-03-02T09:05:52.999Z',
      clientSecret: TOKEN.clientSecret,
      accessToken: TOKEN.accessToken,
      expiresAt: '2026-11-29T17:05:53.123Z',
      clientId: TOKEN.clientId,
      region: TOKEN.region,
      startUrl: TOKEN.startUrl,
    }
    expect(formatTokenCache(shuffled)).toBe(CLI_TOKEN)
  })

  it('keeps another tool’s members after the CLI’s, escaped as Python escapes them', () => {
    expect(formatTokenCache({ ...TOKEN, note: 'café 😀 \u2028 "q" \\ \n\t\x7f', extra: { n: [1, 2.5, null, true] } })).toBe(CLI_TOKEN_EXTRA)
  })

  it('leaves out what the record lacks (no refresh token, a legacy device-flow record)', () => {
    const { refreshToken: _, ...rest } = TOKEN
    expect(formatTokenCache(rest)).toBe(CLI_TOKEN.replace(', "refreshToken": "aorAAAAAGk-refresh"', ''))
    expect(formatTokenCache({ accessToken: 'a', expiresAt: '2026-11-29T17:05:53Z' })).toBe('{"accessToken": "a", "expiresAt": "2026-11-29T17:05:53Z"}')
  })

  it('writes the bytes, mode 0600, creating ~/.aws, ~/.aws/sso and ~/.aws/sso/cache with mode 0700', async () => {
    const options = await home()
    const written = await writeTokenCache(SESSION, { ...TOKEN, expiresAt: '2026-11-29T17:05:53.123Z' }, options)
    expect(written).toStrictEqual({ ok: true, value: tokenCachePath(SESSION, options) })
    expect(await readFile(written.value!, 'utf8')).toBe(CLI_TOKEN)
    expect((await stat(written.value!)).mode & 0o777).toBe(0o600)
    for (const dir of ['.aws', '.aws/sso', '.aws/sso/cache']) expect((await stat(join(options.home, dir))).mode & 0o777).toBe(0o700)
    expect(await readdir(ssoCacheDir(options))).toStrictEqual(['b293dca1675b2cff32e33527c1160002476b993c.json'])
  })

  it('replaces a 0644 file with a 0600 one, and leaves the modes of directories it did not create alone', async () => {
    const options = await home()
    await mkdir(join(options.home, '.aws', 'sso', 'cache'), { recursive: true, mode: 0o755 })
    await chmod(join(options.home, '.aws', 'sso', 'cache'), 0o755)
    const path = tokenCachePath(LEGACY, options)
    await writeFile(path, 'old', { mode: 0o644 })
    await chmod(path, 0o644)
    await writeTokenCache(LEGACY, TOKEN, options)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await stat(join(options.home, '.aws', 'sso', 'cache'))).mode & 0o777).toBe(0o755)
    expect(await readFile(path, 'utf8')).toBe(CLI_TOKEN)
  })

  it('rewrites a CLI file with unknown members byte for byte', async () => {
    const options = await home()
    await mkdir(ssoCacheDir(options), { recursive: true })
    const path = tokenCachePath(SESSION, options)
    await writeFile(path, CLI_TOKEN_EXTRA)
    const read = await readTokenCache(SESSION, options)
    expect(read.ok).toBe(true)
    await writeTokenCache(SESSION, read.value!, options)
    expect(await readFile(path, 'utf8')).toBe(CLI_TOKEN_EXTRA)
  })

  it('refuses a record without accessToken or expiresAt and writes nothing', async () => {
    const options = await home()
    const result = await writeTokenCache(SESSION, { expiresAt: 'soon', clientSecret: 'do-not-leak-me' } as never, options)
    expect(result.error?.name).toBe('ValidationError')
    expect(JSON.stringify(result)).not.toContain('do-not-leak-me')
    expect(await listCachedTokens(options)).toStrictEqual({ ok: true, value: [] })
  })

  it('a failed write is a CacheWriteError that leaves no temp file and no secret in its message', async () => {
    const options = await home()
    const path = tokenCachePath(SESSION, options)
    await mkdir(path, { recursive: true }) // a directory where the file goes: the rename fails
    const result = await writeTokenCache(SESSION, TOKEN, options)
    expect(result.ok).toBe(false)
    expect(result.error).toMatchObject({ name: 'CacheWriteError', path, code: expect.stringMatching(/^E/) })
    expect(result.error!.message).toMatch(new RegExp(`^Could not write ${path.replace(/[.\\]/g, '\\$&')}: `))
    for (const secret of [TOKEN.accessToken, TOKEN.clientSecret, TOKEN.refreshToken]) expect(JSON.stringify(result)).not.toContain(secret)
    expect(await readdir(ssoCacheDir(options))).toStrictEqual(['b293dca1675b2cff32e33527c1160002476b993c.json'])
  })
})

describe('the token cache: reading', () => {
  async function withFile(text: string, ref: { sessionName?: string; startUrl: string } = SESSION) {
    const options = await home()
    await mkdir(ssoCacheDir(options), { recursive: true })
    await writeFile(tokenCachePath(ref, options), text)
    return options
  }

  it('reads botocore’s one line with whole seconds', async () => {
    expect(await readTokenCache(SESSION, await withFile(CLI_TOKEN))).toStrictEqual({ ok: true, value: TOKEN })
  })

  it('reads the JS SDK’s rewrite (JSON.stringify(token, null, 2), toISOString with milliseconds)', async () => {
    const sdk = { ...TOKEN, expiresAt: new Date(Date.UTC(2026, 10, 29, 17, 5, 53, 123)).toISOString() }
    const options = await withFile(JSON.stringify(sdk, null, 2))
    expect(await readTokenCache(SESSION, options)).toStrictEqual({ ok: true, value: { ...TOKEN, expiresAt: '2026-11-29T17:05:53.123Z' } })
  })

  it('keeps unknown members', async () => {
    const read = await readTokenCache(SESSION, await withFile(CLI_TOKEN_EXTRA))
    expect(read.value).toStrictEqual({ ...TOKEN, note: 'café 😀 \u2028 "q" \\ \n\t\x7f', extra: { n: [1, 2.5, null, true] } })
  })

  it('a missing file is botocore’s “does not exist”, naming the session or the start URL', async () => {
    const options = await home()
    expect(await readTokenCache(SESSION, options)).toStrictEqual({
      ok: false,
      error: { name: 'CacheNotFoundError', message: 'Error loading SSO Token: Token for mysess does not exist', path: tokenCachePath(SESSION, options) },
    })
    expect((await readTokenCache(LEGACY, options)).error?.message).toBe(`Error loading SSO Token: Token for ${START_URL} does not exist`)
  })

  const invalid: [string, string, { path: string; message: string }[]][] = [
    ['a truncated file (a write cut short)', CLI_TOKEN.slice(0, 120), [{ path: '', message: 'not JSON (truncated or corrupt)' }]],
    ['an empty file', '', [{ path: '', message: 'not JSON (truncated or corrupt)' }]],
    ['garbage', '\u0000\u0000\u0000{', [{ path: '', message: 'not JSON (truncated or corrupt)' }]],
    ['two records run together', `${CLI_TOKEN}${CLI_TOKEN}`, [{ path: '', message: 'not JSON (truncated or corrupt)' }]],
    ['a record without accessToken', '{"expiresAt": "2026-11-29T17:05:53Z", "clientSecret": "do-not-leak-me"}', [{ path: 'accessToken', message: 'is required' }]],
    ['a record without expiresAt', '{"accessToken": "do-not-leak-me"}', [{ path: 'expiresAt', message: 'is required' }]],
    ['an expiresAt that is not a time', '{"accessToken": "do-not-leak-me", "expiresAt": "tomorrow"}', [{ path: 'expiresAt', message: 'expected RFC 3339 date-time, received string' }]],
    ['a number for accessToken', '{"accessToken": 42, "expiresAt": "2026-11-29T17:05:53Z"}', [{ path: 'accessToken', message: 'expected string, received number' }]],
    ['an array', '[]', [{ path: 'accessToken', message: 'is required' }, { path: 'expiresAt', message: 'is required' }]],
    ['null', 'null', [{ path: '', message: 'expected Object, received null' }]],
  ]

  it.each(invalid)('%s is botocore’s “is invalid”, with the reason and no value', async (_, text, issues) => {
    const options = await withFile(text)
    const result = await readTokenCache(SESSION, options)
    expect(result).toStrictEqual({
      ok: false,
      error: { name: 'InvalidCacheError', message: 'Error loading SSO Token: Token for mysess is invalid', path: tokenCachePath(SESSION, options), issues },
    })
    expect(JSON.stringify(result)).not.toContain('do-not-leak-me')
  })

  it('a directory in the file’s place is a CacheReadError', async () => {
    const options = await home()
    await mkdir(tokenCachePath(SESSION, options), { recursive: true })
    expect((await readTokenCache(SESSION, options)).error).toMatchObject({ name: 'CacheReadError', code: 'EISDIR', path: tokenCachePath(SESSION, options) })
  })

  it('a file where the cache directory should be reads as no token', async () => {
    const options = await home()
    await mkdir(join(options.home, '.aws', 'sso'), { recursive: true })
    await writeFile(join(options.home, '.aws', 'sso', 'cache'), 'not a directory')
    expect((await readTokenCache(SESSION, options)).error?.name).toBe('CacheNotFoundError')
  })
})

describe('tokenCacheStorage(): the token cache as a createTokenProvider store', () => {
  it('serves a fresh token from the file, with no request', async () => {
    const options = await home()
    const token = { ...TOKEN, expiresAt: new Date(Date.now() + 3_600_000).toISOString() }
    await writeTokenCache(SESSION, token, options)
    let requests = 0
    const getToken = createTokenProvider({
      storage: tokenCacheStorage(options),
      key: 'mysess',
      fetch: async () => {
        requests++
        return new Response('{}', { status: 500 })
      },
    })
    const got = await getToken()
    expect(got.ok).toBe(true)
    expect(got.value?.accessToken).toBe(TOKEN.accessToken)
    expect(requests).toBe(0)
  })

  it('nothing stored is a NoSessionError; setItem writes the CLI’s bytes', async () => {
    const options = await home()
    const storage = tokenCacheStorage(options)
    expect(await storage.getItem('mysess')).toBeNull()
    expect((await createTokenProvider({ storage, key: 'mysess' })()).error?.name).toBe('NoSessionError')
    await storage.setItem('mysess', JSON.stringify({ ...TOKEN, expiresAt: '2026-11-29T17:05:53.123Z' }))
    expect(await readFile(tokenCachePath(SESSION, options), 'utf8')).toBe(CLI_TOKEN)
    expect(await storage.getItem('mysess')).toBe(CLI_TOKEN)
  })

  it('a failure rejects with a message and no secret', async () => {
    const options = await home()
    await mkdir(tokenCachePath(SESSION, options), { recursive: true })
    const storage = tokenCacheStorage(options)
    await expect(storage.setItem('mysess', JSON.stringify(TOKEN))).rejects.toThrow(/^Could not write /)
    await expect(storage.setItem('mysess', 'aoaAAAA-not-json')).rejects.toThrow('Not a session record (not JSON)')
    await expect(storage.getItem('mysess')).rejects.toThrow(/^Could not read /)
  })
})

describe('the registration cache', () => {
  const NOW = Date.UTC(2026, 10, 29, 12, 0, 0)
  const SESSION_REF = { startUrl: START_URL, region: 'us-east-1', sessionName: 'mysess', scopes: ['sso:account:access'] }
  const OUTPUT = { clientId: 'c', clientSecret: 's', clientSecretExpiresAt: 1803978352, clientIdIssuedAt: 1796202352 }

  it.each([
    ['the device flow for a session', { flow: 'device', startUrl: START_URL, sessionName: 'mysess' }, { clientName: 'botocore-client-mysess', clientType: 'public' }],
    [
      'the device flow with scopes',
      { flow: 'device', startUrl: START_URL, sessionName: 'mysess', scopes: ['sso:account:access'] },
      { clientName: 'botocore-client-mysess', clientType: 'public', scopes: ['sso:account:access'] },
    ],
    ['the device flow for a legacy profile', { flow: 'device', startUrl: START_URL, now: NOW + 999 }, { clientName: `botocore-client-${NOW / 1000}`, clientType: 'public' }],
    [
      'PKCE, scopes defaulted',
      { flow: 'pkce', startUrl: START_URL, sessionName: 'mysess' },
      {
        clientName: 'botocore-client-mysess',
        clientType: 'public',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['http://127.0.0.1/oauth/callback'],
        issuerUrl: START_URL,
        scopes: ['sso:account:access'],
      },
    ],
    [
      'PKCE with scopes',
      { flow: 'pkce', startUrl: START_URL, sessionName: 'mysess', scopes: ['sso:account:access', 'codewhisperer:completions'] },
      {
        clientName: 'botocore-client-mysess',
        clientType: 'public',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['http://127.0.0.1/oauth/callback'],
        issuerUrl: START_URL,
        scopes: ['sso:account:access', 'codewhisperer:completions'],
      },
    ],
    [
      'PKCE with an empty scope list, defaulted as `scopes or [default]`',
      { flow: 'pkce', startUrl: START_URL, sessionName: 'mysess', scopes: [] },
      {
        clientName: 'botocore-client-mysess',
        clientType: 'public',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['http://127.0.0.1/oauth/callback'],
        issuerUrl: START_URL,
        scopes: ['sso:account:access'],
      },
    ],
  ] as const)('RegisterClient for %s', (_, options, input) => {
    expect(registerClientInput(options)).toStrictEqual(input)
  })

  it.each([
    ['the device flow', registerClientInput({ flow: 'device', startUrl: START_URL, sessionName: 'mysess' }), '{"clientId": "c", "clientSecret": "s", "expiresAt": "2027-03-02T09:05:52Z"}'],
    [
      'the device flow with scopes',
      registerClientInput({ flow: 'device', startUrl: START_URL, sessionName: 'mysess', scopes: ['sso:account:access'] }),
      '{"clientId": "c", "clientSecret": "s", "expiresAt": "2027-03-02T09:05:52Z", "scopes": ["sso:account:access"]}',
    ],
    [
      'PKCE',
      registerClientInput({ flow: 'pkce', startUrl: START_URL, sessionName: 'mysess' }),
      '{"clientId": "c", "clientSecret": "s", "expiresAt": "2027-03-02T09:05:52Z", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}',
    ],
  ])('caches a registration for %s as the CLI does, byte for byte', async (_, input, bytes) => {
    const options = await home()
    const registration = toCachedRegistration(input, OUTPUT)
    expect(registration.ok).toBe(true)
    const written = await writeRegistrationCache(SESSION_REF, registration.value!, options)
    expect(written).toStrictEqual({ ok: true, value: join(ssoCacheDir(options), 'c8b53396d84216b49a86ac09c2efa1fbd930582b.json') })
    expect(await readFile(written.value!, 'utf8')).toBe(bytes)
    expect((await stat(written.value!)).mode & 0o777).toBe(0o600)
    expect(await readRegistrationCache(SESSION_REF, options)).toStrictEqual({ ok: true, value: JSON.parse(bytes) })
  })

  it('a registration response without its client or expiry is a ValidationError', () => {
    const input = registerClientInput({ flow: 'device', startUrl: START_URL })
    expect(toCachedRegistration(input, { clientId: 'c' })).toStrictEqual({
      ok: false,
      error: {
        name: 'ValidationError',
        message: 'Invalid input: clientSecret: is required; clientSecretExpiresAt: is required',
        issues: [
          { path: 'clientSecret', message: 'is required' },
          { path: 'clientSecretExpiresAt', message: 'is required' },
        ],
      },
    })
  })

  const reg = (expiresAt: number, grantTypes?: string[]): CachedRegistration => ({
    clientId: 'c',
    clientSecret: 's',
    expiresAt: new Date(expiresAt).toISOString(),
    ...(grantTypes && { grantTypes }),
  })
  const PKCE = ['authorization_code', 'refresh_token']
  it.each([
    ['device, 15 minutes left', reg(NOW + 900_000), 'device', true],
    ['device, a millisecond under 15 minutes left', reg(NOW + 899_999), 'device', false],
    ['device, expired', reg(NOW - 1), 'device', false],
    ['device, a PKCE registration', reg(NOW + 86_400_000, PKCE), 'device', false],
    ['pkce, a PKCE registration', reg(NOW + 86_400_000, PKCE), 'pkce', true],
    ['pkce, a device registration (no grantTypes)', reg(NOW + 86_400_000), 'pkce', false],
    ['pkce, grantTypes without authorization_code', reg(NOW + 86_400_000, ['refresh_token']), 'pkce', false],
    ['pkce, a PKCE registration about to expire', reg(NOW + 60_000, PKCE), 'pkce', false],
  ] as const)('isRegistrationUsable: %s → %s', (_, registration, flow, usable) => {
    expect(isRegistrationUsable(registration, flow, NOW)).toBe(usable)
  })

  it('reads the CLI’s file and the JS-style one; a missing or broken one is typed', async () => {
    const options = await home()
    await mkdir(ssoCacheDir(options), { recursive: true })
    const path = registrationCachePath({ startUrl: START_URL, region: 'us-east-1' }, options)
    expect((await readRegistrationCache({ startUrl: START_URL, region: 'us-east-1' }, options)).error).toStrictEqual({
      name: 'CacheNotFoundError',
      message: `No client registration is cached for ${START_URL}`,
      path,
    })
    await writeFile(path, '{"clientId": "c", "clientSecret": "s", "expiresAt": "2027-03-02T09:05:52Z"}')
    expect((await readRegistrationCache({ startUrl: START_URL, region: 'us-east-1' }, options)).value).toStrictEqual({ clientId: 'c', clientSecret: 's', expiresAt: '2027-03-02T09:05:52Z' })
    await writeFile(path, '{"clientId": "c", "clientSecret": "s", "expi')
    expect((await readRegistrationCache({ startUrl: START_URL, region: 'us-east-1' }, options)).error).toStrictEqual({
      name: 'InvalidCacheError',
      message: `The client registration cached for ${START_URL} is invalid`,
      path,
      issues: [{ path: '', message: 'not JSON (truncated or corrupt)' }],
    })
    await writeFile(path, '{"clientId": "c", "expiresAt": "2027-03-02T09:05:52Z"}')
    expect((await readRegistrationCache({ startUrl: START_URL, region: 'us-east-1' }, options)).error).toMatchObject({ issues: [{ path: 'clientSecret', message: 'is required' }] })
  })

  it('writing a record that is not a registration writes nothing', async () => {
    const options = await home()
    expect((await writeRegistrationCache(SESSION_REF, { clientId: 'c' } as never, options)).error?.name).toBe('ValidationError')
    await expect(readdir(ssoCacheDir(options))).rejects.toMatchObject({ code: 'ENOENT' })
  })
})

describe('the role-credential cache', () => {
  const REF = { accountId: '123456789012', roleName: 'ReadOnly', ...SESSION }
  const CREDENTIALS = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'wJalr/secret', sessionToken: 'IQoJb3Jp/token', expiration: 1795971953999 }
  const CLI_ROLE =
    '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "wJalr/secret", "SessionToken": "IQoJb3Jp/token", "Expiration": "2026-11-29T17:05:53Z", "AccountId": "123456789012"}}'

  it('writes what the CLI’s SSO provider writes, mode 0600 in a 0700 ~/.aws/cli/cache', async () => {
    const options = await home()
    const written = await writeRoleCredentialsCache(REF, CREDENTIALS, options)
    expect(written).toStrictEqual({ ok: true, value: join(options.home, '.aws', 'cli', 'cache', '911398b4b8ec3d87be978270aeb2decf99f0916c.json') })
    expect(await readFile(written.value!, 'utf8')).toBe(CLI_ROLE)
    expect((await stat(written.value!)).mode & 0o777).toBe(0o600)
    for (const dir of ['.aws', '.aws/cli', '.aws/cli/cache']) expect((await stat(join(options.home, dir))).mode & 0o777).toBe(0o700)
    expect(await readRoleCredentialsCache(REF, options)).toStrictEqual({
      ok: true,
      value: { ...CREDENTIALS, expiration: Date.UTC(2026, 10, 29, 17, 5, 53), accountId: '123456789012' },
    })
  })

  it('reads an older CLI’s file (no AccountId) and an isoformat() expiration', async () => {
    const options = await home()
    const path = roleCredentialsCachePath({ ...REF, sessionName: undefined }, options)
    await mkdir(join(options.home, '.aws', 'cli', 'cache'), { recursive: true })
    await writeFile(path, '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "2026-11-29T17:05:53+00:00"}}')
    expect((await readRoleCredentialsCache({ accountId: REF.accountId, roleName: REF.roleName, startUrl: START_URL }, options)).value).toStrictEqual({
      accessKeyId: 'A',
      secretAccessKey: 'S',
      sessionToken: 'T',
      expiration: Date.UTC(2026, 10, 29, 17, 5, 53),
    })
  })

  it('a missing, truncated or incomplete file is typed, and holds no secret', async () => {
    const options = await home()
    const path = roleCredentialsCachePath(REF, options)
    expect((await readRoleCredentialsCache(REF, options)).error).toStrictEqual({
      name: 'CacheNotFoundError',
      message: 'No credentials are cached for role ReadOnly in account 123456789012',
      path,
    })
    await writeRoleCredentialsCache(REF, CREDENTIALS, options)
    await writeFile(path, CLI_ROLE.slice(0, 90))
    const truncated = await readRoleCredentialsCache(REF, options)
    expect(truncated.error).toMatchObject({ name: 'InvalidCacheError', message: 'The credentials cached for role ReadOnly in account 123456789012 are invalid' })
    await writeFile(path, '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "A", "SecretAccessKey": "wJalr/secret", "Expiration": "2026-11-29T17:05:53Z"}}')
    const incomplete = await readRoleCredentialsCache(REF, options)
    expect(incomplete.error).toMatchObject({ issues: [{ path: 'Credentials.SessionToken', message: 'is required' }] })
    expect(JSON.stringify(incomplete)).not.toContain('wJalr/secret')
  })

  it('credentials missing a member are a ValidationError, and nothing is written', async () => {
    const options = await home()
    const { sessionToken: _, ...partial } = CREDENTIALS
    expect((await writeRoleCredentialsCache(REF, partial as never, options)).error).toMatchObject({ name: 'ValidationError', issues: [{ path: 'sessionToken', message: 'is required' }] })
    expect((await listCachedRoleCredentials(options)).value).toStrictEqual([])
  })

  it.each([
    [15 * 60_000, true],
    [15 * 60_000 - 1, false],
    [-1, false],
    [3_600_000, true],
  ])('isRoleCredentialsUsable with %d ms left → %s', (left, usable) => {
    expect(isRoleCredentialsUsable({ ...CREDENTIALS, expiration: 1_000_000_000_000 + left }, 1_000_000_000_000)).toBe(usable)
  })
})

describe('what a logout finds and deletes', () => {
  it('lists token files (not registrations, not junk), and the SSO entries of the CLI cache (not assume-role ones)', async () => {
    const options = await home()
    await writeTokenCache(SESSION, TOKEN, options)
    await writeTokenCache({ startUrl: 'https://other.awsapps.com/start' }, { accessToken: 'other', expiresAt: '2026-01-01T00:00:00Z' }, options)
    await writeRegistrationCache({ startUrl: START_URL, region: 'us-east-1' }, { clientId: 'c', clientSecret: 's', expiresAt: '2027-03-02T09:05:52Z' }, options)
    await writeFile(join(ssoCacheDir(options), 'junk.json'), '{"accessTo')
    await writeFile(join(ssoCacheDir(options), 'notes.txt'), '{"accessToken": "not a json file name"}')
    await writeFile(join(ssoCacheDir(options), 'array.json'), '[{"accessToken": "x"}]')
    const sso = await writeRoleCredentialsCache({ accountId: '1', roleName: 'R', ...SESSION }, { accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T', expiration: 1 }, options)
    const assumeRole = join(options.home, '.aws', 'cli', 'cache', 'assume-role.json')
    await writeFile(assumeRole, '{"Credentials": {"AccessKeyId": "A"}, "AssumedRoleUser": {"Arn": "arn"}}')

    const tokens = await listCachedTokens(options)
    expect(tokens).toStrictEqual({
      ok: true,
      value: [
        { path: tokenCachePath(SESSION, options), accessToken: TOKEN.accessToken, region: 'us-east-1', startUrl: START_URL },
        { path: tokenCachePath({ startUrl: 'https://other.awsapps.com/start' }, options), accessToken: 'other' },
      ].sort((a, b) => (a.path < b.path ? -1 : 1)),
    })
    expect(await listCachedRoleCredentials(options)).toStrictEqual({ ok: true, value: [sso.value] })

    for (const { path } of tokens.value!) expect(await deleteCacheFile(path)).toStrictEqual({ ok: true, value: true })
    expect(await deleteCacheFile(sso.value!)).toStrictEqual({ ok: true, value: true })
    expect(await deleteCacheFile(sso.value!)).toStrictEqual({ ok: true, value: false })
    expect((await readdir(ssoCacheDir(options))).sort()).toStrictEqual(['365414a68be7c9bfc776c660981dbdbd942acea4.json', 'array.json', 'junk.json', 'notes.txt'])
    expect(await readdir(join(options.home, '.aws', 'cli', 'cache'))).toStrictEqual(['assume-role.json'])
  })

  it('no cache directories: nothing to list', async () => {
    const options = await home()
    expect(await listCachedTokens(options)).toStrictEqual({ ok: true, value: [] })
    expect(await listCachedRoleCredentials(options)).toStrictEqual({ ok: true, value: [] })
  })

  it('a directory cannot be deleted as a file: CacheWriteError', async () => {
    const options = await home()
    const dir = join(options.home, 'a-directory.json')
    await mkdir(dir)
    expect((await deleteCacheFile(dir)).error).toMatchObject({ name: 'CacheWriteError', path: dir })
  })
})

describe('atomic writes under concurrent processes', () => {
  it('readers see no file or a whole record, never a partial one, while 4 processes each write the same file 150 times', { timeout: 60_000 }, async () => {
    const options = await home()
    const bundle = join(options.home, 'cache.mjs')
    await build({ entryPoints: [join(ROOT, 'src/node/cache.ts')], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' })
    const worker = join(options.home, 'writer.mjs')
    // Each writer's record is big (hundreds of KB) and of its own size, so a torn or interleaved write could not parse.
    await writeFile(
      worker,
      `import { writeTokenCache } from './cache.mjs'
const [id, times, home] = process.argv.slice(2)
const padding = String(id).repeat(100_000 * (Number(id) + 1))
for (let i = 0; i < Number(times); i++) {
  const written = await writeTokenCache({ sessionName: 'race' }, { accessToken: 'writer-' + id, expiresAt: '2026-11-29T17:05:53Z', writer: Number(id), i, padding }, { home })
  if (!written.ok) { console.error(written.error.message); process.exit(1) }
}
`,
    )
    const path = tokenCachePath({ sessionName: 'race', startUrl: '' }, options)
    const writers = [0, 1, 2, 3].map(
      (id) =>
        new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, [worker, String(id), '150', options.home], { stdio: ['ignore', 'ignore', 'inherit'] })
          child.on('exit', resolve)
        }),
    )
    let done = false
    const exits = Promise.all(writers).finally(() => (done = true))
    let absent = 0
    let whole = 0
    const bad: string[] = []
    while (!done) {
      let text: string
      try {
        text = await readFile(path, 'utf8')
      } catch (error) {
        if ((error as { code?: string }).code !== 'ENOENT') throw error
        absent++
        continue
      }
      try {
        const record = JSON.parse(text) as { accessToken: string; writer: number; padding: string }
        if (record.accessToken !== `writer-${record.writer}` || record.padding.length !== 100_000 * (record.writer + 1)) bad.push(text.slice(0, 80))
        whole++
      } catch {
        bad.push(`${text.length} bytes: ${text.slice(0, 40)}…${text.slice(-40)}`)
      }
    }
    expect(await exits).toStrictEqual([0, 0, 0, 0])
    expect(bad).toStrictEqual([])
    expect(whole).toBeGreaterThan(10)
    expect(absent + whole).toBeGreaterThan(10)
    // Nothing left behind: no temp file, one record, mode 0600.
    expect(await readdir(ssoCacheDir(options))).toStrictEqual([`${tokenCacheKey({ sessionName: 'race', startUrl: '' })}.json`])
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await readTokenCache({ sessionName: 'race', startUrl: '' }, options)).ok).toBe(true)
  })
})
