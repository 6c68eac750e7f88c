/**
 * ssooidc/node, shared config: profiles and sso-sessions resolved as the AWS CLI and the JS SDK resolve them
 * (SESSIONS.md §4), every error with the message users know, the endpoint overrides in their precedence, and the
 * SDK's own providers reading the same files to the same start URL, region, account and role. Every file lives in a
 * temp directory passed as `HOME`/`env`; nothing reads or writes the real ~/.aws.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { homeDir, parseScopes, profileName, resolveConfiguredEndpoints, resolveSsoConfig, sharedConfigFiles, type Env } from '../src/node/config'
import { tokenCachePath, writeTokenCache } from '../src/node/cache'

const START_URL = 'https://d-1234567890.awsapps.com/start'
const OTHER_URL = 'https://my-org.awsapps.com/start'

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

/** Text with the common indentation of its lines removed (relative indentation, which sub-properties need, kept). */
function ini(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n')
  const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => line.match(/^ */)![0].length))
  return lines.map((line) => line.slice(indent)).join('\n')
}

/** A home directory with `~/.aws/config` (and `~/.aws/credentials`) holding the given text; `env` has only its HOME. */
async function home(config?: string, credentials?: string): Promise<{ dir: string; env: Env; config: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'ssooidc-config-'))
  dirs.push(dir)
  await mkdir(join(dir, '.aws'))
  if (config !== undefined) await writeFile(join(dir, '.aws', 'config'), ini(config))
  if (credentials !== undefined) await writeFile(join(dir, '.aws', 'credentials'), ini(credentials))
  return { dir, env: { HOME: dir }, config: join(dir, '.aws', 'config') }
}

const SESSION_CONFIG = `
  [default]
  region = eu-central-1

  [profile dev]
  sso_session = mysess
  sso_account_id = 111122223333
  sso_role_name = ReadOnly
  region = us-west-2

  [profile legacy]
  sso_start_url = ${START_URL}
  sso_region = us-east-1
  sso_account_id = 444455556666
  sso_role_name = Admin

  [sso-session mysess]
  sso_start_url = ${START_URL}
  sso_region = us-east-1
  sso_registration_scopes = sso:account:access, codewhisperer:completions ,, ,codewhisperer:analysis
`

describe('resolveSsoConfig(): profiles and sso-sessions', () => {
  it('resolves a profile with sso_session to the session’s start URL, region and scopes, and the profile’s account and role', async () => {
    const { env } = await home(SESSION_CONFIG)
    expect(await resolveSsoConfig({ profile: 'dev', env })).toStrictEqual({
      ok: true,
      value: {
        profileName: 'dev',
        sessionName: 'mysess',
        startUrl: START_URL,
        region: 'us-east-1',
        scopes: ['sso:account:access', 'codewhisperer:completions', 'codewhisperer:analysis'],
        accountId: '111122223333',
        roleName: 'ReadOnly',
        profileRegion: 'us-west-2',
        endpoints: {},
      },
    })
  })

  it('resolves a legacy profile (sso_start_url and sso_region in the profile) without a session or scopes', async () => {
    const { env } = await home(SESSION_CONFIG)
    expect(await resolveSsoConfig({ profile: 'legacy', env })).toStrictEqual({
      ok: true,
      value: { profileName: 'legacy', startUrl: START_URL, region: 'us-east-1', accountId: '444455556666', roleName: 'Admin', endpoints: {} },
    })
  })

  it('a legacy profile ignores sso_registration_scopes, as `aws sso login` does', async () => {
    const { env } = await home(`
      [default]
      sso_start_url = ${START_URL}
      sso_region = us-east-1
      sso_registration_scopes = sso:account:access
    `)
    expect((await resolveSsoConfig({ env })).value).toStrictEqual({ profileName: 'default', startUrl: START_URL, region: 'us-east-1', endpoints: {} })
  })

  it('picks the profile as the JS SDK does: the option, else AWS_PROFILE, else [default]', async () => {
    const { env } = await home(`
      [default]
      sso_session = a
      [profile dev]
      sso_session = b
      [profile prod]
      sso_session = c
      [sso-session a]
      sso_start_url = https://a.awsapps.com/start
      sso_region = us-east-1
      [sso-session b]
      sso_start_url = https://b.awsapps.com/start
      sso_region = eu-west-1
      [sso-session c]
      sso_start_url = https://c.awsapps.com/start
      sso_region = ap-south-1
    `)
    expect((await resolveSsoConfig({ env })).value).toMatchObject({ profileName: 'default', sessionName: 'a' })
    expect((await resolveSsoConfig({ env: { ...env, AWS_PROFILE: 'dev' } })).value).toMatchObject({ profileName: 'dev', sessionName: 'b', region: 'eu-west-1' })
    expect((await resolveSsoConfig({ profile: 'prod', env: { ...env, AWS_PROFILE: 'dev' } })).value).toMatchObject({ profileName: 'prod', sessionName: 'c' })
    expect((await resolveSsoConfig({ profile: '', env: { ...env, AWS_PROFILE: '' } })).value).toMatchObject({ profileName: 'default' })
    expect(profileName({ env: { AWS_PROFILE: 'x' } })).toBe('x')
    expect(profileName({ profile: 'y', env: { AWS_PROFILE: 'x' } })).toBe('y')
    expect(profileName({ env: {} })).toBe('default')
  })

  it('[profile default] replaces [default], as the SDK’s loader reads the config file', async () => {
    const { env } = await home(`
      [profile default]
      sso_start_url = https://second.awsapps.com/start
      sso_region = eu-west-1
      [default]
      sso_start_url = https://first.awsapps.com/start
      sso_region = us-east-1
    `)
    expect((await resolveSsoConfig({ env })).value).toMatchObject({ startUrl: 'https://second.awsapps.com/start', region: 'eu-west-1' })
  })

  it('reads AWS_CONFIG_FILE (with ~/ expanded under HOME), and the configFile option before it', async () => {
    const { dir } = await home()
    await writeFile(join(dir, 'other-config'), `[default]\nsso_start_url = ${OTHER_URL}\nsso_region = eu-west-2\n`)
    await writeFile(join(dir, 'third-config'), `[default]\nsso_start_url = ${START_URL}\nsso_region = us-east-2\n`)
    const env = { HOME: dir, AWS_CONFIG_FILE: '~/other-config' }
    expect((await resolveSsoConfig({ env })).value).toMatchObject({ startUrl: OTHER_URL, region: 'eu-west-2' })
    expect((await resolveSsoConfig({ env, configFile: join(dir, 'third-config') })).value).toMatchObject({ startUrl: START_URL, region: 'us-east-2' })
    expect(sharedConfigFiles({ env })).toStrictEqual({ configFile: join(dir, 'other-config'), credentialsFile: join(dir, '.aws', 'credentials') })
    expect(sharedConfigFiles({ env: { HOME: dir, AWS_SHARED_CREDENTIALS_FILE: '/x/creds' } }).credentialsFile).toBe('/x/creds')
  })

  it('a profile of the credentials file counts, and its keys win over the config file’s, as in parseKnownFiles', async () => {
    const { env } = await home(
      `
      [profile dev]
      sso_start_url = ${START_URL}
      sso_region = us-east-1
      sso_role_name = FromConfig
      `,
      `
      [dev]
      sso_role_name = FromCredentials
      [keys]
      aws_access_key_id = AKIAEXAMPLE
      aws_secret_access_key = not-a-real-secret
      `,
    )
    expect((await resolveSsoConfig({ profile: 'dev', env })).value).toMatchObject({ roleName: 'FromCredentials', startUrl: START_URL })
    expect((await resolveSsoConfig({ profile: 'keys', env })).error).toStrictEqual({
      name: 'NotSsoProfileError',
      message: 'Profile keys is not configured with SSO credentials.',
      profile: 'keys',
    })
  })

  it('resolves an sso-session by name (`--sso-session`), ignoring the profile’s SSO settings; the profile need not exist', async () => {
    const { env } = await home(SESSION_CONFIG)
    expect(await resolveSsoConfig({ ssoSession: 'mysess', env: { ...env, AWS_PROFILE: 'nowhere' } })).toStrictEqual({
      ok: true,
      value: {
        profileName: 'nowhere',
        sessionName: 'mysess',
        startUrl: START_URL,
        region: 'us-east-1',
        scopes: ['sso:account:access', 'codewhisperer:completions', 'codewhisperer:analysis'],
        endpoints: {},
      },
    })
  })

  it.each([
    ['sso:account:access', ['sso:account:access']],
    [' a , b ,c ', ['a', 'b', 'c']],
    ['a,,b,', ['a', 'b']],
    [',', []],
    ['  ,  , ', []],
  ])('sso_registration_scopes = %j parses to %j', async (raw, scopes) => {
    expect(parseScopes(raw)).toStrictEqual(scopes)
    const { env } = await home(`
      [sso-session s]
      sso_start_url = ${START_URL}
      sso_region = us-east-1
      sso_registration_scopes = ${raw}
    `)
    expect((await resolveSsoConfig({ ssoSession: 's', env })).value?.scopes).toStrictEqual(scopes)
  })

  it('reads the ini file as the SDK does: comments, quoted names, values kept whole, other sections ignored', async () => {
    const { env } = await home(`
      # a comment
      ; another comment
      [plain-section-not-a-profile]
      sso_session = ignored

      [profile 'quoted'] # trailing comment
      sso_session = s ; a comment after whitespace
      sso_account_id=111122223333
        region = us-west-1

      [sso-session s]
      sso_start_url = ${START_URL}#not-a-comment
      sso_region = us-east-1
    `)
    expect((await resolveSsoConfig({ profile: 'quoted', env })).value).toStrictEqual({
      profileName: 'quoted',
      sessionName: 's',
      startUrl: `${START_URL}#not-a-comment`,
      region: 'us-east-1',
      accountId: '111122223333',
      profileRegion: 'us-west-1',
      endpoints: {},
    })
    expect((await resolveSsoConfig({ profile: 'plain-section-not-a-profile', env })).error?.name).toBe('ProfileNotFoundError')
  })

  it('reads the files afresh on every call', async () => {
    const { env, config } = await home(`[default]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n`)
    expect((await resolveSsoConfig({ env })).value?.region).toBe('us-east-1')
    await writeFile(config, `[default]\nsso_start_url = ${START_URL}\nsso_region = eu-north-1\n`)
    expect((await resolveSsoConfig({ env })).value?.region).toBe('eu-north-1')
  })

  it('never reads a profile from Object.prototype', async () => {
    const { env } = await home(SESSION_CONFIG)
    for (const profile of ['constructor', 'toString', 'hasOwnProperty']) {
      expect((await resolveSsoConfig({ profile, env })).error?.name).toBe('ProfileNotFoundError')
    }
    expect((await resolveSsoConfig({ ssoSession: 'constructor', env })).error?.name).toBe('SsoSessionNotFoundError')
  })

  it('a file with a [profile __proto__] section is refused whole by the SDK’s parser, and reads as empty', async () => {
    const { env } = await home(`${SESSION_CONFIG}\n[profile __proto__]\nsso_session = mysess\n`)
    expect((await resolveSsoConfig({ profile: 'dev', env })).error?.name).toBe('ProfileNotFoundError')
  })
})

describe('resolveSsoConfig(): errors, with the AWS CLI’s and SDK’s messages', () => {
  const cases: [string, string, { profile?: string; ssoSession?: string }, object][] = [
    [
      'a profile naming a missing sso-session',
      `[profile dev]\nsso_session = nope\n`,
      { profile: 'dev' },
      { name: 'SsoSessionNotFoundError', message: 'The specified sso-session does not exist: "nope"', session: 'nope' },
    ],
    [
      'the ssoSession option naming a missing sso-session',
      SESSION_CONFIG,
      { ssoSession: 'other' },
      { name: 'SsoSessionNotFoundError', message: 'The specified sso-session does not exist: "other"', session: 'other' },
    ],
    [
      'an sso-session without sso_region',
      `[profile dev]\nsso_session = s\n[sso-session s]\nsso_start_url = ${START_URL}\n`,
      { profile: 'dev' },
      { name: 'MissingSsoConfigError', message: 'Missing the following required SSO configuration values: sso_region.', missing: ['sso_region'] },
    ],
    [
      'an sso-session without either',
      `[sso-session s]\nsso_registration_scopes = a\n`,
      { ssoSession: 's' },
      {
        name: 'MissingSsoConfigError',
        message: 'Missing the following required SSO configuration values: sso_start_url, sso_region.',
        missing: ['sso_start_url', 'sso_region'],
      },
    ],
    [
      'an sso-session without sso_region, even when the profile has one (as `aws sso login` reads it)',
      `[profile dev]\nsso_session = s\nsso_region = us-east-1\n[sso-session s]\nsso_start_url = ${START_URL}\n`,
      { profile: 'dev' },
      { name: 'MissingSsoConfigError', message: 'Missing the following required SSO configuration values: sso_region.', missing: ['sso_region'] },
    ],
    [
      'a legacy profile without sso_region',
      `[profile old]\nsso_start_url = ${START_URL}\nsso_account_id = 111122223333\n`,
      { profile: 'old' },
      {
        name: 'MissingSsoConfigError',
        message:
          'Missing the following required SSO configuration values: sso_region. To make sure this profile is properly configured to use SSO, please run: aws configure sso',
        missing: ['sso_region'],
      },
    ],
    [
      'a legacy profile with only an account and role',
      `[profile old]\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n`,
      { profile: 'old' },
      {
        name: 'MissingSsoConfigError',
        message:
          'Missing the following required SSO configuration values: sso_start_url, sso_region. To make sure this profile is properly configured to use SSO, please run: aws configure sso',
        missing: ['sso_start_url', 'sso_region'],
      },
    ],
    [
      'a profile and its session disagreeing on sso_start_url',
      `[profile dev]\nsso_session = s\nsso_start_url = ${OTHER_URL}\n[sso-session s]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n`,
      { profile: 'dev' },
      {
        name: 'InconsistentSsoConfigError',
        message: `The value for sso_start_url is inconsistent between profile (${OTHER_URL}) and sso-session (${START_URL}).`,
        key: 'sso_start_url',
      },
    ],
    [
      'a profile and its session disagreeing on sso_region',
      `[profile dev]\nsso_session = s\nsso_region = eu-west-1\n[sso-session s]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n`,
      { profile: 'dev' },
      {
        name: 'InconsistentSsoConfigError',
        message: 'The value for sso_region is inconsistent between profile (eu-west-1) and sso-session (us-east-1).',
        key: 'sso_region',
      },
    ],
    [
      'a missing profile',
      SESSION_CONFIG,
      { profile: 'nope' },
      { name: 'ProfileNotFoundError', message: 'The config profile (nope) could not be found', profile: 'nope' },
    ],
    ['no [default] at all', '', {}, { name: 'ProfileNotFoundError', message: 'The config profile (default) could not be found', profile: 'default' }],
    [
      'a profile that is not an SSO profile',
      `[profile plain]\nregion = us-east-1\noutput = json\n`,
      { profile: 'plain' },
      { name: 'NotSsoProfileError', message: 'Profile plain is not configured with SSO credentials.', profile: 'plain' },
    ],
    [
      'a services reference to a missing section',
      `[default]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\nservices = gone\n`,
      {},
      {
        name: 'ServicesSectionNotFoundError',
        message: 'The profile is configured to use the services section but the "gone" services configuration does not exist.',
        services: 'gone',
      },
    ],
  ]

  it.each(cases)('%s', async (_, config, options, error) => {
    const { env } = await home(config)
    expect(await resolveSsoConfig({ ...options, env })).toStrictEqual({ ok: false, error })
  })

  it('a profile and its session agreeing on a key is fine', async () => {
    const { env } = await home(`[profile dev]\nsso_session = s\nsso_start_url = ${START_URL}\n[sso-session s]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n`)
    expect((await resolveSsoConfig({ profile: 'dev', env })).value).toMatchObject({ startUrl: START_URL, sessionName: 's' })
  })

  it('no config file at all is a missing profile', async () => {
    const { env } = await home()
    expect((await resolveSsoConfig({ env })).error?.name).toBe('ProfileNotFoundError')
  })
})

describe('endpoint overrides (service ids `SSO OIDC` and `SSO`)', () => {
  const CONFIG = `
    [profile plain]
    sso_session = s

    [profile with-url]
    sso_session = s
    endpoint_url = http://127.0.0.1:4000

    [profile with-services]
    sso_session = s
    services = local
    endpoint_url = http://127.0.0.1:4000

    [profile oidc-only]
    sso_session = s
    services = oidc-only

    [profile ignoring]
    sso_session = s
    endpoint_url = http://127.0.0.1:4000
    ignore_configured_endpoint_urls = true

    [profile missing-services]
    sso_session = s
    services = gone

    [services local]
    sso_oidc =
      endpoint_url = http://127.0.0.1:5001
    sso =
      endpoint_url = http://127.0.0.1:5002

    [services oidc-only]
    sso_oidc =
      endpoint_url = http://127.0.0.1:5001
    s3 =
      endpoint_url = http://127.0.0.1:9000

    [sso-session s]
    sso_start_url = ${START_URL}
    sso_region = us-east-1
  `
  const ENV_ALL = { AWS_ENDPOINT_URL_SSO_OIDC: 'https://oidc.env', AWS_ENDPOINT_URL_SSO: 'https://portal.env', AWS_ENDPOINT_URL: 'https://global.env' }

  const rows: [string, string, Env, object][] = [
    ['nothing configured', 'plain', {}, {}],
    ['the profile’s endpoint_url', 'with-url', {}, { oidcEndpoint: 'http://127.0.0.1:4000', portalEndpoint: 'http://127.0.0.1:4000' }],
    ['a [services] section before the profile’s endpoint_url', 'with-services', {}, { oidcEndpoint: 'http://127.0.0.1:5001', portalEndpoint: 'http://127.0.0.1:5002' }],
    ['a [services] section for one service only', 'oidc-only', {}, { oidcEndpoint: 'http://127.0.0.1:5001' }],
    ['AWS_ENDPOINT_URL before any config', 'with-services', { AWS_ENDPOINT_URL: 'https://global.env' }, { oidcEndpoint: 'https://global.env', portalEndpoint: 'https://global.env' }],
    ['the service’s variable before AWS_ENDPOINT_URL', 'with-services', ENV_ALL, { oidcEndpoint: 'https://oidc.env', portalEndpoint: 'https://portal.env' }],
    ['AWS_ENDPOINT_URL_SSO_OIDC alone', 'plain', { AWS_ENDPOINT_URL_SSO_OIDC: 'https://oidc.env' }, { oidcEndpoint: 'https://oidc.env' }],
    ['AWS_ENDPOINT_URL_SSO alone', 'plain', { AWS_ENDPOINT_URL_SSO: 'https://portal.env' }, { portalEndpoint: 'https://portal.env' }],
    ['an empty variable counts as unset', 'with-url', { AWS_ENDPOINT_URL_SSO_OIDC: '', AWS_ENDPOINT_URL: '' }, { oidcEndpoint: 'http://127.0.0.1:4000', portalEndpoint: 'http://127.0.0.1:4000' }],
    ['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns off every override, variables included', 'with-services', { ...ENV_ALL, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, {}],
    ['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=TRUE (botocore reads it in any case)', 'with-url', { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE' }, {}],
    ['ignore_configured_endpoint_urls = true in the profile', 'ignoring', { AWS_ENDPOINT_URL: 'https://global.env' }, {}],
    ['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false wins over the profile’s true', 'ignoring', { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false' }, { oidcEndpoint: 'http://127.0.0.1:4000', portalEndpoint: 'http://127.0.0.1:4000' }],
    ['a missing [services] section does not matter when the environment sets both', 'missing-services', { AWS_ENDPOINT_URL: 'https://global.env' }, { oidcEndpoint: 'https://global.env', portalEndpoint: 'https://global.env' }],
    ['a profile that does not exist still reads the environment', 'nowhere', { AWS_ENDPOINT_URL_SSO: 'https://portal.env' }, { portalEndpoint: 'https://portal.env' }],
  ]

  it.each(rows)('%s', async (_, profile, vars, endpoints) => {
    const { env } = await home(CONFIG)
    expect(await resolveConfiguredEndpoints({ profile, env: { ...env, ...vars } })).toStrictEqual({ ok: true, value: endpoints })
    if (profile !== 'nowhere') expect((await resolveSsoConfig({ profile, env: { ...env, ...vars } })).value?.endpoints).toStrictEqual(endpoints)
  })

  it('a missing [services] section is an error once the environment does not set the endpoint', async () => {
    const { env } = await home(CONFIG)
    const error = {
      name: 'ServicesSectionNotFoundError',
      message: 'The profile is configured to use the services section but the "gone" services configuration does not exist.',
      services: 'gone',
    }
    expect(await resolveConfiguredEndpoints({ profile: 'missing-services', env })).toStrictEqual({ ok: false, error })
    expect(await resolveConfiguredEndpoints({ profile: 'missing-services', env: { ...env, AWS_ENDPOINT_URL_SSO_OIDC: 'https://oidc.env' } })).toStrictEqual({ ok: false, error })
  })

  it('the sso-session option takes the endpoints of the profile in effect', async () => {
    const { env } = await home(CONFIG)
    expect((await resolveSsoConfig({ ssoSession: 's', profile: 'with-services', env })).value?.endpoints).toStrictEqual({
      oidcEndpoint: 'http://127.0.0.1:5001',
      portalEndpoint: 'http://127.0.0.1:5002',
    })
  })
})

describe('homeDir(): as the JS SDK’s getHomeDir', () => {
  it.each([
    [{ HOME: '/h', USERPROFILE: '/u', HOMEPATH: '\\p' }, '/h'],
    [{ USERPROFILE: 'C:\\Users\\me', HOMEPATH: '\\p' }, 'C:\\Users\\me'],
    [{ HOMEDRIVE: 'D:', HOMEPATH: '\\Users\\me' }, 'D:\\Users\\me'],
    [{ HOMEPATH: '\\Users\\me' }, `C:${sep}\\Users\\me`],
    [{ HOME: '', USERPROFILE: '/u' }, '/u'],
  ])('%j gives %s', (env, expected) => {
    expect(homeDir({ env })).toBe(expected)
  })

  it('falls back to os.homedir(), and `home` wins over everything', async () => {
    const { homedir } = await import('node:os')
    expect(homeDir({ env: {} })).toBe(homedir())
    expect(homeDir({ home: '/given', env: { HOME: '/h' } })).toBe('/given')
  })
})

describe('the AWS SDK for JavaScript reads the same files to the same sign-in', () => {
  const saved = { ...process.env }
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
  })

  /** Points the SDK (which reads process.env) at the temp home, and writes a token that is good for an hour. */
  async function sdkHome(config: string) {
    const setup = await home(config)
    for (const key of ['AWS_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SSO', 'AWS_ENDPOINT_URL_SSO_OIDC', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'AWS_REGION']) {
      delete process.env[key]
    }
    Object.assign(process.env, { HOME: setup.dir, AWS_CONFIG_FILE: setup.config, AWS_SHARED_CREDENTIALS_FILE: join(setup.dir, '.aws', 'credentials') })
    return setup
  }

  /** A request handler for the SDK's SSO client that records the request and answers GetRoleCredentials. */
  function portal() {
    const requests: { hostname: string; protocol: string; port?: number; path: string; query: Record<string, unknown>; headers: Record<string, string> }[] = []
    const requestHandler = {
      handle: async (request: (typeof requests)[number]) => {
        requests.push(request)
        const body = JSON.stringify({ roleCredentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session', expiration: Date.now() + 3_600_000 } })
        return { response: { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Readable.from([Buffer.from(body)]) } }
      },
    }
    return { requests, requestHandler }
  }

  const token = (accessToken: string) => ({ accessToken, expiresAt: new Date(Date.now() + 3_600_000).toISOString() })

  it('@aws-sdk/credential-provider-sso: a legacy profile’s start URL keys the token file, its region the portal host', async () => {
    const { env } = await sdkHome(SESSION_CONFIG)
    const ours = (await resolveSsoConfig({ profile: 'legacy', env })).value!
    expect((await writeTokenCache(ours, token('legacy-access-token'), { env })).ok).toBe(true)
    const { fromSSO } = await import('@aws-sdk/credential-provider-sso')
    const { requests, requestHandler } = portal()
    const credentials = await fromSSO({ profile: 'legacy', clientConfig: { requestHandler } as never })()
    expect(credentials.accessKeyId).toBe('ASIAEXAMPLE')
    expect(requests).toHaveLength(1)
    expect(requests[0]!.hostname).toBe(`portal.sso.${ours.region}.amazonaws.com`)
    expect(requests[0]!.query).toStrictEqual({ account_id: ours.accountId, role_name: ours.roleName })
    expect(requests[0]!.headers['x-amz-sso_bearer_token']).toBe('legacy-access-token')
  })

  it('@aws-sdk/credential-provider-ini: an sso-session profile resolves to the same session, region, account and role', async () => {
    const { env } = await sdkHome(SESSION_CONFIG)
    const ours = (await resolveSsoConfig({ profile: 'dev', env })).value!
    expect((await writeTokenCache(ours, token('session-access-token'), { env })).ok).toBe(true)
    const { fromIni } = await import('@aws-sdk/credential-provider-ini')
    const { requests, requestHandler } = portal()
    await fromIni({ profile: 'dev', ignoreCache: true, clientConfig: { requestHandler } as never })()
    expect(requests[0]!.hostname).toBe(`portal.sso.${ours.region}.amazonaws.com`)
    expect(requests[0]!.query).toStrictEqual({ account_id: ours.accountId, role_name: ours.roleName })
    expect(requests[0]!.headers['x-amz-sso_bearer_token']).toBe('session-access-token')
  })

  it('@aws-sdk/token-providers fromSso reads the token we wrote under the session’s key', async () => {
    const { env } = await sdkHome(SESSION_CONFIG)
    const ours = (await resolveSsoConfig({ profile: 'dev', env })).value!
    await writeTokenCache(ours, token('bearer-token'), { env })
    const { fromSso } = await import('@aws-sdk/token-providers')
    expect((await fromSso({ profile: 'dev', ignoreCache: true })()).token).toBe('bearer-token')
    expect(tokenCachePath(ours, { env })).toBe(join(env.HOME!, '.aws', 'sso', 'cache', 'b293dca1675b2cff32e33527c1160002476b993c.json'))
  })

  it('the SDK’s SSO client takes the portal endpoint we resolve from a [services] section and from AWS_ENDPOINT_URL_SSO', async () => {
    const { env } = await sdkHome(`
      [profile dev]
      sso_session = mysess
      sso_account_id = 111122223333
      sso_role_name = ReadOnly
      services = local

      [services local]
      sso =
        endpoint_url = http://127.0.0.1:5002

      [sso-session mysess]
      sso_start_url = ${START_URL}
      sso_region = us-east-1
    `)
    process.env.AWS_PROFILE = 'dev'
    const ours = (await resolveSsoConfig({ profile: 'dev', env })).value!
    expect(ours.endpoints).toStrictEqual({ portalEndpoint: 'http://127.0.0.1:5002' })
    await writeTokenCache(ours, token('t'), { env })
    const { fromSSO } = await import('@aws-sdk/credential-provider-sso')
    const first = portal()
    await fromSSO({ profile: 'dev', clientConfig: { requestHandler: first.requestHandler } as never })()
    expect(`${first.requests[0]!.protocol}//${first.requests[0]!.hostname}:${first.requests[0]!.port}`).toBe(ours.endpoints.portalEndpoint)

    process.env.AWS_ENDPOINT_URL_SSO = 'http://127.0.0.1:6000'
    const viaEnv = (await resolveConfiguredEndpoints({ profile: 'dev', env: { ...env, AWS_ENDPOINT_URL_SSO: 'http://127.0.0.1:6000' } })).value!
    const second = portal()
    await fromSSO({ profile: 'dev', clientConfig: { requestHandler: second.requestHandler } as never })()
    expect(`${second.requests[0]!.protocol}//${second.requests[0]!.hostname}:${second.requests[0]!.port}`).toBe(viaEnv.portalEndpoint)
  })
})
