import { describe, expectTypeOf, it } from 'vitest'
import {
  createToken,
  createTokenWithIAM,
  registerClient,
  startDeviceAuthorization,
  type CreateTokenOutput,
  type CreateTokenWithIAMOutput,
  type ErrorOf,
  type RegisterClientOutput,
} from '../src/index'
import { getRoleCredentials, listAccountRoles, listAccounts, listAllAccounts, logout, type AccountInfo } from '../src/portal/index'

type Names<F> = ErrorOf<F> extends { name: infer N } ? N : never
type CallErrorName = 'UnknownServiceError' | 'ValidationError' | 'EndpointError' | 'NetworkError' | 'TimeoutError' | 'AbortError' | 'InvalidResponseError'

describe('per-operation error unions hold exactly the exceptions the model lists', () => {
  it('registerClient', () => {
    expectTypeOf<Names<typeof registerClient>>().toEqualTypeOf<
      | 'InvalidRequestException'
      | 'InvalidScopeException'
      | 'InvalidClientMetadataException'
      | 'InternalServerException'
      | 'InvalidRedirectUriException'
      | 'UnsupportedGrantTypeException'
      | 'SlowDownException'
      | CallErrorName
    >()
  })

  it('startDeviceAuthorization', () => {
    expectTypeOf<Names<typeof startDeviceAuthorization>>().toEqualTypeOf<
      'InvalidRequestException' | 'InvalidClientException' | 'UnauthorizedClientException' | 'SlowDownException' | 'InternalServerException' | CallErrorName
    >()
  })

  it('createToken', () => {
    expectTypeOf<Names<typeof createToken>>().toEqualTypeOf<
      | 'InvalidRequestException'
      | 'InvalidClientException'
      | 'InvalidGrantException'
      | 'UnauthorizedClientException'
      | 'UnsupportedGrantTypeException'
      | 'InvalidScopeException'
      | 'AuthorizationPendingException'
      | 'SlowDownException'
      | 'AccessDeniedException'
      | 'ExpiredTokenException'
      | 'InternalServerException'
      | CallErrorName
    >()
  })

  it('createTokenWithIAM adds InvalidRequestRegionException and CredentialsError', () => {
    expectTypeOf<Exclude<Names<typeof createTokenWithIAM>, Names<typeof createToken>>>().toEqualTypeOf<
      'InvalidRequestRegionException' | 'CredentialsError'
    >()
  })
})

describe('narrowing on error.name', () => {
  it('gives each branch its own members', async () => {
    const result = await createTokenWithIAM({ clientId: 'a', grantType: 'b' }, { credentials: { accessKeyId: 'a', secretAccessKey: 'b' } })
    if (result.ok) {
      expectTypeOf(result.value.accessToken).toEqualTypeOf<string | undefined>()
      expectTypeOf(result.value.scope).toEqualTypeOf<string[] | undefined>()
    } else if (result.error.name === 'InvalidRequestRegionException') {
      expectTypeOf(result.error.endpoint).toEqualTypeOf<string | undefined>()
      expectTypeOf(result.error.region).toEqualTypeOf<string | undefined>()
    } else if (result.error.name === 'ValidationError') {
      expectTypeOf(result.error.issues).toEqualTypeOf<readonly { readonly path: string; readonly message: string }[]>()
    } else if (result.error.name === 'AccessDeniedException') {
      expectTypeOf(result.error.status).toEqualTypeOf<number>()
      expectTypeOf(result.error).toHaveProperty('reason')
    }
  })

  it('types the outputs from the schemas', () => {
    expectTypeOf<CreateTokenOutput['expiresIn']>().toEqualTypeOf<number | undefined>()
  })

  it('names exactly the model\'s output members: a typo does not compile (issue 12, item 10)', async () => {
    expectTypeOf<keyof CreateTokenOutput>().toEqualTypeOf<'accessToken' | 'tokenType' | 'expiresIn' | 'refreshToken' | 'idToken'>()
    expectTypeOf<keyof RegisterClientOutput>().toEqualTypeOf<
      'clientId' | 'clientSecret' | 'clientIdIssuedAt' | 'clientSecretExpiresAt' | 'authorizationEndpoint' | 'tokenEndpoint'
    >()
    expectTypeOf<keyof NonNullable<CreateTokenWithIAMOutput['awsAdditionalDetails']>>().toEqualTypeOf<'identityContext'>()
    const out = await createToken({ clientId: 'a', clientSecret: 'b', grantType: 'c' })
    // @ts-expect-error: a typo of accessToken
    void out.value?.acessToken
  })

  it('requires credentials for createTokenWithIAM and the model\'s required members', () => {
    // @ts-expect-error: credentials are required
    void createTokenWithIAM({ clientId: 'a', grantType: 'b' }, { region: 'us-east-1' })
    // @ts-expect-error: clientSecret is required
    void createToken({ clientId: 'a', grantType: 'b' })
  })
})

describe('ssooidc/portal: per-operation error unions hold exactly the exceptions model/sso lists', () => {
  type PortalNames<F> = ErrorOf<F> extends { name: infer N } ? N : never
  it('getRoleCredentials, listAccounts and listAccountRoles: all four; logout: no ResourceNotFoundException', () => {
    const all = ['InvalidRequestException', 'UnauthorizedException', 'TooManyRequestsException', 'ResourceNotFoundException'] as const
    type All = (typeof all)[number] | CallErrorName
    expectTypeOf<PortalNames<typeof getRoleCredentials>>().toEqualTypeOf<All>()
    expectTypeOf<PortalNames<typeof listAccounts>>().toEqualTypeOf<All>()
    expectTypeOf<PortalNames<typeof listAccountRoles>>().toEqualTypeOf<All>()
    expectTypeOf<PortalNames<typeof listAllAccounts>>().toEqualTypeOf<All>()
    expectTypeOf<PortalNames<typeof logout>>().toEqualTypeOf<Exclude<All, 'ResourceNotFoundException'>>()
  })

  it('types the outputs exactly, credentials expiration a number of milliseconds', async () => {
    const result = await getRoleCredentials({ accessToken: 'a', accountId: '1', roleName: 'r' })
    if (result.ok) {
      expectTypeOf(result.value.roleCredentials?.expiration).toEqualTypeOf<number | undefined>()
      // @ts-expect-error: a typo of roleCredentials
      void result.value.roleCredential
    } else if (result.error.name === 'UnauthorizedException') {
      expectTypeOf(result.error).toEqualTypeOf<{ readonly name: 'UnauthorizedException'; readonly message: string; readonly status: number; readonly requestId: string | undefined }>()
    }
    expectTypeOf<AccountInfo>().toEqualTypeOf<{ accountId?: string; accountName?: string; emailAddress?: string }>()
  })
})
