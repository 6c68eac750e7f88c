/**
 * The command line of a subcommand, with `node:util`'s `parseArgs`: strict (an unknown option is a usage error),
 * no positionals.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { usage } from './output'

type Options = NonNullable<ParseArgsConfig['options']>

/** The values of `args` for `options`, or the exit code of a usage error (already reported). */
export function parse<const O extends Options>(args: string[], options: O, command: string) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values
  } catch (error) {
    return usage(error instanceof Error ? error.message.replace(/\. To specify.*$/, '') : String(error), command)
  }
}
