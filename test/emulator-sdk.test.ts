import { createHash, randomBytes } from 'node:crypto'
import {
  AccessDeniedException,
  AuthorizationPendingException,
  CreateTokenCommand,
  CreateTokenWithIAMCommand,
  InvalidClientException,
  InvalidGrantException,
  RegisterClientCommand,
  SlowDownException,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createEmulator } from '../src/emulator/index'
import { listen, type EmulatorServer } from '../src/emulator/node'

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'
const START_URL = 'https://my-org.awsapps.com/start'
const CALLBACK = 'http://127.0.0.1/oauth/callback'
const APPLICATION = 'arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222'
const IAM = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

// One emulator on a fake clock, served over HTTP; the official client cannot be given a `fetch`.
let now = Date.now()
const emulator = createEmulator({ clock: () => now, iamCredentials: [IAM] })
let server: EmulatorServer
let sdk: SSOOIDCClient
const tick = (seconds: number) => void (now += seconds * 1000)

beforeAll(async () => {
  server = await listen(emulator, { port: 0 })
  sdk = new SSOOIDCClient({ region: 'us-east-1', endpoint: server.url, credentials: IAM, maxAttempts: 1 })
})
afterAll(async () => {
  sdk.destroy()
  await server.close()
})

/**
 * A sign-in through the device flow; by default registered as the AWS CLI does for an sso-session
 * (`{clientName, clientType: "public", scopes}`, no grantTypes). Returns the client and the token.
 */
async function deviceSignIn(registration: { scopes?: string[]; grantTypes?: string[] } = { scopes: ['sso:account:access'] }) {
  const client = await sdk.send(new RegisterClientCommand({ clientName: 'sdk-test', clientType: 'public', ...registration }))
  const credentials = { clientId: client.clientId!, clientSecret: client.clientSecret! }
  const device = await sdk.send(new StartDeviceAuthorizationCommand({ ...credentials, startUrl: START_URL }))
  const poll = () => sdk.send(new CreateTokenCommand({ ...credentials, grantType: DEVICE_CODE, deviceCode: device.deviceCode! }))
  const pending = await poll().catch((error: unknown) => error)
  emulator.approve(device.userCode!)
  tick(device.interval!)
  return { client, credentials, device, pending, token: await poll() }
}

describe('The official AWS SDK v3 client against the emulator over HTTP', () => {
  test('registers a client and starts a device authorization with the modeled output', async () => {
    const issuedAt = Math.floor(now / 1000)
    const { client, device } = await deviceSignIn()
    expect({ ...client, $metadata: undefined }).toStrictEqual({
      $metadata: undefined,
      clientId: expect.any(String),
      clientSecret: expect.any(String),
      clientIdIssuedAt: issuedAt,
      clientSecretExpiresAt: issuedAt + 90 * 24 * 3600,
    })
    expect(client.$metadata).toMatchObject({ httpStatusCode: 200, requestId: expect.stringMatching(UUID) })
    expect({ ...device, $metadata: undefined }).toStrictEqual({
      $metadata: undefined,
      deviceCode: expect.any(String),
      userCode: expect.stringMatching(/^[A-Z]{4}-[A-Z]{4}$/),
      verificationUri: 'https://device.sso.us-east-1.amazonaws.com/',
      verificationUriComplete: `https://device.sso.us-east-1.amazonaws.com/?user_code=${device.userCode}`,
      expiresIn: 600,
      interval: 1,
    })
  })

  test('sees the pending device code as its AuthorizationPendingException class, then gets the token', async () => {
    const { pending, token } = await deviceSignIn({})
    expect(pending).toBeInstanceOf(AuthorizationPendingException)
    expect(pending).toMatchObject({
      name: 'AuthorizationPendingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: expect.stringMatching(UUID) },
      error: 'authorization_pending',
      error_description: 'Authorization is still pending',
    })
    expect({ ...token, $metadata: undefined }).toStrictEqual({
      $metadata: undefined,
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 28800, // a legacy client: neither scopes nor the refresh_token grant
    })
  })

  test.each([
    ['a poll within the interval', SlowDownException, 'slow_down'],
    ['a denied sign-in', AccessDeniedException, 'access_denied'],
  ])('sees %s as its modeled exception class', async (_, type, error) => {
    const client = await sdk.send(new RegisterClientCommand({ clientName: 'sdk-test', clientType: 'public' }))
    const credentials = { clientId: client.clientId!, clientSecret: client.clientSecret! }
    const device = await sdk.send(new StartDeviceAuthorizationCommand({ ...credentials, startUrl: START_URL }))
    const poll = () => sdk.send(new CreateTokenCommand({ ...credentials, grantType: DEVICE_CODE, deviceCode: device.deviceCode! }))
    await expect(poll()).rejects.toBeInstanceOf(AuthorizationPendingException)
    if (type === AccessDeniedException) {
      emulator.deny(device.userCode!)
      tick(device.interval!)
    }
    await expect(poll()).rejects.toMatchObject({ constructor: type, error })
  })

  test('sees a wrong client secret as InvalidClientException with HTTP 401', async () => {
    const { credentials } = await deviceSignIn()
    const start = sdk.send(new StartDeviceAuthorizationCommand({ ...credentials, clientSecret: 'wrong', startUrl: START_URL }))
    await expect(start).rejects.toMatchObject({ constructor: InvalidClientException, $metadata: { httpStatusCode: 401 }, error: 'invalid_client' })
  })

  test('refreshes with rotation, registered as the AWS CLI registers (scopes, no grant types): a new pair, and InvalidGrantException for the old refresh token', async () => {
    const { credentials, token } = await deviceSignIn()
    expect(token).toMatchObject({ expiresIn: 3600, refreshToken: expect.any(String) })
    const refresh = (refreshToken: string) => sdk.send(new CreateTokenCommand({ ...credentials, grantType: 'refresh_token', refreshToken }))
    const next = await refresh(token.refreshToken!)
    expect({ ...next, $metadata: undefined }).toStrictEqual({
      $metadata: undefined,
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 3600,
      refreshToken: expect.any(String),
    })
    expect(next.refreshToken).not.toBe(token.refreshToken)
    await expect(refresh(token.refreshToken!)).rejects.toBeInstanceOf(InvalidGrantException)
  })

  test('redeems an authorization code with its PKCE verifier', async () => {
    const client = await sdk.send(
      new RegisterClientCommand({
        clientName: 'sdk-test',
        clientType: 'public',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: [CALLBACK],
        issuerUrl: START_URL,
        scopes: ['sso:account:access'],
      }),
    )
    const verifier = randomBytes(48).toString('base64url')
    const redirectUri = 'http://127.0.0.1:50123/oauth/callback'
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.clientId!,
      redirect_uri: redirectUri,
      state: 'abc',
      code_challenge_method: 'S256',
      scopes: 'sso:account:access',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    })
    const response = await fetch(`${server.url}/authorize?${query}`, { redirect: 'manual' })
    const code = new URL(response.headers.get('location')!).searchParams.get('code')!
    const token = await sdk.send(
      new CreateTokenCommand({
        clientId: client.clientId!,
        clientSecret: client.clientSecret!,
        grantType: 'authorization_code',
        code,
        redirectUri,
        codeVerifier: verifier,
      }),
    )
    expect(token).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, refreshToken: expect.any(String) })
  })

  test('accepts CreateTokenWithIAM signed by the SDK’s own SigV4 signer, and refuses other credentials', async () => {
    const input = { clientId: APPLICATION, grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: 'aGVhZGVy.cGF5bG9hZA.c2ln' }
    const token = await sdk.send(new CreateTokenWithIAMCommand(input))
    expect(token).toMatchObject({
      tokenType: 'Bearer',
      issuedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      awsAdditionalDetails: { identityContext: expect.any(String) },
    })
    const stranger = new SSOOIDCClient({
      region: 'us-east-1',
      endpoint: server.url,
      credentials: { ...IAM, secretAccessKey: 'not-the-key' },
      maxAttempts: 1,
    })
    await expect(stranger.send(new CreateTokenWithIAMCommand(input))).rejects.toBeInstanceOf(AccessDeniedException)
    stranger.destroy()
  })
})
