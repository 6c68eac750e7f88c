#!/usr/bin/env node
// A whole IAM Identity Center sign-in, the way the AWS CLI v2 runs it, with ssooidc.
//
//   npm run demo                                   device sign-in + refresh + PKCE sign-in, on the embedded emulator
//   npm run demo -- --region us-east-1 --start-url https://my-org.awsapps.com/start           the same, for real
//   npm run demo -- --region us-east-1 --start-url https://my-org.awsapps.com/start --pkce    the browser flow, for real
//
// It prints what a user needs (token type, expiry, scopes) and never a secret.
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import { authorizeUrl, createPkce, createToken, pollToken, registerClient, startDeviceAuthorization } from 'ssooidc'
import { createEmulator } from 'ssooidc/emulator'
import { listen } from 'ssooidc/emulator/node'

const HELP = `Usage: npm run demo [-- --region REGION --start-url URL [--pkce]]

Without options, starts the ssooidc emulator on loopback and signs in against it: the device flow (register,
start, show the code, poll until the emulated user approves a few seconds later), a token refresh, then the
authorization-code flow with PKCE (the emulated browser follows /authorize to a loopback callback).

With --region and --start-url, signs in against the real IAM Identity Center in that region: open the URL it
prints and enter the code. With --pkce as well, uses the browser flow instead (open the printed URL; it listens
on 127.0.0.1 for the callback). Nothing is written to disk; no secret is printed.

Options:
  --region REGION      an AWS region, such as us-east-1 (real service)
  --start-url URL      your AWS access portal URL, such as https://my-org.awsapps.com/start (real service)
  --pkce               sign in with the authorization-code flow and PKCE instead of the device flow
  -h, --help           show this help`

const SCOPES = ['sso:account:access']
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

let args
try {
  args = parseArgs({
    options: {
      region: { type: 'string' },
      'start-url': { type: 'string' },
      pkce: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values
} catch (error) {
  console.error(`${error.message}\n\n${HELP}`)
  process.exit(2)
}
if (args.help) {
  console.log(HELP)
  process.exit(0)
}
if (Boolean(args.region) !== Boolean(args['start-url'])) {
  console.error(`--region and --start-url go together.\n\n${HELP}`)
  process.exit(2)
}

/** Ends the demo on a failed Result: the error's name and message, which never hold a secret. */
function check(step, result) {
  if (result.ok) return result.value
  console.error(`\n✗ ${step} failed: ${result.error.name}: ${result.error.message}`)
  process.exit(1)
}

const expiry = (seconds) => `${seconds} s (until ${new Date(Date.now() + seconds * 1000).toISOString()})`

function report(title, token, scopes) {
  console.log(`\n✓ ${title}`)
  console.log(`  token type:     ${token.tokenType}`)
  console.log(`  expires in:     ${expiry(token.expiresIn)}`)
  console.log(`  scopes:         ${scopes.join(' ')}`)
  console.log(`  refresh token:  ${token.refreshToken ? 'issued (kept in memory, not shown)' : 'none'}`)
}

async function deviceSignIn(options, startUrl) {
  console.log('1. RegisterClient (public client, device-code and refresh grants, as the AWS CLI does)')
  const client = check(
    'RegisterClient',
    await registerClient(
      { clientName: 'ssooidc-demo', clientType: 'public', grantTypes: [DEVICE_GRANT, 'refresh_token'], scopes: SCOPES },
      options,
    ),
  )
  console.log(`   client registered until ${new Date(client.clientSecretExpiresAt * 1000).toISOString()}`)

  console.log('2. StartDeviceAuthorization')
  const credentials = { clientId: client.clientId, clientSecret: client.clientSecret }
  const device = check('StartDeviceAuthorization', await startDeviceAuthorization({ ...credentials, startUrl }, options))
  console.log(`\n   Open ${device.verificationUri} and enter the code ${device.userCode}`)
  console.log(`   (or open ${device.verificationUriComplete})\n`)

  console.log(`3. CreateToken, polling every ${device.interval ?? 5} s until the sign-in is approved`)
  const spinner = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏'
  const started = Date.now()
  const token = check(
    'CreateToken (device code)',
    await pollToken(
      { ...credentials, ...device },
      {
        ...options,
        onPending: ({ attempt, interval, remaining }) =>
          process.stdout.write(
            `\r   ${spinner[attempt % spinner.length]} waiting for approval: poll ${attempt}, every ${interval} s, ` +
              `${((Date.now() - started) / 1000).toFixed(1)} s so far, code valid ${remaining} s more `,
          ),
      },
    ),
  )
  report('Signed in with the device code', token, SCOPES)

  if (!token.refreshToken) return
  console.log('\n4. CreateToken with the refresh token (the token cache does this when < 5 min remain)')
  const refreshed = check(
    'CreateToken (refresh)',
    await createToken({ ...credentials, grantType: 'refresh_token', refreshToken: token.refreshToken }, options),
  )
  report('Refreshed; the refresh token was rotated', refreshed, SCOPES)
}

/**
 * The authorization-code flow with PKCE: a loopback callback server, the browser sent to /authorize, and the
 * code exchanged with the verifier. `browse(url)` plays the browser (the emulator) or asks the user (real).
 */
async function pkceSignIn(options, startUrl, browse) {
  const callback = await new Promise((resolve) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
  const redirectUri = `http://127.0.0.1:${callback.address().port}/oauth/callback`
  try {
    console.log('\n5. RegisterClient for the authorization-code flow (loopback redirect URI, issuer = start URL)')
    const client = check(
      'RegisterClient',
      await registerClient(
        {
          clientName: 'ssooidc-demo-pkce',
          clientType: 'public',
          grantTypes: ['authorization_code', 'refresh_token'],
          redirectUris: ['http://127.0.0.1/oauth/callback'],
          issuerUrl: startUrl,
          scopes: SCOPES,
        },
        options,
      ),
    )
    const { codeVerifier, codeChallenge } = await createPkce()
    const state = crypto.randomUUID()
    const url = check('authorizeUrl', authorizeUrl({ clientId: client.clientId, redirectUri, scopes: SCOPES, state, codeChallenge }, options))
    const code = new Promise((resolve, reject) => {
      callback.on('request', (req, res) => {
        const query = new URL(req.url, redirectUri).searchParams
        if (query.get('state') !== state || !query.get('code')) {
          res.writeHead(400).end('Sign-in failed: the callback did not match this sign-in.')
          return reject(new Error(`callback refused: ${query.get('error') ?? 'state mismatch'}`))
        }
        res.writeHead(200, { 'content-type': 'text/plain' }).end('Signed in. You can close this tab.')
        resolve(query.get('code'))
      })
    })
    console.log(`6. The browser opens /authorize (S256 challenge, state checked on the callback at ${redirectUri})`)
    await browse(url)
    const token = check(
      'CreateToken (authorization code)',
      await createToken(
        { clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'authorization_code', code: await code, redirectUri, codeVerifier },
        options,
      ),
    )
    report('Signed in with the authorization code and PKCE', token, SCOPES)
  } finally {
    callback.close()
  }
}

if (args.region) {
  const options = { region: args.region }
  console.log(`Signing in to IAM Identity Center in ${args.region} (${args['start-url']})\n`)
  if (args.pkce) {
    await pkceSignIn(options, args['start-url'], async (url) => console.log(`\n   Open this URL in your browser:\n   ${url}\n`))
  } else {
    await deviceSignIn(options, args['start-url'])
  }
} else {
  const emulator = createEmulator({ autoApproveAfter: 3000, interval: 1 })
  const server = await listen(emulator, { port: 0 })
  console.log(`Emulated IAM Identity Center OIDC on ${server.url} (the emulated user approves after 3 s)\n`)
  const options = { endpoint: server.url }
  try {
    await deviceSignIn(options, 'https://example.awsapps.com/start')
    // The emulated browser: follow /authorize's redirect to the loopback callback, as a browser would.
    await pkceSignIn(options, 'https://example.awsapps.com/start', async (url) => {
      const authorize = await fetch(url, { redirect: 'manual' })
      const location = authorize.headers.get('location')
      if (authorize.status !== 302 || !location) throw new Error(`/authorize answered ${authorize.status}`)
      await (await fetch(location)).text()
    })
  } finally {
    await server.close()
  }
}
console.log('\nDone.')
