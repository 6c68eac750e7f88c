#!/usr/bin/env node
/**
 * The `ssooidc` command: sign in to IAM Identity Center as `aws sso login` does, print a token or the
 * `credential_process` credentials of a profile, sign out, or run a local Identity Center. Each subcommand is
 * loaded only when asked for, so that `ssooidc token` starts almost as fast as Node itself.
 *
 * @module
 */
import { version } from '../../package.json'
import { EXIT, fancy, print, say, usage } from './output'

/** A subcommand: its help, and what it does with its arguments, resolving to the exit code. */
export interface Command {
  readonly HELP: string
  run(args: string[]): Promise<number>
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  login: () => import('./login'),
  token: () => import('./token'),
  credentials: () => import('./credentials'),
  logout: () => import('./logout'),
  emulator: () => import('./emulator'),
}

const HELP = `ssooidc: sign in to AWS IAM Identity Center, and share the sign-in with the AWS CLI and SDKs

Usage: ssooidc <command> [options]

Commands:
  login         Sign in, as aws sso login (PKCE in the browser, or a device code)
  token         Print a valid access token (refreshed when needed)
  credentials   Print a profile's role credentials for credential_process
  logout        Sign out of every cached session, as aws sso logout
  emulator      Run a local IAM Identity Center for development

Options:
  -h, --help     Show help (also: ssooidc <command> --help)
  -v, --version  Show the version

It reads ~/.aws/config (AWS_CONFIG_FILE, AWS_PROFILE) and the caches in ~/.aws/sso/cache and ~/.aws/cli/cache,
as the AWS CLI does: a sign-in made by either serves both.
`

async function main([command, ...args]: string[]): Promise<number> {
  if (command === '-h' || command === '--help' || command === 'help') {
    print(HELP)
    return EXIT.ok
  }
  // No command: a usage error, its help on stderr, as the AWS CLI does.
  if (!command) {
    say(HELP)
    return EXIT.usage
  }
  if (command === '-v' || command === '--version') {
    print(`ssooidc ${version} (node ${process.version})\n`)
    return EXIT.ok
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
  if (!load) return usage(command.startsWith('-') ? `Unknown option: ${command}` : `Unknown command: ${command}`)
  const subcommand = await load()
  if (args.includes('-h') || args.includes('--help')) {
    print(subcommand.HELP)
    return EXIT.ok
  }
  return subcommand.run(args)
}

// Ctrl-C: the spinner's line cleared, a line, and the AWS CLI's exit code. Files are written atomically: nothing is
// left half-written.
process.on('SIGINT', () => {
  process.stderr.write(fancy() ? '\r\x1b[2K' : '\n')
  say('Interrupted.')
  process.exit(EXIT.interrupted)
})

// A reader that went away (`ssooidc token | head -c 10`, a closed terminal): stop quietly, as `cat` does, rather
// than crash with EPIPE.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => process.exit(process.exitCode ?? EXIT.ok))

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    // Never a stack trace; a bug of ours still says what it was.
    say(`ssooidc failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = EXIT.other
  },
)
