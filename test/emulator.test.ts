import { createHash, randomBytes } from 'node:crypto'
import { AwsV4Signer } from 'aws4fetch'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import model from '../model/service-2.json'
import { createEmulator, type EmulatorOptions } from '../src/emulator/index'
import { createToken, createTokenWithIAM, registerClient, startDeviceAuthorization, type Options } from '../src/index'
import { DEVICE_CODE, JWT_BEARER, TOKEN_EXCHANGE, ACCESS_TOKEN_TYPE, START_URL, APPLICATION, ASSERTION, IAM, UUID, failure, transports, value } from './support/emulator'

const CALLBACK = 'http://127.0.0.1/oauth/callback'
const T0 = Math.floor(Date.now() / 1000) * 1000 // whole seconds: issue times are exact; near real time, as SigV4 needs
const ERROR_NAMESPACE = 'http://internal.amazon.com/coral/com.amazonaws.sso.oidc/'

const challengeOf = (verifier: string) => createHash('sha256').update(verifier).digest('base64url')
const newVerifier = () => randomBytes(48).toString('base64url')
const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})

/** Signs a raw CreateTokenWithIAM request as any SigV4 client would; `url` must be the one sent to. */
async function signed(url: string, body: string): Promise<RequestInit> {
  const headers = { 'content-type': 'application/json' }
  const request = await new AwsV4Signer({ url, method: 'POST', headers, body, ...IAM, service: 'sso-oauth', region: 'us-east-1' }).sign()
  return { method: 'POST', headers: request.headers, body }
}

describe.each(transports('oidc.us-east-1.amazonaws.com'))('The emulator, %s,', (_, connect) => {
  /** A fresh emulator on a fake clock (starting at T0), reached through the transport. */
  async function setup(emulatorOptions: EmulatorOptions = {}) {
    let now = T0
    const emulator = createEmulator({ clock: () => now, ...emulatorOptions })
    const { options, base, fetch } = await connect(emulator)
    const raw = (path: string, init?: RequestInit) => fetch(base + path, { redirect: 'manual', ...init })
    const tick = (seconds: number) => void (now += seconds * 1000)
    const register = async (input: Partial<Parameters<typeof registerClient>[0]> = {}) => {
      const client = value(await registerClient({ clientName: 'test', clientType: 'public', ...input }, options))
      return { clientId: client.clientId!, clientSecret: client.clientSecret! }
    }
    const startDevice = async (client: { clientId: string; clientSecret: string }) =>
      value(await startDeviceAuthorization({ ...client, startUrl: START_URL }, options))
    const poll = (client: { clientId: string; clientSecret: string }, deviceCode: string) =>
      createToken({ ...client, grantType: DEVICE_CODE, deviceCode }, options)
    const authorizeUrl = (clientId: string, verifier: string, params: Record<string, string> = {}) =>
      '/authorize?' +
      new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: 'http://127.0.0.1:43210/oauth/callback',
        state: 'state-123',
        code_challenge_method: 'S256',
        scopes: 'sso:account:access',
        code_challenge: challengeOf(verifier),
        ...params,
      }).toString()
    /** A client registered as the AWS CLI's sso-session does, and an authorization code for it. */
    const authCodeClient = async () => {
      const client = await register({
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: [CALLBACK],
        issuerUrl: START_URL,
        scopes: ['sso:account:access'],
      })
      const verifier = newVerifier()
      const response = await raw(authorizeUrl(client.clientId, verifier))
      const code = new URL(response.headers.get('location')!).searchParams.get('code')!
      const input = {
        ...client,
        grantType: 'authorization_code',
        code,
        redirectUri: 'http://127.0.0.1:43210/oauth/callback',
        codeVerifier: verifier,
      }
      return { client, input, response }
    }
    return { emulator, options, base, raw, tick, register, startDevice, poll, authorizeUrl, authCodeClient }
  }

  describe('RegisterClient', () => {
    test('registers a public client with epoch-second issue and expiry times 90 days apart', async () => {
      const { options } = await setup()
      const client = value(await registerClient({ clientName: 'test', clientType: 'public' }, options))
      expect(client).toStrictEqual({
        clientId: expect.stringMatching(/^[\w-]{16,}$/),
        clientSecret: expect.stringMatching(/^[\w-]{32,}$/),
        clientIdIssuedAt: T0 / 1000,
        clientSecretExpiresAt: T0 / 1000 + 90 * 24 * 3600,
      })
    })

    test.each([
      ['a confidential client type', { clientType: 'confidential' }, 'InvalidClientMetadataException'],
      ['a grant type it cannot register', { grantTypes: ['password'] }, 'UnsupportedGrantTypeException'],
      ['a jwt-bearer grant type', { grantTypes: [JWT_BEARER] }, 'UnsupportedGrantTypeException'],
      ['a relative redirect URI', { redirectUris: ['/oauth/callback'] }, 'InvalidRedirectUriException'],
      ['a redirect URI with a fragment', { redirectUris: ['http://127.0.0.1/cb#x'] }, 'InvalidRedirectUriException'],
      ['an empty scope', { scopes: [''] }, 'InvalidScopeException'],
    ])('refuses %s with %s', async (_, input, name) => {
      const { options } = await setup()
      const error = failure(await registerClient({ clientName: 'test', clientType: 'public', ...input }, options))
      expect(error).toMatchObject({ name, status: 400 })
    })
  })

  describe('the device flow', () => {
    test('answers StartDeviceAuthorization as the service does', async () => {
      const { register, startDevice } = await setup({ region: 'eu-west-1' })
      const device = await startDevice(await register())
      expect(device).toStrictEqual({
        deviceCode: expect.stringMatching(/^[\w-]{32,}$/),
        userCode: expect.stringMatching(/^[A-Z]{4}-[A-Z]{4}$/),
        verificationUri: 'https://device.sso.eu-west-1.amazonaws.com/',
        verificationUriComplete: `https://device.sso.eu-west-1.amazonaws.com/?user_code=${device.userCode}`,
        expiresIn: 600,
        interval: 1,
      })
    })

    test('is pending until the user approves, then gives tokens once', async () => {
      const { emulator, register, startDevice, poll, tick } = await setup()
      const client = await register()
      const device = await startDevice(client)
      expect(failure(await poll(client, device.deviceCode!))).toStrictEqual({
        name: 'AuthorizationPendingException',
        message: 'Authorization is still pending',
        status: 400,
        error: 'authorization_pending',
        description: 'Authorization is still pending',
        requestId: expect.stringMatching(UUID),
      })
      expect(emulator.approve(device.userCode!)).toBe(true)
      tick(1)
      // No refresh token and an 8-hour token: the client registered neither scopes nor the `refresh_token` grant.
      expect(value(await poll(client, device.deviceCode!))).toStrictEqual({
        accessToken: expect.stringMatching(/^aoa[\w-]+$/),
        tokenType: 'Bearer',
        expiresIn: 28800,
      })
      tick(1)
      expect(failure(await poll(client, device.deviceCode!)).name).toBe('InvalidGrantException')
      expect(emulator.approve(device.userCode!)).toBe(false)
    })

    test('gives a refresh token to a client that registered the refresh_token grant', async () => {
      const { emulator, register, startDevice, poll } = await setup({ autoApproveAfter: 0 })
      const client = await register({ grantTypes: [DEVICE_CODE, 'refresh_token'] })
      const device = await startDevice(client)
      expect(emulator.approve(device.userCode!)).toBe(false) // already approved by autoApproveAfter: 0
      expect(value(await poll(client, device.deviceCode!))).toStrictEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 3600,
        refreshToken: expect.stringMatching(/^aor[\w-]+$/),
      })
    })

    test('answers SlowDownException to a poll within the interval, growing that interval by 5 s each time', async () => {
      const { register, startDevice, poll, tick } = await setup({ interval: 2 })
      const client = await register()
      const { deviceCode } = await startDevice(client)
      const after = async (seconds: number) => (tick(seconds), failure(await poll(client, deviceCode!)).name)
      expect(await after(0)).toBe('AuthorizationPendingException')
      expect(await after(1.999)).toBe('SlowDownException') // interval 2 → 7
      expect(await after(6.999)).toBe('SlowDownException') // interval 7 → 12
      expect(await after(12)).toBe('AuthorizationPendingException')
      expect(await after(12)).toBe('AuthorizationPendingException')
      expect(await after(11.999)).toBe('SlowDownException') // interval 12 → 17
    })

    test('never answers SlowDownException with interval 0', async () => {
      const { register, startDevice, poll } = await setup({ interval: 0 })
      const client = await register()
      const { deviceCode, interval } = await startDevice(client)
      const names = await Promise.all([1, 2, 3].map(async () => failure(await poll(client, deviceCode!)).name))
      expect({ interval, names }).toStrictEqual({ interval: 0, names: Array(3).fill('AuthorizationPendingException') })
    })

    test('answers ExpiredTokenException once the device code has expired, and cannot be approved then', async () => {
      const { emulator, register, startDevice, poll, tick } = await setup({ deviceCodeExpiresIn: 60 })
      const client = await register()
      const device = await startDevice(client)
      tick(60)
      expect(emulator.approve(device.userCode!)).toBe(false)
      expect(failure(await poll(client, device.deviceCode!)).name).toBe('ExpiredTokenException')
    })

    test('answers AccessDeniedException when the user denies', async () => {
      const { emulator, register, startDevice, poll } = await setup()
      const client = await register()
      const device = await startDevice(client)
      expect(emulator.deny(device.userCode!)).toBe(true)
      expect(emulator.approve(device.userCode!)).toBe(false)
      expect(failure(await poll(client, device.deviceCode!))).toMatchObject({ name: 'AccessDeniedException', status: 400 })
    })

    test('approves itself after autoApproveAfter milliseconds of clock time', async () => {
      const { register, startDevice, poll, tick } = await setup({ autoApproveAfter: 5000 })
      const client = await register()
      const { deviceCode } = await startDevice(client)
      tick(4.999)
      expect(failure(await poll(client, deviceCode!)).name).toBe('AuthorizationPendingException')
      tick(1)
      expect(value(await poll(client, deviceCode!)).tokenType).toBe('Bearer')
    })

    test.each([
      ['an unknown user code', () => 'BCDF-GHJK', false],
      ['the user code in lower case without its dash', (code: string) => code.toLowerCase().replace('-', ''), true],
    ])('approve() with %s returns %s', async (_, userCode, expected) => {
      const { emulator, register, startDevice } = await setup()
      const device = await startDevice(await register())
      expect(emulator.approve(userCode(device.userCode!))).toBe(expected)
    })

    test('refuses a device code to any client but its own', async () => {
      const { emulator, register, startDevice, poll } = await setup()
      const device = await startDevice(await register())
      emulator.approve(device.userCode!)
      expect(failure(await poll(await register(), device.deviceCode!)).name).toBe('InvalidGrantException')
    })
  })

  describe('the authorization code flow with PKCE', () => {
    test('redirects the browser to the loopback redirect URI, on any port, with a code and the state', async () => {
      const { authCodeClient } = await setup()
      const { response } = await authCodeClient()
      expect(response.status).toBe(302)
      const location = new URL(response.headers.get('location')!)
      expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:43210/oauth/callback')
      expect(Object.fromEntries(location.searchParams)).toStrictEqual({ code: expect.stringMatching(/^[\w-]{32,}$/), state: 'state-123' })
    })

    test('exchanges the code and its verifier for tokens once', async () => {
      const { options, authCodeClient } = await setup()
      const { input } = await authCodeClient()
      expect(value(await createToken(input, options))).toStrictEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 3600,
        refreshToken: expect.any(String),
      })
      expect(failure(await createToken(input, options)).name).toBe('InvalidGrantException')
    })

    test.each([
      ['a wrong code verifier', { codeVerifier: newVerifier() }],
      ['a verifier too short for PKCE', { codeVerifier: 'short' }],
      ['no code verifier', { codeVerifier: undefined }],
      ['another redirect URI', { redirectUri: 'http://127.0.0.1:43211/oauth/callback' }],
      ['an unknown code', { code: 'not-a-code' }],
    ])('answers InvalidGrantException to %s', async (_, change) => {
      const { options, authCodeClient } = await setup()
      const { input } = await authCodeClient()
      expect(failure(await createToken({ ...input, ...change }, options)).name).toBe('InvalidGrantException')
    })

    test('answers InvalidGrantException to a code redeemed after its expiry', async () => {
      const { options, authCodeClient, tick } = await setup({ authorizationCodeExpiresIn: 60 })
      const { input } = await authCodeClient()
      tick(60)
      expect(failure(await createToken(input, options)).name).toBe('InvalidGrantException')
    })

    test('answers InvalidGrantException to a code redeemed by another client', async () => {
      const { options, authCodeClient } = await setup()
      const first = await authCodeClient()
      const second = await authCodeClient()
      expect(failure(await createToken({ ...first.input, ...second.client }, options)).name).toBe('InvalidGrantException')
    })

    test.each([
      ['an unknown client', { client_id: 'unknown' }],
      ['an unregistered redirect URI', { redirect_uri: 'https://attacker.example/oauth/callback' }],
      ['a loopback redirect URI with another path', { redirect_uri: 'http://127.0.0.1:43210/other' }],
      ['a loopback redirect URI on another host', { redirect_uri: 'http://localhost:43210/oauth/callback' }],
    ])('shows a 400 page and does not redirect for %s', async (_, params) => {
      const { raw, register, authorizeUrl } = await setup()
      const client = await register({ grantTypes: ['authorization_code'], redirectUris: [CALLBACK] })
      const response = await raw(authorizeUrl(client.clientId, newVerifier(), params))
      expect(response.status).toBe(400)
      expect(response.headers.get('location')).toBeNull()
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    })

    test.each([
      ['no code challenge', { code_challenge: '' }, 'invalid_request'],
      ['the plain challenge method', { code_challenge_method: 'plain' }, 'invalid_request'],
      ['response type token', { response_type: 'token' }, 'unsupported_response_type'],
      ['a scope the client did not register', { scopes: 'sso:account:access admin' }, 'invalid_scope'],
    ])('redirects with an OAuth error for %s', async (_, params, error) => {
      const { raw, register, authorizeUrl } = await setup()
      const client = await register({ grantTypes: ['authorization_code'], redirectUris: [CALLBACK], scopes: ['sso:account:access'] })
      const response = await raw(authorizeUrl(client.clientId, newVerifier(), params))
      expect(response.status).toBe(302)
      const query = Object.fromEntries(new URL(response.headers.get('location')!).searchParams)
      expect(query).toStrictEqual({ error, error_description: expect.any(String), state: 'state-123' })
    })

    test('redirects with unauthorized_client for a client that did not register the authorization_code grant', async () => {
      const { raw, register, authorizeUrl } = await setup()
      const client = await register({ grantTypes: [DEVICE_CODE], redirectUris: [CALLBACK] })
      const response = await raw(authorizeUrl(client.clientId, newVerifier()))
      expect(new URL(response.headers.get('location')!).searchParams.get('error')).toBe('unauthorized_client')
    })
  })

  describe('who gets a refresh token, and for how long tokens live (WIRE.md "Who gets a refresh token")', () => {
    /** A device sign-in of a client registered with `registration`, approved; its tokens. */
    const deviceTokens = async (registration: Partial<Parameters<typeof registerClient>[0]>, emulatorOptions: EmulatorOptions = {}) => {
      const { emulator, options, register, startDevice, poll, tick } = await setup(emulatorOptions)
      const client = await register(registration)
      const device = await startDevice(client)
      emulator.approve(device.userCode!)
      tick(1)
      const token = value(await poll(client, device.deviceCode!))
      return { token, client, options }
    }

    test('a client registered as the AWS CLI\'s device flow does (scopes, no grantTypes) gets a refresh token and a 1-hour token, and refreshes', async () => {
      const { token, client, options } = await deviceTokens({ scopes: ['sso:account:access'] })
      expect(token).toStrictEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600, refreshToken: expect.stringMatching(/^aor/) })
      const refreshed = value(await createToken({ ...client, grantType: 'refresh_token', refreshToken: token.refreshToken! }, options))
      expect(refreshed).toStrictEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600, refreshToken: expect.any(String) })
    })

    test('a client registered with neither scopes nor grantTypes (a legacy profile) gets no refresh token and an 8-hour token', async () => {
      const { token } = await deviceTokens({})
      expect(token).toStrictEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 28800 })
    })

    test('a grantTypes list without refresh_token restricts the client: no refresh token even with scopes, and the refresh grant is refused', async () => {
      const { token, client, options } = await deviceTokens({ scopes: ['sso:account:access'], grantTypes: [DEVICE_CODE] })
      expect(token).toStrictEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 })
      const refused = failure(await createToken({ ...client, grantType: 'refresh_token', refreshToken: 'aorx' }, options))
      expect(refused.name).toBe('UnauthorizedClientException')
    })

    test('a grantTypes list with refresh_token gets one, scopes or not', async () => {
      const { token } = await deviceTokens({ grantTypes: [DEVICE_CODE, 'refresh_token'] })
      expect(token).toStrictEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600, refreshToken: expect.any(String) })
    })

    test('both lifetimes are options', async () => {
      expect((await deviceTokens({ scopes: ['sso:account:access'] }, { accessTokenExpiresIn: 60 })).token.expiresIn).toBe(60)
      expect((await deviceTokens({}, { legacyAccessTokenExpiresIn: 120 })).token.expiresIn).toBe(120)
    })
  })

  describe('state over time (issue 7): a long-running emulator does not grow', () => {
    test('purges device codes an hour after they expire, authorization codes and tokens as they expire, clients with their secrets', async () => {
      const { emulator, register, startDevice, raw, authorizeUrl, tick } = await setup({ clientSecretExpiresIn: 86_400, refreshTokenExpiresIn: 7200 })
      for (let i = 0; i < 20; i++) {
        const client = await register({ scopes: ['sso:account:access'], grantTypes: [DEVICE_CODE, 'authorization_code', 'refresh_token'], redirectUris: [CALLBACK] })
        await startDevice(client)
        await raw(authorizeUrl(client.clientId, newVerifier()))
      }
      expect(emulator.stats()).toStrictEqual({ clients: 20, deviceCodes: 20, authorizationCodes: 20, accessTokens: 0, refreshTokens: 0 })
      tick(301) // authorization codes (300 s) expire
      expect(emulator.stats()).toMatchObject({ authorizationCodes: 0, deviceCodes: 20 })
      tick(600 + 3600) // device codes (600 s) are kept an hour past expiry, for ExpiredTokenException
      expect(emulator.stats()).toMatchObject({ deviceCodes: 0, clients: 20 })
      tick(86_400)
      expect(emulator.stats()).toStrictEqual({ clients: 0, deviceCodes: 0, authorizationCodes: 0, accessTokens: 0, refreshTokens: 0 })
    })

    test('purges access and refresh tokens as they expire', async () => {
      const { emulator, options, authCodeClient, tick } = await setup({ accessTokenExpiresIn: 60, refreshTokenExpiresIn: 120 })
      for (let i = 0; i < 5; i++) {
        const { input } = await authCodeClient()
        value(await createToken(input, options))
      }
      expect(emulator.stats()).toMatchObject({ accessTokens: 5, refreshTokens: 5 })
      tick(60)
      expect(emulator.stats()).toMatchObject({ accessTokens: 0, refreshTokens: 5 })
      tick(60)
      expect(emulator.stats()).toMatchObject({ accessTokens: 0, refreshTokens: 0 })
    })

    test('refuses a refresh token past its lifetime', async () => {
      const { options, authCodeClient, tick } = await setup({ refreshTokenExpiresIn: 100 })
      const { client, input } = await authCodeClient()
      const { refreshToken } = value(await createToken(input, options))
      tick(100)
      expect(failure(await createToken({ ...client, grantType: 'refresh_token', refreshToken: refreshToken! }, options)).name).toBe('InvalidGrantException')
    })
  })

  describe('the refresh flow', () => {
    test('rotates the refresh token: the new pair works, the old token does not', async () => {
      const { options, authCodeClient } = await setup()
      const { client, input } = await authCodeClient()
      const first = value(await createToken(input, options))
      const refresh = (refreshToken: string) => createToken({ ...client, grantType: 'refresh_token', refreshToken }, options)
      const second = value(await refresh(first.refreshToken!))
      expect(second).toStrictEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600, refreshToken: expect.any(String) })
      expect(second.accessToken).not.toBe(first.accessToken)
      expect(second.refreshToken).not.toBe(first.refreshToken)
      expect(failure(await refresh(first.refreshToken!)).name).toBe('InvalidGrantException')
      expect(value(await refresh(second.refreshToken!)).refreshToken).toEqual(expect.any(String))
    })

    test('refuses a refresh token to another client', async () => {
      const { options, authCodeClient } = await setup()
      const { input } = await authCodeClient()
      const { client: other } = await authCodeClient()
      const { refreshToken } = value(await createToken(input, options))
      const error = failure(await createToken({ ...other, grantType: 'refresh_token', refreshToken: refreshToken! }, options))
      expect(error.name).toBe('InvalidGrantException')
    })
  })

  describe('client authentication and grants', () => {
    test.each([
      ['StartDeviceAuthorization', 'a wrong client secret', 0],
      ['StartDeviceAuthorization', 'an expired client secret', 90 * 24 * 3600],
      ['CreateToken', 'a wrong client secret', 0],
      ['CreateToken', 'an expired client secret', 90 * 24 * 3600],
    ])('%s answers InvalidClientException with HTTP 401 to %s', async (operation, what, wait) => {
      const { options, register, tick } = await setup()
      const client = await register()
      const clientSecret = what === 'a wrong client secret' ? 'wrong' : client.clientSecret
      tick(wait)
      const result =
        operation === 'CreateToken'
          ? await createToken({ ...client, clientSecret, grantType: DEVICE_CODE, deviceCode: 'x' }, options)
          : await startDeviceAuthorization({ ...client, clientSecret, startUrl: START_URL }, options)
      expect(failure(result)).toMatchObject({ name: 'InvalidClientException', status: 401, error: 'invalid_client' })
    })

    test('honours a custom client secret lifetime to the second', async () => {
      const { options, register, tick } = await setup({ clientSecretExpiresIn: 60 })
      const client = await register()
      tick(59.999)
      expect(value(await startDeviceAuthorization({ ...client, startUrl: START_URL }, options)).deviceCode).toEqual(expect.any(String))
      tick(0.001)
      expect(failure(await startDeviceAuthorization({ ...client, startUrl: START_URL }, options)).name).toBe('InvalidClientException')
    })

    test.each([
      ['an unknown grant type', [], 'password', 'UnsupportedGrantTypeException'],
      ['the jwt-bearer grant, which only CreateTokenWithIAM takes', [], JWT_BEARER, 'UnsupportedGrantTypeException'],
      ['a grant the client did not register', [DEVICE_CODE], 'refresh_token', 'UnauthorizedClientException'],
      ['authorization_code to a device-only client', [DEVICE_CODE], 'authorization_code', 'UnauthorizedClientException'],
    ])('CreateToken refuses %s', async (_, grantTypes, grantType, name) => {
      const { options, register } = await setup()
      const client = await register(grantTypes.length ? { grantTypes } : {})
      expect(failure(await createToken({ ...client, grantType, refreshToken: 'unknown-refresh-token', code: 'unknown-code' }, options)).name).toBe(name)
    })

    test('StartDeviceAuthorization answers UnauthorizedClientException to a client without the device_code grant', async () => {
      const { options, register } = await setup()
      const client = await register({ grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [CALLBACK] })
      const error = failure(await startDeviceAuthorization({ ...client, startUrl: START_URL }, options))
      expect(error.name).toBe('UnauthorizedClientException')
    })

    test('CreateToken answers InvalidScopeException to a scope the client did not register', async () => {
      const { options, register, startDevice } = await setup()
      const client = await register({ scopes: ['sso:account:access'] })
      const { deviceCode } = await startDevice(client)
      const error = failure(await createToken({ ...client, grantType: DEVICE_CODE, deviceCode: deviceCode!, scope: ['admin'] }, options))
      expect(error.name).toBe('InvalidScopeException')
    })
  })

  describe('CreateTokenWithIAM', () => {
    const iamOptions = (options: Options, credentials = IAM, region = 'us-east-1') => ({ ...options, credentials, region })

    test('exchanges a JWT assertion for tokens, signed by the library', async () => {
      const { options } = await setup({ iamCredentials: [IAM] })
      const token = value(await createTokenWithIAM({ clientId: APPLICATION, grantType: JWT_BEARER, assertion: ASSERTION }, iamOptions(options)))
      expect(token).toStrictEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 3600,
        refreshToken: expect.any(String),
        idToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        issuedTokenType: ACCESS_TOKEN_TYPE,
        scope: ['openid', 'aws', 'sts:identity_context'],
        awsAdditionalDetails: { identityContext: expect.any(String) },
      })
      const claims = JSON.parse(Buffer.from(token.idToken!.split('.')[1]!, 'base64url').toString())
      expect(claims).toMatchObject({ aud: APPLICATION, 'sts:identity_context': token.awsAdditionalDetails!.identityContext })
    })

    test('exchanges an access token it issued (token exchange), then refuses one it did not', async () => {
      const { options } = await setup({ iamCredentials: [IAM] })
      const opts = iamOptions(options)
      const first = value(await createTokenWithIAM({ clientId: APPLICATION, grantType: JWT_BEARER, assertion: ASSERTION, scope: ['openid'] }, opts))
      const exchange = (subjectToken: string) =>
        createTokenWithIAM({ clientId: APPLICATION, grantType: TOKEN_EXCHANGE, subjectToken, subjectTokenType: ACCESS_TOKEN_TYPE }, opts)
      expect(value(await exchange(first.accessToken!))).toStrictEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 3600,
        idToken: expect.any(String),
        issuedTokenType: ACCESS_TOKEN_TYPE,
        scope: ['openid', 'aws', 'sts:identity_context'],
        awsAdditionalDetails: { identityContext: expect.any(String) },
      })
      expect(failure(await exchange('not-issued-here')).name).toBe('InvalidGrantException')
    })

    test('rotates its refresh tokens and keeps their scope', async () => {
      const { options } = await setup({ iamCredentials: [IAM] })
      const opts = iamOptions(options)
      const first = value(await createTokenWithIAM({ clientId: APPLICATION, grantType: JWT_BEARER, assertion: ASSERTION, scope: ['openid'] }, opts))
      const refresh = (refreshToken: string) => createTokenWithIAM({ clientId: APPLICATION, grantType: 'refresh_token', refreshToken }, opts)
      expect(value(await refresh(first.refreshToken!))).toMatchObject({ scope: ['openid'], refreshToken: expect.any(String) })
      expect(failure(await refresh(first.refreshToken!)).name).toBe('InvalidGrantException')
    })

    test('redeems an authorization code issued to the application', async () => {
      const { options, raw, authorizeUrl } = await setup({ iamCredentials: [IAM] })
      const verifier = newVerifier()
      const response = await raw(authorizeUrl(APPLICATION, verifier, { redirect_uri: 'https://app.example.com/callback', scopes: 'openid' }))
      const code = new URL(response.headers.get('location')!).searchParams.get('code')!
      const input = { clientId: APPLICATION, grantType: 'authorization_code', code, redirectUri: 'https://app.example.com/callback', codeVerifier: verifier }
      expect(value(await createTokenWithIAM(input, iamOptions(options)))).toMatchObject({ scope: ['openid'], refreshToken: expect.any(String) })
    })

    test.each([
      ['a secret key it does not hold', { ...IAM, secretAccessKey: 'wrong' }, 'us-east-1'],
      ['an access key it does not know', { ...IAM, accessKeyId: 'AKIDUNKNOWN' }, 'us-east-1'],
      ['a credential scope of another region', IAM, 'us-west-2'],
    ])('refuses a request signed with %s', async (_, credentials, region) => {
      const { options } = await setup({ iamCredentials: [IAM] })
      const result = await createTokenWithIAM({ clientId: APPLICATION, grantType: JWT_BEARER, assertion: ASSERTION }, iamOptions(options, credentials, region))
      expect(failure(result)).toMatchObject({ name: 'AccessDeniedException', status: 400, error: 'access_denied' })
    })

    test.each([
      ['no Authorization header', async () => post({ clientId: APPLICATION, grantType: JWT_BEARER, assertion: ASSERTION })],
      ['a malformed Authorization header', async () => post({}, { authorization: 'Bearer x', 'x-amz-date': '20250101T000000Z' })],
      ['a body changed after signing', async (url: string) => ({ ...(await signed(url, `{"clientId":"${APPLICATION}"}`)), body: '{"clientId":"x"}' })],
    ])('answers AccessDeniedException to a request with %s', async (_, init) => {
      const { raw, base } = await setup({ iamCredentials: [IAM] })
      const response = await raw('/token?aws_iam=t', await init(`${base}/token?aws_iam=t`))
      expect(response.status).toBe(400)
      expect(response.headers.get('x-amzn-errortype')).toBe(`AccessDeniedException:${ERROR_NAMESPACE}`)
    })

    test('checks only the form of the signature when it was given no credentials', async () => {
      const { options } = await setup()
      const result = await createTokenWithIAM(
        { clientId: APPLICATION, grantType: JWT_BEARER, assertion: ASSERTION },
        iamOptions(options, { accessKeyId: 'ANY', secretAccessKey: 'any' }),
      )
      expect(value(result).tokenType).toBe('Bearer')
    })

    test.each([
      ['a client ID that is not an application ARN', { clientId: 'abc' }, 'InvalidClientException'],
      ['the device code grant', { grantType: DEVICE_CODE }, 'UnsupportedGrantTypeException'],
      ['no assertion', { assertion: undefined }, 'InvalidRequestException'],
      ['an assertion that is not a JWT', { assertion: 'not a jwt' }, 'InvalidGrantException'],
      ['token exchange without subjectTokenType', { grantType: TOKEN_EXCHANGE, subjectToken: 'unknown-subject-token' }, 'InvalidRequestException'],
      ['token exchange of another token type', { grantType: TOKEN_EXCHANGE, subjectToken: 'unknown-subject-token', subjectTokenType: 'urn:x' }, 'InvalidRequestException'],
      ['an unknown refresh token', { grantType: 'refresh_token', refreshToken: 'unknown-refresh-token' }, 'InvalidGrantException'],
    ])('refuses %s with %s', async (_, change, name) => {
      const { options } = await setup({ iamCredentials: [IAM] })
      const input = { clientId: APPLICATION, grantType: JWT_BEARER, assertion: ASSERTION, ...change }
      expect(failure(await createTokenWithIAM(input, iamOptions(options))).name).toBe(name)
    })
  })

  describe('the wire', () => {
    test('sends an error as the service does: status, x-amzn-ErrorType, x-amzn-RequestId and an OAuth body', async () => {
      const { raw } = await setup()
      const response = await raw('/token', post({ clientId: 'nobody', clientSecret: 'x', grantType: DEVICE_CODE }))
      expect(response.status).toBe(401)
      expect(response.headers.get('content-type')).toBe('application/json')
      expect(response.headers.get('x-amzn-errortype')).toBe(`InvalidClientException:${ERROR_NAMESPACE}`)
      expect(response.headers.get('x-amzn-requestid')).toMatch(UUID)
      expect(await response.json()).toStrictEqual({ error: 'invalid_client', error_description: expect.any(String) })
    })

    test('gives every response its own request ID', async () => {
      const { raw } = await setup()
      const ids = await Promise.all([1, 2].map(async () => (await raw('/client/register', post({}))).headers.get('x-amzn-requestid')))
      expect(new Set(ids).size).toBe(2)
    })

    test.each([
      ['malformed JSON', '/client/register', '{"clientName":'],
      ['a JSON array', '/client/register', '[]'],
      ['an empty body', '/device_authorization', ''],
      ['a missing required member', '/device_authorization', { clientId: 'a', clientSecret: 'b' }],
      ['a member of the wrong type', '/token', { clientId: 'a', clientSecret: 'b', grantType: 7 }],
    ])('answers InvalidRequestException to %s', async (_, path, body) => {
      const { raw } = await setup()
      const response = await raw(path, post(body))
      expect(response.status).toBe(400)
      expect(response.headers.get('x-amzn-errortype')).toBe(`InvalidRequestException:${ERROR_NAMESPACE}`)
      expect(await response.json()).toStrictEqual({ error: 'invalid_request', error_description: expect.any(String) })
    })

    test.each([
      ['GET', '/token'],
      ['PUT', '/client/register'],
      ['POST', '/authorize'],
      ['POST', '/nowhere'],
    ])('answers %s %s with 404, a JSON body and no modeled error type', async (method, path) => {
      const { raw } = await setup()
      const response = await raw(path, { method })
      expect(response.status).toBe(404)
      expect(response.headers.get('x-amzn-errortype')).toBeNull()
      expect(response.headers.get('content-type')).toBe('application/json')
      expect(await response.json()).toStrictEqual({ message: `No operation at ${method} ${path}` })
    })
  })

  describe('only modeled errors', () => {
    const operations = Object.values(model.operations).map((op) => ({
      name: op.name,
      path: op.http.requestUri,
      members: Object.keys((model.shapes[op.input.shape as keyof typeof model.shapes] as { members: object }).members),
      errors: op.errors.map((e) => e.shape),
    }))

    test.each(operations)('$name answers success or an exception the model lists for it, with its modeled status', async (op) => {
      const { raw, base, register } = await setup({ iamCredentials: [IAM] })
      const client = await register({ grantTypes: [DEVICE_CODE, 'refresh_token'] })
      const values = fc.oneof(
        fc.constantFrom(client.clientId, client.clientSecret, APPLICATION, ASSERTION, START_URL, CALLBACK, 'public', DEVICE_CODE, JWT_BEARER),
        fc.constantFrom(TOKEN_EXCHANGE, ACCESS_TOKEN_TYPE, 'authorization_code', 'refresh_token', 'password'),
        fc.string(),
        fc.integer(),
        fc.array(fc.string(), { maxLength: 2 }),
      )
      const bodies = fc.oneof(fc.dictionary(fc.constantFrom(...op.members), values).map((input) => JSON.stringify(input)), fc.string())
      await fc.assert(
        fc.asyncProperty(bodies, async (body) => {
          const response = await raw(op.path, op.path.includes('aws_iam') ? await signed(base + op.path, body) : post(body))
          if (response.status === 200) return
          const type = response.headers.get('x-amzn-errortype')?.split(':')[0] ?? ''
          expect(op.errors).toContain(type)
          expect(response.status).toBe((model.shapes[type as keyof typeof model.shapes] as { error: { httpStatusCode: number } }).error.httpStatusCode)
          expect(Object.keys(await response.json())).toStrictEqual(['error', 'error_description'])
        }),
        { numRuns: 60 },
      )
    })
  })
})
