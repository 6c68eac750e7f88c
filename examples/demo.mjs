#!/usr/bin/env node
// The whole story, as a newcomer runs it (`npm run demo`), against the embedded emulator in a throwaway HOME:
// `ssooidc login` (the device flow, approved by the emulator), `ssooidc token`, `ssooidc credentials` used by the
// AWS SDK through `credential_process`, the access portal from the library, then `ssooidc logout`.
// Every command is the real, built `ssooidc` in a process of its own. No secret is printed.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEmulator } from 'ssooidc/emulator'
import { listen } from 'ssooidc/emulator/node'
import { getSsoToken } from 'ssooidc/node'
import { getRoleCredentials, listAllAccountRoles, listAllAccounts } from 'ssooidc/portal'

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`Usage: npm run demo

Starts a local IAM Identity Center (the ssooidc emulator) on 127.0.0.1, makes a throwaway HOME with a
~/.aws/config whose profile names an sso-session, and runs, as you would:

  ssooidc login --profile demo --use-device-code   (the emulated user approves the code after 2 s)
  ssooidc token --profile demo
  ssooidc credentials --profile demo               (through credential_process, read by the AWS SDK)
  ssooidc logout

with the access portal called from the library in between. Against your real IAM Identity Center, run the same
commands yourself, without the two AWS_ENDPOINT_URL_* variables: see README.md.`)
  process.exit(0)
}

const CLI = fileURLToPath(new URL('../dist/cli/index.mjs', import.meta.url))
const START_URL = 'https://d-1234567890.awsapps.com/start'
const started = Date.now()
const dim = (text) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[2m${text}\x1b[0m` : text)
/** A secret, shown as its length only. */
const mask = (secret) => `*** (${secret.length} characters, not shown)`

// 1. A local Identity Center, and a user's machine that points at it.
const emulator = createEmulator({ autoApproveAfter: 2000 })
const server = await listen(emulator)
const home = mkdtempSync(join(tmpdir(), 'ssooidc-demo-'))
mkdirSync(join(home, '.aws'), { recursive: true })
const config = `[profile demo]
sso_session = demo-sso
sso_account_id = 111122223333
sso_role_name = ReadOnlyAccess
region = us-east-1

[sso-session demo-sso]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile app]
credential_process = "${process.execPath}" "${CLI}" credentials --profile demo
`
writeFileSync(join(home, '.aws', 'config'), config)
// Your shell's AWS_* variables (a profile, an endpoint) stay out of the demo: it signs in to the emulator only.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')))
Object.assign(env, { HOME: home, AWS_CONFIG_FILE: join(home, '.aws', 'config'), AWS_ENDPOINT_URL_SSO_OIDC: server.url, AWS_ENDPOINT_URL_SSO: server.url, NO_COLOR: '1' })

console.log(`A local IAM Identity Center (the ssooidc emulator) listens on ${server.url}.`)
console.log(`HOME=${home}, with this ~/.aws/config:\n\n${config.replace(/^/gm, '    ')}`)
console.log(`export AWS_ENDPOINT_URL_SSO_OIDC=${server.url}\nexport AWS_ENDPOINT_URL_SSO=${server.url}\n`)

let failed = false
/** Runs `ssooidc …args`, showing what it prints; stdout goes through `show` (to mask secrets). */
function ssooidc(args, show = (out) => out, expected = 0) {
  console.log(`$ ssooidc ${args.join(' ')}`)
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.stderr.on('data', (chunk) => process.stdout.write(dim(String(chunk))))
    child.on('close', (code) => {
      if (out) process.stdout.write(show(out))
      console.log(dim(`(exit ${code})\n`))
      if (code !== expected) failed = true
      resolve(out)
    })
  })
}

// 2. Sign in, as `aws sso login`: the device flow; the emulated user approves the code.
await ssooidc(['login', '--profile', 'demo', '--use-device-code', '--no-browser'])
console.log(`~/.aws/sso/cache now holds: ${readdirSync(join(home, '.aws', 'sso', 'cache')).join(', ')} (0600), read by the AWS CLI and SDKs too.\n`)

// 3. A token for scripts: stdout holds only the token (masked here).
await ssooidc(['token', '--profile', 'demo'], (out) => `${mask(out.trim())}\n`)

// 4. Role credentials for any tool: the AWS SDK's own credential_process reader runs `ssooidc credentials`.
console.log('$ node -e "fromIni({ profile: \'app\' })()"   # the AWS SDK, through credential_process = ssooidc credentials --profile demo')
for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key]
Object.assign(process.env, { HOME: home, AWS_CONFIG_FILE: env.AWS_CONFIG_FILE, AWS_ENDPOINT_URL_SSO_OIDC: server.url, AWS_ENDPOINT_URL_SSO: server.url })
const { fromIni } = await import('@aws-sdk/credential-provider-ini')
try {
  const credentials = await fromIni({ profile: 'app' })()
  console.log(`accessKeyId ${credentials.accessKeyId}, expires ${credentials.expiration?.toISOString()}; secretAccessKey ${mask(credentials.secretAccessKey)}\n`)
} catch (error) {
  console.log(`the SDK could not get credentials: ${error.message}\n`)
  failed = true
}

// 5. The access portal from the library, with the same sign-in: accounts, roles, role credentials.
console.log('The access portal, from the library (ssooidc/node, ssooidc/portal):')
const token = await getSsoToken({ profile: 'demo' })
if (!token.ok) {
  console.log(`getSsoToken: ${token.error.name}: ${token.error.message}`)
  failed = true
} else {
  const { accessToken } = token.value.token
  const options = { region: 'us-east-1', endpoint: server.url }
  const accounts = await listAllAccounts({ accessToken }, options)
  for (const account of accounts.value ?? []) {
    const roles = await listAllAccountRoles({ accessToken, accountId: account.accountId ?? '' }, options)
    console.log(`  ${account.accountId} ${account.accountName} <${account.emailAddress}>: ${(roles.value ?? []).map((role) => role.roleName).join(', ')}`)
  }
  const role = await getRoleCredentials({ accessToken, accountId: '444455556666', roleName: 'PowerUserAccess' }, options)
  const { accessKeyId, secretAccessKey, expiration } = role.value?.roleCredentials ?? {}
  console.log(`  PowerUserAccess in 444455556666: accessKeyId ${accessKeyId}, expires ${new Date(expiration ?? 0).toISOString()}, secretAccessKey ${mask(secretAccessKey ?? '')}\n`)
  if (!accounts.ok || !role.ok) failed = true
}

// 6. Sign out, as `aws sso logout`: the portal ends the token; the caches go; registrations stay.
await ssooidc(['logout'])
console.log(`~/.aws/sso/cache now holds: ${readdirSync(join(home, '.aws', 'sso', 'cache')).join(', ') || 'nothing'} (the client registration, kept as the AWS CLI keeps it)`)
await ssooidc(['token', '--profile', 'demo'], undefined, 255) // signed out: exit 255

await server.close()
rmSync(home, { recursive: true, force: true })
console.log(`${failed ? 'The demo failed' : 'Done'} in ${((Date.now() - started) / 1000).toFixed(1)} s.`)
process.exit(failed ? 1 : 0)
