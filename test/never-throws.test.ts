/**
 * "Never throws" for every exported function of ssooidc/node and ssooidc/portal, with hostile callers: arguments
 * that are Proxies throwing on every trap (or throwing themselves), revoked Proxies, Symbols, getters that throw,
 * `null` where an object goes, and options pointing at files that are not there or not files. Each call must
 * settle (within 5 s: no pager loops forever), with a Result, and never reject. The home directory is a throwaway
 * one and `fetch` refuses everything, so nothing here reads the real ~/.aws or reaches a network.
 */
import fc from 'fast-check'
import { mkdtempSync, rmSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import * as node from '../src/node/index'
import * as portal from '../src/portal/index'

let home: string

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'ssooidc-hostile-'))
  mkdirSync(join(home, '.aws', 'sso', 'cache'), { recursive: true })
  // Files that are not what they should be: a directory where the config goes, a cache entry that is not JSON.
  mkdirSync(join(home, 'config-is-a-dir'))
  writeFileSync(join(home, '.aws', 'sso', 'cache', 'broken.json'), '{"accessToken": ')
  writeFileSync(join(home, '.aws', 'config'), '[profile p]\nsso_session = s\n[sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n')
  vi.stubEnv('HOME', home)
  vi.stubEnv('AWS_CONFIG_FILE', join(home, '.aws', 'config'))
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(home, '.aws', 'credentials'))
  vi.stubEnv('AWS_PROFILE', 'p')
  // Whatever a hostile option asks for, no request leaves the process.
  vi.stubGlobal('fetch', () => Promise.reject(new TypeError('fetch failed')))
})

afterAll(() => {
  vi.unstubAllEnvs()
  vi.unstubAllGlobals()
  rmSync(home, { recursive: true, force: true })
})

const selfThrowing = (): object => {
  const proxy: object = new Proxy({}, { get: () => { throw proxy }, has: () => { throw proxy }, getPrototypeOf: () => { throw proxy }, ownKeys: () => { throw proxy } })
  return proxy
}
const throwingGetter = (key: string) => Object.defineProperty({}, key, { enumerable: true, get: () => { throw Symbol('getter') } })

/** One hostile value, made fresh for each call. */
const hostile = fc.oneof(
  fc.constantFrom<() => unknown>(
    () => null,
    () => undefined,
    () => Symbol('odd'),
    () => 42n,
    selfThrowing,
    () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy },
    () => ({ toString() { throw new Error('no') } }),
    () => throwingGetter('profile'),
    () => throwingGetter('env'),
    () => throwingGetter('accessToken'),
    () => ({ env: selfThrowing() }),
    () => ({ home: 42 }),
    () => ({ configFile: join(home, 'config-is-a-dir') }),
    () => ({ profile: Symbol('p') }),
    () => ({ ssoSession: 'nowhere', home }),
    () => ({ sessionName: null, startUrl: undefined }),
    () => ({ accessToken: 'a', accountId: 'b', roleName: 'c', nextToken: selfThrowing(), region: 'us-east-1' }),
    () => ({ region: 'us-east-1', fetch: () => new Promise(() => {}), timeout: 50, retry: { maxAttempts: 1 } }),
    () => ({ region: 'us-east-1', fetch: () => { throw selfThrowing() } }),
  ),
  fc.anything().map((value) => () => value),
)

type Fn = (...args: unknown[]) => unknown
const FUNCTIONS: Record<string, Fn> = {}
for (const [name, value] of [...Object.entries(node), ...Object.entries(portal)]) {
  // The exported functions (schemas are valibot objects, not functions; `startCallbackServer` listens, see below).
  if (typeof value === 'function' && !('kind' in value) && name !== 'tokenCacheStorage') FUNCTIONS[name] = value as Fn
}

/** Settles within `ms`, or says it did not. */
const settled = (value: unknown, ms: number) =>
  Promise.race([
    Promise.resolve(value).then(
      (result) => ({ resolved: result }),
      (error: unknown) => ({ rejected: String(typeof error === 'symbol' ? error.description : error) }),
    ),
    new Promise((resolve) => setTimeout(() => resolve('never settled'), ms)),
  ])

describe('every exported function of ssooidc/node and ssooidc/portal, with hostile callers', () => {
  it('covers the entry points', () => {
    expect(Object.keys(FUNCTIONS).sort()).toStrictEqual(
      [
        'deleteCacheFile',
        'getProfileCredentials',
        'getRoleCredentials',
        'getSsoToken',
        'listAccountRoles',
        'listAccounts',
        'listAllAccountRoles',
        'listAllAccounts',
        'listCachedRoleCredentials',
        'listCachedTokens',
        'logout',
        'readRegistrationCache',
        'readRoleCredentialsCache',
        'readTokenCache',
        'resolveConfiguredEndpoints',
        'resolveEndpoint',
        'resolveSsoConfig',
        'signIn',
        'startCallbackServer',
        'writeRegistrationCache',
        'writeRoleCredentialsCache',
        'writeTokenCache',
      ].sort(),
    )
  })

  for (const [name, fn] of Object.entries(FUNCTIONS)) {
    it(`${name} never throws, never rejects, always settles with a Result`, async () => {
      await fc.assert(
        fc.asyncProperty(hostile, hostile, hostile, async (a, b, c) => {
          let outcome: unknown
          try {
            outcome = await settled(fn(a(), b(), c()), 5000)
          } catch (error) {
            outcome = { threw: String(error) }
          }
          expect(outcome).toMatchObject({ resolved: { ok: expect.any(Boolean) } })
          const result = (outcome as { resolved: { ok: boolean; value?: { close?: () => void } } }).resolved
          // A callback server that did start is closed again.
          if (result.ok && typeof result.value?.close === 'function') result.value.close()
        }),
        { numRuns: 60 },
      )
    }, 120_000)
  }

  it("tokenCacheStorage's methods reject (the provider's contract) but never with a secret, and the provider turns that into a StoreError", async () => {
    const storage = node.tokenCacheStorage({ home })
    await expect(storage.setItem('k', 'not json {"accessToken": "Sk3y-secret"')).rejects.toThrow(/^Not a session record/)
    const { createTokenProvider } = await import('../src/sessions')
    const getToken = createTokenProvider({ storage, key: 'broken', region: 'us-east-1' })
    const token = await getToken()
    expect(token.ok).toBe(false)
  })
})
