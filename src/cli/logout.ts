/**
 * `ssooidc logout`: as `aws sso logout`: the portal's Logout for every cached token, then the token deleted;
 * registrations kept; the SSO role credentials of the CLI's cache deleted. Prints nothing when all goes well.
 *
 * @module
 */
import { parse } from './args'
import { EXIT, fail, say } from './output'

/** The help of `ssooidc logout`. */
export const HELP = `Usage: ssooidc logout [--profile P]

Signs out of every session cached in ~/.aws/sso/cache, as aws sso logout does: each access token is ended at the
access portal (Logout), then its file is deleted; client registrations are kept; the SSO role credentials cached
in ~/.aws/cli/cache are deleted. Prints nothing when all goes well.

Options:
  --profile P   The profile whose endpoint settings to use (AWS_ENDPOINT_URL_SSO, a [services] section)

Exit codes: 0 signed out; 252 wrong options; 253 the profile's [services] section is missing; 255 a file could
not be deleted.
`

/** Runs `ssooidc logout`; resolves to the exit code. */
export async function run(args: string[]): Promise<number> {
  const values = parse(args, { profile: { type: 'string' } }, 'logout')
  if (typeof values === 'number') return values
  const [{ listCachedTokens, listCachedRoleCredentials, deleteCacheFile }, { resolveConfiguredEndpoints }, { logout }] = await Promise.all([
    import('../node/cache'),
    import('../node/config'),
    import('../portal/operations'),
  ])
  // A profile naming a [services] section that is not there is a configuration error, as in the AWS CLI.
  const endpoints = await resolveConfiguredEndpoints({ profile: values.profile })
  if (!endpoints.ok) return fail(endpoints.error)
  const endpoint = endpoints.value.portalEndpoint
  let code: number = EXIT.ok
  const tokens = await listCachedTokens()
  if (!tokens.ok) return fail(tokens.error)
  for (const { path, accessToken, region, startUrl } of tokens.value) {
    if (region) {
      const ended = await logout({ accessToken }, { region, ...(endpoint && { endpoint }) })
      // A token already expired or ended is as good as signed out.
      if (!ended.ok && ended.error.name !== 'UnauthorizedException') say(`Could not sign out of ${startUrl ?? region} at the portal (${ended.error.message}); deleting its token anyway.`)
    }
    const deleted = await deleteCacheFile(path)
    if (!deleted.ok) code = fail(deleted.error)
  }
  const roles = await listCachedRoleCredentials()
  for (const path of roles.value ?? []) {
    const deleted = await deleteCacheFile(path)
    if (!deleted.ok) code = fail(deleted.error)
  }
  return roles.ok ? code : fail(roles.error)
}
