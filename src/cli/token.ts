/**
 * `ssooidc token`: a valid access token on stdout, refreshed first when needed, and nothing else.
 *
 * @module
 */
import { parse } from './args'
import { EXIT, fail, print } from './output'

/** The help of `ssooidc token`. */
export const HELP = `Usage: ssooidc token [--profile P | --sso-session S] [--json]

Prints a valid access token of the profile's sso-session on stdout, and nothing else. A token that expires within
5 minutes is refreshed first and written back to ~/.aws/sso/cache, where the AWS CLI and SDKs read it.

Options:
  --profile P       The profile (default: AWS_PROFILE, else default)
  --sso-session S   An sso-session of ~/.aws/config, without a profile
  --json            Print {"accessToken": "...", "expiresAt": "..."} instead

Exit codes: 0 a token was printed; 253 the configuration is wrong; 255 no valid token (sign in: ssooidc login).
`

/**
 * An error that signing in cures, in the AWS CLI's words (`Token for <sso-session, or start URL> …`, as botocore's
 * SSOTokenLoader names it), with the command that cures it; any other error as it is.
 */
export async function signInError(
  error: { name: string; message: string },
  options: { profile?: string | undefined; ssoSession?: string | undefined },
): Promise<{ name: string; message: string }> {
  if (!['NoSessionError', 'CorruptSessionError', 'SessionExpiredError'].includes(error.name)) return error
  const { resolveSsoConfig } = await import('../node/config')
  const config = (await resolveSsoConfig(options)).value
  const name = config?.sessionName ?? config?.startUrl ?? options.ssoSession ?? options.profile
  const { profile, ssoSession } = options
  const command = `ssooidc login${ssoSession ? ` --sso-session ${ssoSession}` : profile ? ` --profile ${profile}` : ''}`
  const problem =
    error.name === 'NoSessionError'
      ? `Error loading SSO Token: Token for ${name} does not exist`
      : error.name === 'CorruptSessionError'
        ? `Error loading SSO Token: Token for ${name} is invalid`
        : `Error when retrieving token from sso: Token has expired and refresh failed (${(error as { reason?: { message?: string } }).reason?.message ?? 'no refresh token'})`
  return { name: error.name, message: `${problem}. To sign in again, run: ${command}` }
}

/** Runs `ssooidc token` with its arguments; resolves to the exit code. */
export async function run(args: string[]): Promise<number> {
  const values = parse(args, { profile: { type: 'string' }, 'sso-session': { type: 'string' }, json: { type: 'boolean' } }, 'token')
  if (typeof values === 'number') return values
  const { getSsoToken } = await import('../node/credentials')
  const { profile, 'sso-session': ssoSession } = values
  const result = await getSsoToken({ profile, ssoSession })
  if (!result.ok) return fail(await signInError(result.error, { profile, ssoSession }))
  const { accessToken, expiresAt } = result.value.token
  print(values.json ? `${JSON.stringify({ accessToken, expiresAt })}\n` : `${accessToken}\n`)
  return EXIT.ok
}
