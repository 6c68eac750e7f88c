/**
 * SigV4 for CreateTokenWithIAM: signing name `sso-oauth`, the client's region, the caller's credentials.
 * The signing itself is aws4fetch's; this module resolves and checks the credentials around it.
 *
 * @module
 */
import { AwsV4Signer } from 'aws4fetch'
import * as v from 'valibot'
import { Credentials } from './schemas'
import type { CredentialsError } from './errors'
import { collectSecrets } from './redact'
import { ABORTED, abortable, type Signer } from './request'

/** Credentials, or an async function that returns them (a provider, as in the AWS SDK v3). */
export type CredentialsOption = Credentials | (() => Promise<Credentials> | Credentials)

/**
 * Signs `headers` in place for service `service` in `region` at `datetime` (`YYYYMMDDTHHMMSSZ`, now by default).
 * Exported for the known-answer tests against AWS's SigV4 test suite.
 */
export async function signHeaders(
  request: { method?: string; url: string; headers: Headers; body: string },
  credentials: Credentials,
  region: string,
  service = 'sso-oauth',
  datetime?: string,
): Promise<void> {
  const signer = new AwsV4Signer({
    method: request.method ?? 'POST',
    url: request.url,
    headers: request.headers,
    body: request.body,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    service,
    region,
    // aws4fetch leaves content-type unsigned by default; the AWS SDKs sign it, and so do we.
    allHeaders: true,
    ...(datetime ? { datetime } : {}),
  })
  const signed = await signer.sign()
  signed.headers.forEach((value, key) => request.headers.set(key, value))
}

/**
 * The Signer of CreateTokenWithIAM: credentials resolved (the wait ends with the attempt's deadline: the caller's
 * signal or the timeout), checked, used.
 */
export const signIam: Signer<CredentialsError> = async ({ url, headers, body, options, secrets, signal }) => {
  if (!options.region) return { name: 'EndpointError', message: 'Invalid Configuration: Missing Region' }
  let credentials: unknown = options.credentials
  try {
    if (typeof credentials === 'function') credentials = await abortable(Promise.resolve(credentials()), signal)
  } catch {
    if (signal?.aborted) return ABORTED
    return { name: 'CredentialsError', message: 'The credentials provider failed' }
  }
  const checked = v.safeParse(Credentials, credentials)
  if (!checked.success) {
    return {
      name: 'CredentialsError',
      message: 'credentials must be { accessKeyId, secretAccessKey, sessionToken? } with non-empty keys',
    }
  }
  collectSecrets(checked.output, secrets)
  await signHeaders({ url, headers, body }, checked.output, options.region)
  return undefined
}
