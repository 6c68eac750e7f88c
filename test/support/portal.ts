/**
 * What the differential tests of the access portal share (test/portal-parity.test.ts beside the AWS SDK,
 * test/botocore-parity.test.ts beside botocore): the model, one input per operation with values that need
 * encoding, a success body per operation, and the three forms a modeled exception comes in.
 */
import { readFileSync } from 'node:fs'

export const PORTAL_MODEL = JSON.parse(readFileSync(new URL('../../model/sso/service-2.json', import.meta.url), 'utf8')) as {
  operations: Record<string, { errors: { shape: string }[] }>
  shapes: Record<string, { error?: { httpStatusCode: number } }>
}

/** An access token with characters a header value keeps as they are. */
export const TOKEN = 'aoa+/= token"x'

/** One input per operation; query values that need percent-encoding, RFC 3986's `!'()*` among them. */
export const INPUT = {
  GetRoleCredentials: { accessToken: TOKEN, accountId: '123456789012', roleName: "Admin/Role !'()*~ é" },
  ListAccounts: { accessToken: TOKEN, nextToken: 'a b/c=', maxResults: 7 },
  ListAccountRoles: { accessToken: TOKEN, accountId: '123456789012', nextToken: 'n+t%', maxResults: 100 },
  Logout: { accessToken: TOKEN },
} as const

export type Op = keyof typeof INPUT

/** A success body per operation. */
export const SUCCESS: Record<Op, object> = {
  GetRoleCredentials: { roleCredentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session', expiration: 1_800_000_000_000 } },
  ListAccounts: { nextToken: 'next', accountList: [{ accountId: '123456789012', accountName: 'prod', emailAddress: 'prod@example.com' }] },
  ListAccountRoles: { nextToken: 'next', roleList: [{ roleName: 'Admin', accountId: '123456789012' }] },
  Logout: {},
}

/** The status the model gives an exception. */
export const statusOf = (exception: string): number => PORTAL_MODEL.shapes[exception]!.error!.httpStatusCode

/**
 * A modeled exception in each form a service sends it, by name: the `x-amzn-ErrorType` header (with the portal's
 * namespace), a body `code`, a body `__type` (with a capital `Message`); each with `x-amzn-RequestId: requestId`.
 */
export const errorForms = (exception: string, requestId: string): Record<string, { headers: Record<string, string>; body: object }> => {
  const headers = { 'content-type': 'application/json', 'x-amzn-RequestId': requestId }
  return {
    'the x-amzn-ErrorType header': {
      headers: { ...headers, 'x-amzn-ErrorType': `${exception}:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/` },
      body: { message: 'described' },
    },
    'a body code': { headers, body: { code: exception, message: 'described' } },
    'a body __type': { headers, body: { __type: `com.amazonaws.switchboard.portal#${exception}`, Message: 'Described' } },
  }
}
