/**
 * How the command talks: results on stdout, messages on stderr, one line per error and never a stack trace, exit
 * codes scripts can branch on (the AWS CLI's), colour and spinners only on a terminal (`NO_COLOR` respected).
 *
 * @module
 */

/** The AWS CLI's exit codes (its `RC` table): what a script can tell apart. */
export const EXIT = {
  ok: 0,
  /** The command line is wrong: an unknown command or option, a missing value. */
  usage: 252,
  /** The configuration or the environment is wrong: a profile or sso-session missing or incomplete. */
  config: 253,
  /** The service refused the call. */
  service: 254,
  /** Anything else: no token, a network failure, a file that cannot be written. */
  other: 255,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const

/** The errors of shared config, which exit 253 as the AWS CLI's configuration errors do. */
const CONFIG_ERRORS = new Set([
  'ProfileNotFoundError',
  'NotSsoProfileError',
  'SsoSessionNotFoundError',
  'MissingSsoConfigError',
  'InconsistentSsoConfigError',
  'ServicesSectionNotFoundError',
  'EndpointError',
])

/**
 * Reports an error of the library in one line on stderr (its message, then `hint`), and returns the exit code:
 * 253 for configuration, 254 for a refusal (a service's exception, or the user's in the browser), 255 for the rest.
 * Messages never hold secrets.
 */
export function fail(error: { name: string; message: string }, hint = ''): number {
  say(`${error.message.replace(/\s+/g, ' ').trim()}${hint}`)
  // A service's exception, or the user's refusal in the browser (the authorization server's), is a refusal: 254.
  const refused = /Exception$/.test(error.name) || error.name === 'AuthorizationError'
  return CONFIG_ERRORS.has(error.name) ? EXIT.config : refused ? EXIT.service : EXIT.other
}

/** Reports a wrong command line in one line, with where to look, and returns 252. */
export function usage(message: string, command?: string): number {
  say(`${message}\nSee: ssooidc ${command ? `${command} ` : ''}--help`)
  return EXIT.usage
}

/** Whether stderr is a terminal that takes colour: a spinner and colour there, plain lines elsewhere. */
export const fancy = (): boolean => !!process.stderr.isTTY && !process.env.NO_COLOR && process.env.TERM !== 'dumb'

/** Writes a line of messages to stderr. */
export const say = (text = ''): void => void process.stderr.write(`${text}\n`)

/** Writes the command's result to stdout. */
export const print = (text: string): void => void process.stdout.write(text)

/**
 * A waiting line with the time left: a spinner redrawn in place on a terminal; elsewhere one plain line now and
 * then (every 30 s), so that logs stay readable. `stop()` clears it.
 */
export function waiting(label: string, deadline: number): { stop(): void } {
  const left = () => {
    const seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000))
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')} left`
  }
  if (!fancy()) {
    say(`${label} (${left()})`)
    const timer = setInterval(() => say(`${label} (${left()})`), 30_000)
    timer.unref()
    return { stop: () => clearInterval(timer) }
  }
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
  let n = 0
  const draw = () => process.stderr.write(`\r\x1b[2K\x1b[36m${frames[n++ % frames.length]}\x1b[0m ${label} \x1b[2m(${left()})\x1b[0m`)
  draw()
  const timer = setInterval(draw, 100)
  timer.unref()
  return {
    stop: () => {
      clearInterval(timer)
      process.stderr.write('\r\x1b[2K')
    },
  }
}
