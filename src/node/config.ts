/**
 * Shared config as the AWS SDK for JavaScript and the AWS CLI read it: the files (`AWS_CONFIG_FILE`,
 * `AWS_SHARED_CREDENTIALS_FILE`), the profile (`AWS_PROFILE`, `default`), `[profile NAME]` and `[sso-session NAME]`
 * resolved to a sign-in, and the endpoint overrides of the `SSO OIDC` and `SSO` services. The files are parsed as
 * the SDK's own loader parses them (./ini.ts, a port checked against it), read afresh on every call.
 *
 * @module
 */
import { homedir } from 'node:os'
import { join, sep } from 'node:path'
import { loadSharedConfigFiles, type IniData, type IniSection } from './ini'
import { guarded, type Result, type ValidationError } from '../errors'
import type {
  InconsistentSsoConfigError,
  MissingSsoConfigError,
  ServicesSectionNotFoundError,
  SsoConfigError,
  SsoSessionNotFoundError,
} from './errors'

/** Environment variables, as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>

/** Where the home directory comes from: `home` as given, else the variables of `env` (default `process.env`). */
export interface HomeOptions {
  /** The environment to read `HOME`, `AWS_PROFILE`, `AWS_CONFIG_FILE`, … from. Default `process.env`. */
  env?: Env | undefined
  /** The home directory, instead of the one `env` gives. */
  home?: string | undefined
}

/** Options of {@link resolveSsoConfig} and {@link resolveConfiguredEndpoints}. */
export interface ConfigOptions extends HomeOptions {
  /** The profile, as `--profile`; else `AWS_PROFILE`, else `default`. */
  profile?: string | undefined
  /**
   * Resolve this sso-session, as `aws sso login --sso-session NAME` does, instead of the profile's SSO settings;
   * the profile then only gives the endpoint overrides (and need not exist).
   */
  ssoSession?: string | undefined
  /** The config file; default `AWS_CONFIG_FILE`, else `~/.aws/config`. */
  configFile?: string | undefined
  /** The credentials file; default `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`. */
  credentialsFile?: string | undefined
}

/** Endpoint overrides from the environment or the config files; absent where none is configured. */
export interface ConfiguredEndpoints {
  /** For the service id `SSO OIDC` (RegisterClient, CreateToken, …): the `endpoint` option of this library's OIDC calls. */
  readonly oidcEndpoint?: string
  /** For the service id `SSO` (the access portal: GetRoleCredentials, Logout, …): the `endpoint` option of `ssooidc/portal`. */
  readonly portalEndpoint?: string
}

/** A profile or an sso-session resolved to what signing in and using the session take. */
export interface SsoConfig {
  /** The profile: the one given, else `AWS_PROFILE`, else `default`. */
  readonly profileName: string
  /** The sso-session; absent for a legacy profile (`sso_start_url` and `sso_region` in the profile itself). */
  readonly sessionName?: string
  /** `sso_start_url`, exactly as configured. */
  readonly startUrl: string
  /** `sso_region`: the region of the IAM Identity Center instance. */
  readonly region: string
  /** `sso_registration_scopes`, split at commas, trimmed, empties dropped; absent when not configured (legacy profiles never have it). */
  readonly scopes?: readonly string[]
  /** `sso_account_id`. */
  readonly accountId?: string
  /** `sso_role_name`. */
  readonly roleName?: string
  /** The profile's own `region` (for the role's calls, not for signing in). */
  readonly profileRegion?: string
  /** The endpoint overrides for the profile (see {@link resolveConfiguredEndpoints}). */
  readonly endpoints: ConfiguredEndpoints
}

/** What the SDK's loader gives: profiles by name (`[profile x]` as `x`), plus `sso-session.x` and `services.x`. */
interface Files {
  config: IniData
  credentials: IniData
}

/** An own member of an object, never one of its prototype (a profile named `constructor` or `__proto__`). */
const own = <T>(object: Readonly<Record<string, T>> | undefined, key: string): T | undefined =>
  object && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined

/**
 * The home directory as the JS SDK's `getHomeDir` finds it: `HOME`, else `USERPROFILE`, else `HOMEDRIVE` (default
 * `C:\`) + `HOMEPATH`, else `os.homedir()`; `home` when given.
 *
 * @param options - `home`, or `env` to read (default `process.env`).
 * @returns The directory. Never throws.
 */
export function homeDir(options: HomeOptions = {}): string {
  if (options.home) return options.home
  const { HOME, USERPROFILE, HOMEPATH, HOMEDRIVE = `C:${sep}` } = options.env ?? process.env
  if (HOME) return HOME
  if (USERPROFILE) return USERPROFILE
  if (HOMEPATH) return `${HOMEDRIVE}${HOMEPATH}`
  try {
    return homedir()
  } catch {
    return sep
  }
}

/** `~/x` under the home directory, as the SDK's loader expands it; any other path as is. */
const expand = (path: string, options: HomeOptions): string => (path.startsWith('~/') ? join(homeDir(options), path.slice(2)) : path)

/**
 * The shared config files to read: `configFile` (else `AWS_CONFIG_FILE`, else `~/.aws/config`) and
 * `credentialsFile` (else `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`), `~/` expanded.
 *
 * @param options - The files, `env` and `home`.
 * @returns The two paths. Never throws.
 */
export function sharedConfigFiles(options: ConfigOptions = {}): { configFile: string; credentialsFile: string } {
  const env = options.env ?? process.env
  const home = () => homeDir(options)
  return {
    configFile: expand(options.configFile ?? (env.AWS_CONFIG_FILE || join(home(), '.aws', 'config')), options),
    credentialsFile: expand(options.credentialsFile ?? (env.AWS_SHARED_CREDENTIALS_FILE || join(home(), '.aws', 'credentials')), options),
  }
}

/**
 * The profile a call uses, as the JS SDK's `getProfileName` picks it: `profile`, else `AWS_PROFILE`, else `default`.
 *
 * @param options - `profile` and `env`.
 * @returns The profile name. Never throws.
 */
export function profileName(options: ConfigOptions = {}): string {
  return options.profile || (options.env ?? process.env).AWS_PROFILE || 'default'
}

/**
 * `sso_registration_scopes` as the AWS CLI parses it: split at commas, each item trimmed, empty items dropped.
 *
 * @param raw - The configured value.
 * @returns The scopes, possibly none. Never throws.
 */
export function parseScopes(raw: string): string[] {
  return raw
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean)
}

/** Reads both files as the SDK's loader does, afresh; an unreadable file reads as empty, as the SDK reads it. */
const loadFiles = (options: ConfigOptions): Promise<Files> => {
  const { configFile, credentialsFile } = sharedConfigFiles(options)
  return loadSharedConfigFiles(configFile, credentialsFile)
}

/** A profile as `parseKnownFiles` merges the two files (the credentials file wins), or undefined when in neither. */
const knownProfile = (files: Files, name: string): IniSection | undefined => {
  const config = own(files.config, name)
  const credentials = own(files.credentials, name)
  return config || credentials ? { ...config, ...credentials } : undefined
}

const SSO_KEYS = ['sso_start_url', 'sso_account_id', 'sso_session', 'sso_region', 'sso_role_name']
const REQUIRED = ['sso_start_url', 'sso_region']

/** The AWS CLI's error for missing SSO settings (with its advice for a legacy profile). */
export const missingError = (missing: string[], legacy: boolean): { ok: false; error: MissingSsoConfigError } => ({
  ok: false,
  error: {
    name: 'MissingSsoConfigError',
    message:
      `Missing the following required SSO configuration values: ${missing.join(', ')}.` +
      (legacy ? ' To make sure this profile is properly configured to use SSO, please run: aws configure sso' : ''),
    missing,
  },
})

const sessionNotFound = (session: string): { ok: false; error: SsoSessionNotFoundError } => ({
  ok: false,
  error: { name: 'SsoSessionNotFoundError', message: `The specified sso-session does not exist: "${session}"`, session },
})

/** The endpoint overrides of one profile of loaded files; see {@link resolveConfiguredEndpoints}. */
function endpointsOf(files: Files, profile: string, env: Env): Result<ConfiguredEndpoints, ServicesSectionNotFoundError> {
  // As `loadConfig` reads a profile: the config file wins over the credentials file.
  const settings: IniSection = { ...own(files.credentials, profile), ...own(files.config, profile) }
  const setting = (key: string) => own(settings, key)
  const ignoreEnv = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
  const ignore = (ignoreEnv || setting('ignore_configured_endpoint_urls'))?.toLowerCase() === 'true'
  if (ignore) return { ok: true, value: {} }
  const endpoints: { oidcEndpoint?: string; portalEndpoint?: string } = {}
  for (const [member, serviceId] of [
    ['oidcEndpoint', 'SSO OIDC'],
    ['portalEndpoint', 'SSO'],
  ] as const) {
    let url = env[`AWS_ENDPOINT_URL_${serviceId.toUpperCase().replace(/ /g, '_')}`] || env.AWS_ENDPOINT_URL
    const services = setting('services')
    if (!url && services) {
      const section = own(files.config, `services.${services}`)
      if (!section) {
        return {
          ok: false,
          error: {
            name: 'ServicesSectionNotFoundError',
            message: `The profile is configured to use the services section but the "${services}" services configuration does not exist.`,
            services,
          },
        }
      }
      url = own(section, `${serviceId.toLowerCase().replace(/ /g, '_')}.endpoint_url`)
    }
    url ||= setting('endpoint_url')
    if (url) endpoints[member] = url
  }
  return { ok: true, value: endpoints }
}

/**
 * The endpoint overrides of the `SSO OIDC` and `SSO` services, as the SDKs and the AWS CLI (≥ 2.13) read them, in
 * this order: `AWS_ENDPOINT_URL_SSO_OIDC` / `AWS_ENDPOINT_URL_SSO`, then `AWS_ENDPOINT_URL`, then the
 * `[services NAME]` section the profile names with `services = NAME` (its `sso_oidc =` / `sso =` sub-properties'
 * `endpoint_url`), then the profile's own `endpoint_url`. `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` (else the
 * profile's `ignore_configured_endpoint_urls = true`; either in any case, as botocore reads it) turns all of them off.
 *
 * @param options - `profile` (else `AWS_PROFILE`, else `default`; it need not exist), the files, `env` and `home`.
 * @returns `{ ok: true, value }` with `oidcEndpoint` and `portalEndpoint` where configured (`{}` when none), or
 *   `{ ok: false, error }` with a `ServicesSectionNotFoundError` when `services = NAME` names no section and the
 *   environment did not set the endpoint first. Never throws.
 * @example
 * ```ts
 * import { registerClient } from 'ssooidc'
 * import { resolveConfiguredEndpoints } from 'ssooidc/node'
 *
 * const endpoints = await resolveConfiguredEndpoints({ profile: 'dev' })
 * if (!endpoints.ok) throw new Error(endpoints.error.message)
 * const client = await registerClient(
 *   { clientName: 'my-tool', clientType: 'public' },
 *   { region: 'us-east-1', ...(endpoints.value.oidcEndpoint && { endpoint: endpoints.value.oidcEndpoint }) },
 * )
 * ```
 */
export function resolveConfiguredEndpoints(options: ConfigOptions = {}): Promise<Result<ConfiguredEndpoints, ServicesSectionNotFoundError | ValidationError>> {
  return guarded(async () => endpointsOf(await loadFiles(options), profileName(options), options.env ?? process.env))
}

/**
 * Resolves a profile (or, with `ssoSession`, an sso-session) to a sign-in, as the AWS CLI and the JS SDK read
 * shared config:
 *
 * - the profile is `profile`, else `AWS_PROFILE`, else `default`; `[default]` and `[profile NAME]` of the config
 *   file, `[NAME]` of the credentials file (which wins, as in the SDK's `parseKnownFiles`);
 * - a profile with `sso_session = NAME` takes `sso_start_url`, `sso_region` and `sso_registration_scopes` from
 *   `[sso-session NAME]`; a key set in both to different values is an error, as in botocore;
 * - a legacy profile has `sso_start_url` and `sso_region` itself, and no scopes.
 *
 * The endpoint overrides of the profile come with it (see {@link resolveConfiguredEndpoints}). Both files are
 * read again on every call.
 *
 * @param options - `profile` or `ssoSession`, the files (`configFile`, `credentialsFile`), `env` (default
 *   `process.env`) and `home`.
 * @returns `{ ok: true, value }` with the {@link SsoConfig}, or `{ ok: false, error }` with a `ProfileNotFoundError`,
 *   `NotSsoProfileError`, `SsoSessionNotFoundError`, `MissingSsoConfigError`, `InconsistentSsoConfigError` or
 *   `ServicesSectionNotFoundError`, each with the message the AWS CLI or SDK gives. Never throws.
 * @example
 * ```ts
 * import { resolveSsoConfig } from 'ssooidc/node'
 *
 * const config = await resolveSsoConfig({ profile: 'dev' })
 * if (!config.ok) {
 *   console.error(config.error.message) // The specified sso-session does not exist: "my-sso"
 *   process.exitCode = 253
 * } else {
 *   const { startUrl, region, sessionName, scopes, endpoints } = config.value
 *   console.log(`Signing in to ${startUrl} (${region}) for ${sessionName ?? 'a legacy profile'}`, scopes, endpoints.oidcEndpoint)
 * }
 * ```
 */
export function resolveSsoConfig(options: ConfigOptions = {}): Promise<Result<SsoConfig, SsoConfigError | ValidationError>> {
  return guarded(() => resolve(options))
}

async function resolve(options: ConfigOptions): Promise<Result<SsoConfig, SsoConfigError>> {
  const files = await loadFiles(options)
  const name = profileName(options)
  const env = options.env ?? process.env
  const withEndpoints = (config: Omit<SsoConfig, 'endpoints'>): Result<SsoConfig, SsoConfigError> => {
    const endpoints = endpointsOf(files, name, env)
    return endpoints.ok ? { ok: true, value: { ...config, endpoints: endpoints.value } } : endpoints
  }
  const fromSession = (sessionName: string, session: IniSection, settings: IniSection) => {
    const missing = REQUIRED.filter((key) => own(session, key) === undefined)
    if (missing.length) return missingError(missing, false)
    const scopes = own(session, 'sso_registration_scopes')
    return withEndpoints({
      profileName: name,
      sessionName,
      startUrl: own(session, 'sso_start_url')!,
      region: own(session, 'sso_region')!,
      ...(scopes !== undefined && { scopes: parseScopes(scopes) }),
      ...profileExtras(settings),
    })
  }

  if (options.ssoSession) {
    const session = own(files.config, `sso-session.${options.ssoSession}`)
    return session ? fromSession(options.ssoSession, session, {}) : sessionNotFound(options.ssoSession)
  }
  const profile = knownProfile(files, name)
  if (!profile) return { ok: false, error: { name: 'ProfileNotFoundError', message: `The config profile (${name}) could not be found`, profile: name } }
  if (!SSO_KEYS.some((key) => typeof own(profile, key) === 'string')) {
    return { ok: false, error: { name: 'NotSsoProfileError', message: `Profile ${name} is not configured with SSO credentials.`, profile: name } }
  }
  const sessionName = own(profile, 'sso_session')
  if (sessionName === undefined) {
    const missing = REQUIRED.filter((key) => own(profile, key) === undefined)
    if (missing.length) return missingError(missing, true)
    return withEndpoints({
      profileName: name,
      startUrl: own(profile, 'sso_start_url')!,
      region: own(profile, 'sso_region')!,
      ...profileExtras(profile),
    })
  }
  const session = own(files.config, `sso-session.${sessionName}`)
  if (!session) return sessionNotFound(sessionName)
  // botocore's SSO provider: every key of the session that the profile sets too must have the same value.
  for (const [key, value] of Object.entries(session)) {
    const mine = own(profile, key)
    if (mine !== undefined && mine !== value) {
      const error: InconsistentSsoConfigError = {
        name: 'InconsistentSsoConfigError',
        message: `The value for ${key} is inconsistent between profile (${mine}) and sso-session (${value}).`,
        key,
      }
      return { ok: false, error }
    }
  }
  return fromSession(sessionName, session, { ...profile, ...session })
}

/** The profile's account, role and region, where set. */
const profileExtras = (settings: IniSection): Pick<SsoConfig, 'accountId' | 'roleName' | 'profileRegion'> => {
  const accountId = own(settings, 'sso_account_id')
  const roleName = own(settings, 'sso_role_name')
  const region = own(settings, 'region')
  return { ...(accountId !== undefined && { accountId }), ...(roleName !== undefined && { roleName }), ...(region !== undefined && { profileRegion: region }) }
}
