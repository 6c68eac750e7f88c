/**
 * The shared config files read as the AWS SDK for JavaScript reads them: a line-for-line port of `parseIni`,
 * `getConfigData` and `loadSharedConfigFiles` of `@smithy/core/config` (formerly `@smithy/shared-ini-file-loader`),
 * which test/node-ini.test.ts checks against the SDK's own on a corpus of files. Ours because the SDK's loader costs
 * 11–17 ms to import (it pulls in four submodules of `@smithy/core`, 107 KB), which alone put `ssooidc token` over
 * its start-up budget of 1.5x `node -e 0`; this file costs well under 1 ms.
 *
 * @module
 */
import { readFile } from 'node:fs/promises'

/** A section's keys and values (`sub.key` for the indented keys of `key =`). */
export type IniSection = Record<string, string | undefined>
/** A parsed file: sections by name (`default`, `profile-name`, `sso-session.NAME`, `services.NAME`). */
export type IniData = Record<string, IniSection>

const PREFIX_KEY = /^([\w-]+)\s(["'])?([\w-@+.%:/]+)\2$/
const SECTION_TYPES = ['profile', 'sso-session', 'services']
const BLOCKED = ['__proto__', 'profile __proto__']

/**
 * Parses an ini file as the SDK's `parseIni`: `#` and `;` start a comment at the line's start or after whitespace;
 * `[prefix name]` with one space (quotes allowed) for the known prefixes is `prefix.name`, any other `[x]` is `x`; a
 * `key =` with no value opens indented sub-keys (`key.sub`); a `__proto__` profile is refused (it throws, and the
 * loader reads the file as empty, as the SDK's does).
 */
function parseIni(text: string): IniData {
  const map: IniData = Object.create(null)
  let section: string | undefined
  let subSection: string | undefined
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.split(/(^|\s)[;#]/)[0]!.trim()
    if (trimmed[0] === '[' && trimmed[trimmed.length - 1] === ']') {
      section = undefined
      subSection = undefined
      const name = trimmed.substring(1, trimmed.length - 1)
      const matches = PREFIX_KEY.exec(name)
      if (matches) {
        const [, prefix, , value] = matches
        if (SECTION_TYPES.includes(prefix!)) section = `${prefix}.${value}`
      } else section = name
      if (BLOCKED.includes(name)) throw new Error(`Found invalid profile name "${name}"`)
    } else if (section) {
      const equals = trimmed.indexOf('=')
      if (equals > 0) {
        const key = trimmed.substring(0, equals).trim()
        const value = trimmed.substring(equals + 1).trim()
        if (value === '') subSection = key
        else {
          if (subSection && line.trimStart() === line) subSection = undefined
          map[section] ??= {}
          map[section]![subSection ? `${subSection}.${key}` : key] = value
        }
      }
    }
  }
  return map
}

/** The config file's sections as the SDK's `getConfigData` keys them: `profile x` as `x`, `[default]` kept, others dropped. */
function configData(data: IniData): IniData {
  const out: IniData = Object.create(null)
  if (data.default) out.default = data.default
  for (const [key, value] of Object.entries(data)) {
    const dot = key.indexOf('.')
    if (dot === -1 || !SECTION_TYPES.includes(key.substring(0, dot))) continue
    out[key.startsWith('profile.') ? key.substring(dot + 1) : key] = value
  }
  return out
}

/**
 * Reads and parses the config and credentials files, afresh, as the SDK's `loadSharedConfigFiles`: the config file's
 * sections through `getConfigData`, the credentials file's as they are; a file that cannot be read or parsed reads
 * as empty.
 */
export async function loadSharedConfigFiles(configFile: string, credentialsFile: string): Promise<{ config: IniData; credentials: IniData }> {
  const load = (path: string, shape: (data: IniData) => IniData) =>
    readFile(path, 'utf8')
      .then((text) => shape(parseIni(text)))
      .catch(() => Object.create(null) as IniData)
  const [config, credentials] = await Promise.all([load(configFile, configData), load(credentialsFile, (data) => data)])
  return { config, credentials }
}
