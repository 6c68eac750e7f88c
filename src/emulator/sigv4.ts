/**
 * CreateTokenWithIAM's SigV4, verified independently of the library's signer: with aws4fetch.
 *
 * @module
 * @internal
 */
import { AwsV4Signer } from 'aws4fetch'
import type { ExceptionName } from '../errors'
import type { Settings } from './state'
import { hex, refuser, sha256, type Refuse } from './wire'

const refuse: Refuse<ExceptionName> = refuser()

/**
 * Checks a CreateTokenWithIAM request's SigV4: its form, its time (within 15 minutes of the clock), its credential
 * scope (the emulator's region, service `sso-oauth`), and, with `iamCredentials`, the signature itself.
 * Refuses with AccessDeniedException.
 */
export async function verifySignature({ clock, region, iamCredentials }: Settings, request: Request, body: string): Promise<void> {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=((?:[a-z0-9-]+;)*[a-z0-9-]+), ?Signature=([0-9a-f]{64})$/.exec(
    request.headers.get('authorization') ?? '',
  )
  const datetime = request.headers.get('x-amz-date') ?? ''
  if (!auth || !/^\d{8}T\d{6}Z$/.test(datetime) || !datetime.startsWith(auth[2]!)) {
    refuse('AccessDeniedException', 'Missing or malformed SigV4 Authorization header')
  }
  const [, accessKeyId, , scopeRegion, service, signedHeaders = '', signature] = auth
  // As AWS: a request signed more than 15 minutes away from the service's clock is refused (no replays).
  const signedAt = Date.parse(datetime.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'))
  if (!(Math.abs(clock() - signedAt) <= 15 * 60 * 1000)) refuse('AccessDeniedException', 'Signature expired: the request time is too far from the service time')
  if (scopeRegion !== region || service !== 'sso-oauth') {
    refuse('AccessDeniedException', `Credential should be scoped to region ${region} and service sso-oauth`)
  }
  if (!iamCredentials) return
  const credentials = iamCredentials.find((c) => c.accessKeyId === accessKeyId)
  if (!credentials) refuse('AccessDeniedException', 'The security token included in the request is invalid')
  const names = signedHeaders.split(';')
  const headers = new Headers(names.filter((name) => name !== 'host').map((name): [string, string] => [name, request.headers.get(name) ?? '']))
  const contentHash = headers.get('x-amz-content-sha256')
  const expected = await new AwsV4Signer({
    method: request.method,
    url: request.url,
    headers,
    body,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    service: 'sso-oauth',
    region,
    datetime,
    allHeaders: true,
  }).signature()
  if (
    expected !== signature ||
    !names.includes('host') ||
    (contentHash !== null && contentHash !== hex(await sha256(body))) ||
    (credentials.sessionToken !== undefined && headers.get('x-amz-security-token') !== credentials.sessionToken)
  ) {
    refuse('AccessDeniedException', 'The request signature does not match')
  }
}
