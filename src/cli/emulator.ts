/**
 * `ssooidc emulator`: the emulator as a local IAM Identity Center on 127.0.0.1, for the AWS CLI, the SDKs and the
 * user's own app to sign in against. Ctrl-C stops it.
 *
 * @module
 */
import { readFile } from 'node:fs/promises'
import type { EmulatorAccount } from '../emulator/index'
import { parse } from './args'
import { EXIT, print, say, usage } from './output'

/** The help of `ssooidc emulator`. */
export const HELP = `Usage: ssooidc emulator [--port N] [--auto-approve SECONDS] [--accounts FILE] [--region R]

Runs a local IAM Identity Center (SSO OIDC and the access portal) on 127.0.0.1 until Ctrl-C. Point the AWS CLI,
the SDKs and ssooidc at it with the two lines it prints, then sign in with any start URL: the browser sign-in
consents at once, and device codes approve themselves (after --auto-approve seconds).

Options:
  --port N               The port (default: a free one)
  --auto-approve SECONDS  Approve device codes this long after they are issued (default 0)
  --accounts FILE        A JSON file: [{ "accountId", "accountName", "emailAddress", "roles": ["..."] }]
  --region R             The region it plays (default us-east-1)

Exit codes: 0 stopped with Ctrl-C; 252 wrong options; 253 an --accounts file that cannot be read or is not
that shape; 255 the port is taken.
`

const isString = (value: unknown) => typeof value === 'string'

/** What is wrong with an `--accounts` file's JSON, if anything: the emulator takes the shape as given. */
function accountsProblem(accounts: unknown): string | undefined {
  if (!Array.isArray(accounts)) return 'not a JSON array'
  for (const [i, account] of accounts.entries()) {
    const { accountId, accountName, emailAddress, roles } = (account ?? {}) as Record<string, unknown>
    if (!isString(accountId) || !/^\d{12}$/.test(accountId as string)) return `entry ${i}: accountId must be a 12-digit string`
    if (!isString(accountName) || !isString(emailAddress)) return `entry ${i}: accountName and emailAddress must be strings`
    if (!Array.isArray(roles) || !roles.every(isString)) return `entry ${i}: roles must be an array of strings`
  }
  return undefined
}

/** Runs `ssooidc emulator`; resolves when it stops. */
export async function run(args: string[]): Promise<number> {
  const values = parse(args, { port: { type: 'string' }, 'auto-approve': { type: 'string' }, accounts: { type: 'string' }, region: { type: 'string' } }, 'emulator')
  if (typeof values === 'number') return values
  const port = Number(values.port ?? 0)
  const autoApprove = Number(values['auto-approve'] ?? 0)
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usage(`--port must be a port number, not ${values.port}`, 'emulator')
  if (!(autoApprove >= 0)) return usage(`--auto-approve must be a number of seconds, not ${values['auto-approve']}`, 'emulator')
  let accounts: EmulatorAccount[] | undefined
  if (values.accounts) {
    try {
      const parsed: unknown = JSON.parse(await readFile(values.accounts, 'utf8'))
      const wrong = accountsProblem(parsed)
      if (wrong) throw new Error(wrong)
      accounts = parsed as EmulatorAccount[]
    } catch (error) {
      say(`Could not read the accounts of ${values.accounts}: ${error instanceof Error ? error.message : String(error)}`)
      return EXIT.config
    }
  }
  const [{ createEmulator }, { listen }] = await Promise.all([import('../emulator/index'), import('../emulator/node')])
  const region = values.region ?? 'us-east-1'
  const emulator = createEmulator({ region, autoApproveAfter: autoApprove * 1000, ...(accounts && { accounts }) })
  let server
  try {
    server = await listen(emulator, { port })
  } catch (error) {
    say(`Could not listen on 127.0.0.1:${port}: ${error instanceof Error ? error.message : String(error)}`)
    return EXIT.other
  }
  say(`A local IAM Identity Center is listening on ${server.url} (region ${region}). Point the AWS CLI, the SDKs and ssooidc at it:\n`)
  print(`export AWS_ENDPOINT_URL_SSO_OIDC=${server.url}\nexport AWS_ENDPOINT_URL_SSO=${server.url}\n`)
  say(`\nAny start URL signs in. Ctrl-C stops it.`)
  const stopped = server
  await new Promise<void>((resolve) => {
    const stop = () => void stopped.close().then(resolve, resolve)
    process.removeAllListeners('SIGINT')
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  say('Stopped.')
  return EXIT.ok
}
