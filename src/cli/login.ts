/**
 * `ssooidc login`: the sign-in of `aws sso login`, writing what it writes, with the prompts users know.
 *
 * @module
 */
import { parse } from './args'
import { EXIT, fail, print, say, usage, waiting } from './output'

/** The help of `ssooidc login`. */
export const HELP = `Usage: ssooidc login [--profile P | --sso-session S | --start-url URL --region R]
                     [--use-device-code] [--no-browser] [--scopes a,b]

Signs in to IAM Identity Center as aws sso login does, and writes what it writes (~/.aws/sso/cache): the AWS CLI,
the SDKs and every tool that reads that cache are signed in too. An sso-session signs in in the browser (PKCE,
with a one-time server on 127.0.0.1); a legacy profile, or --use-device-code, with a device code.

Options:
  --profile P         The profile (default: AWS_PROFILE, else default)
  --sso-session S     An sso-session of ~/.aws/config, without a profile
  --start-url URL     An AWS access portal URL, without any config (with --region)
  --region R          The region of the IAM Identity Center instance (with --start-url)
  --use-device-code   Sign in with a device code, even for an sso-session
  --no-browser        Do not open a browser: print the URL to open
  --scopes a,b        Scopes to register, over sso_registration_scopes

Exit codes: 0 signed in; 252 wrong options; 253 the configuration is wrong; 254 the sign-in was refused or its
device code expired (the service's ExpiredTokenException); 255 another failure (the browser sign-in timed out,
a file could not be written); 130 interrupted.
`

/** Runs `ssooidc login` with its arguments; resolves to the exit code. */
export async function run(args: string[]): Promise<number> {
  const values = parse(
    args,
    {
      profile: { type: 'string' },
      'sso-session': { type: 'string' },
      'start-url': { type: 'string' },
      region: { type: 'string' },
      'use-device-code': { type: 'boolean' },
      'no-browser': { type: 'boolean' },
      scopes: { type: 'string' },
    },
    'login',
  )
  if (typeof values === 'number') return values
  const { profile, 'sso-session': ssoSession, 'start-url': startUrl, region, 'no-browser': noBrowser } = values
  if ([profile, ssoSession, startUrl].filter(Boolean).length > 1) return usage('Give one of --profile, --sso-session or --start-url', 'login')
  if (!startUrl !== !region) return usage('--start-url and --region go together', 'login')
  const [{ signIn }, { parseScopes }] = await Promise.all([import('../node/signin'), import('../node/config')])
  const scopes = values.scopes === undefined ? undefined : parseScopes(values.scopes)
  let spinner: { stop(): void } | undefined
  const result = await signIn({
    profile,
    ssoSession,
    startUrl,
    region,
    scopes,
    ...(values['use-device-code'] && { flow: 'device' as const }),
    openBrowser: !noBrowser,
    onPrompt(prompt) {
      say(noBrowser ? 'Browser will not be automatically opened.\nPlease visit the following URL:' : 'Attempting to automatically open the SSO authorization page in your default browser.\nIf the browser does not open or you wish to use a different device to authorize this request, open the following URL:')
      if (prompt.flow === 'device') {
        say(`\n${prompt.verificationUri}\n\nThen enter the code:\n\n${prompt.userCode}\n`)
        if (noBrowser) say(`Alternatively, you may visit the following URL which will autofill the code upon loading:\n${prompt.verificationUriComplete}\n`)
        spinner = waiting('Waiting for the code to be approved', Date.now() + prompt.expiresIn * 1000)
      } else {
        say(`\n${prompt.url}\n`)
        spinner = waiting('Waiting for the sign-in in the browser', Date.now() + 600_000)
      }
    },
  })
  spinner?.stop()
  if (!result.ok) return fail(result.error)
  print(`Successfully logged into Start URL: ${result.value.startUrl}\n`)
  return EXIT.ok
}
