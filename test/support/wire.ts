/**
 * The wire as the real service speaks it (../shared/docs/WIRE.md), and the model's view of it, for tests.
 */
import { readFileSync } from 'node:fs'

export const model = JSON.parse(readFileSync(new URL('../../model/service-2.json', import.meta.url), 'utf8')) as {
  operations: Record<string, { http: { requestUri: string }; input: { shape: string }; output: { shape: string }; errors: { shape: string }[] }>
  shapes: Record<string, { type: string; members?: Record<string, { shape: string }>; required?: string[]; error?: { httpStatusCode: number }; sensitive?: boolean }>
}

/** WIRE.md's table: each exception's OAuth `error` code. Statuses come from the model. */
export const OAUTH_CODE: Record<string, string> = {
  AccessDeniedException: 'access_denied',
  AuthorizationPendingException: 'authorization_pending',
  ExpiredTokenException: 'expired_token',
  InternalServerException: 'server_error',
  InvalidClientException: 'invalid_client',
  InvalidClientMetadataException: 'invalid_client_metadata',
  InvalidGrantException: 'invalid_grant',
  InvalidRedirectUriException: 'invalid_redirect_uri',
  InvalidRequestException: 'invalid_request',
  InvalidRequestRegionException: 'invalid_request',
  InvalidScopeException: 'invalid_scope',
  SlowDownException: 'slow_down',
  UnauthorizedClientException: 'unauthorized_client',
  UnsupportedGrantTypeException: 'unsupported_grant_type',
}

export const statusOf = (exception: string): number => model.shapes[exception]!.error!.httpStatusCode
export const errorsOf = (operation: string): string[] => model.operations[operation]!.errors.map((e) => e.shape)
export const allExceptions = Object.keys(model.shapes).filter((name) => model.shapes[name]!.error)

/** An error response exactly as the service sends it: typed header, `{error, error_description}` body. */
export function wireError(exception: string, extra: Record<string, unknown> = {}, requestId = 'req-1'): Response {
  return new Response(
    JSON.stringify({ error: OAUTH_CODE[exception], error_description: `${exception} happened`, ...extra }),
    {
      status: statusOf(exception),
      headers: {
        'content-type': 'application/json',
        'x-amzn-ErrorType': `${exception}:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/`,
        'x-amzn-RequestId': requestId,
      },
    },
  )
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-RequestId': 'req-1', ...headers },
  })

export interface Sent {
  url: string
  method: string
  headers: Record<string, string>
  body: string
  redirect: RequestRedirect | undefined
}

/** A `fetch` that answers from `respond` and records each request as it went out. */
export function recorder(respond: (sent: Sent, n: number) => Response | Promise<Response>) {
  const requests: Sent[] = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    const sent: Sent = {
      url: request.url,
      method: request.method,
      headers: Object.fromEntries(request.headers),
      body: await request.text(),
      redirect: init?.redirect,
    }
    requests.push(sent)
    return respond(sent, requests.length - 1)
  }
  return { fetch, requests }
}

/** A minimal valid input per operation, and a full success body per operation. */
export const VALID_INPUT = {
  RegisterClient: { clientName: 'my-cli', clientType: 'public' },
  StartDeviceAuthorization: { clientId: 'cid', clientSecret: 'SECRET-client', startUrl: 'https://my.awsapps.com/start' },
  CreateToken: {
    clientId: 'cid',
    clientSecret: 'SECRET-client',
    grantType: 'urn:ietf:params:oauth:grant-type:device_code',
    deviceCode: 'dev-code',
  },
  CreateTokenWithIAM: {
    clientId: 'arn:aws:sso::123456789012:application/ssoins-1/apl-1',
    grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    assertion: 'SECRET-assertion',
  },
} as const

export const SUCCESS_BODY = {
  RegisterClient: {
    clientId: 'cid',
    clientSecret: 'SECRET-issued',
    clientIdIssuedAt: 1700000000,
    clientSecretExpiresAt: 1707776000,
    authorizationEndpoint: 'https://oidc.us-east-1.amazonaws.com/authorize',
    tokenEndpoint: 'https://oidc.us-east-1.amazonaws.com/token',
  },
  StartDeviceAuthorization: {
    deviceCode: 'dev-code',
    userCode: 'PMPJ-VZCJ',
    verificationUri: 'https://device.sso.us-west-2.amazonaws.com/',
    verificationUriComplete: 'https://device.sso.us-west-2.amazonaws.com/?user_code=PMPJ-VZCJ',
    expiresIn: 600,
    interval: 1,
  },
  CreateToken: { accessToken: 'SECRET-at', tokenType: 'Bearer', expiresIn: 3600, refreshToken: 'SECRET-rt', idToken: 'SECRET-id' },
  CreateTokenWithIAM: {
    accessToken: 'SECRET-at',
    tokenType: 'Bearer',
    expiresIn: 3600,
    refreshToken: 'SECRET-rt',
    idToken: 'SECRET-id',
    issuedTokenType: 'urn:ietf:params:oauth:token-type:refresh_token',
    scope: ['openid', 'aws'],
    awsAdditionalDetails: { identityContext: 'ctx' },
  },
} as const

export const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'SECRET-aws-key', sessionToken: 'SECRET-session' }
