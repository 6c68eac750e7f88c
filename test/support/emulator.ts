/**
 * What the emulator's test suites (test/emulator.test.ts, test/emulator-portal.test.ts) share: the grant and token
 * types and fixed values of the wire, the two ways to reach an emulator, and unwrapping a Result.
 */
import { onTestFinished } from 'vitest'
import type { Emulator } from '../../src/emulator/index'
import { listen } from '../../src/emulator/node'
import type { Options, Result } from '../../src/index'

export const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'
export const START_URL = 'https://my-org.awsapps.com/start'
export const APPLICATION = 'arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222'
export const ASSERTION = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl'
export const IAM = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** How the tests reach an emulator: the library's options, and a base URL with the `fetch` that reaches it. */
export type Transport = (emulator: Emulator) => Promise<{ options: Options; base: string; fetch: typeof fetch }>

/** The same suite runs with the emulator's `fetch` in process (at the service's own `host`) and over real HTTP on loopback. */
export const transports = (host: string): [string, Transport][] => [
  [
    'in process',
    async (emulator) => ({ options: { region: 'us-east-1', fetch: emulator.fetch, retry: 0 }, base: `https://${host}`, fetch: emulator.fetch }),
  ],
  [
    'over HTTP on loopback',
    async (emulator) => {
      const server = await listen(emulator, { port: 0 })
      onTestFinished(() => server.close())
      return { options: { region: 'us-east-1', endpoint: server.url, retry: 0 }, base: server.url, fetch }
    },
  ],
]

/** The value of a Result that must have succeeded. */
export function value<T>(result: Result<T, unknown>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`)
  return result.value
}

/** The error of a Result that must have failed. */
export function failure<E>(result: Result<unknown, E>): E {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`)
  return result.error
}
