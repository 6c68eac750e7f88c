/**
 * `ssooidc credentials`: a profile's role credentials in the `credential_process` format, from the AWS CLI's
 * role-credential cache while they last, else from the access portal.
 *
 * @module
 */
import { parse } from './args'
import { EXIT, fail, print, usage } from './output'
import { signInError } from './token'

/** The help of `ssooidc credentials`. */
export const HELP = `Usage: ssooidc credentials [--profile P] [--account-id A --role-name R]

Prints the role credentials of a profile (its sso_account_id and sso_role_name) as credential_process wants them:
{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}. They come from the AWS CLI's cache
in ~/.aws/cli/cache while more than 15 minutes are left, else from the access portal (cached for next time).

Use it from ~/.aws/config, for any SDK or tool that cannot do SSO itself:

  [profile dev-app]
  credential_process = ssooidc credentials --profile dev

Options:
  --profile P      The profile (default: AWS_PROFILE, else default)
  --account-id A   Another account than the profile's (with --role-name)
  --role-name R    Another role than the profile's

Exit codes: 0 printed; 253 the configuration is wrong; 254 the portal refused; 255 no valid token or other failure.
`

/** Runs `ssooidc credentials` with its arguments; resolves to the exit code. */
export async function run(args: string[]): Promise<number> {
  const values = parse(args, { profile: { type: 'string' }, 'account-id': { type: 'string' }, 'role-name': { type: 'string' } }, 'credentials')
  if (typeof values === 'number') return values
  const { profile, 'account-id': accountId, 'role-name': roleName } = values
  if (!accountId !== !roleName) return usage('--account-id and --role-name go together', 'credentials')
  const { getProfileCredentials } = await import('../node/credentials')
  const result = await getProfileCredentials({ profile, accountId, roleName })
  if (!result.ok) return fail(await signInError(result.error, { profile }))
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = result.value
  // As `aws configure export-credentials --format process` prints it: two-space indent, a final newline.
  const output = { Version: 1, AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey, SessionToken: sessionToken, Expiration: new Date(expiration).toISOString() }
  print(`${JSON.stringify(output, null, 2)}\n`)
  return EXIT.ok
}
