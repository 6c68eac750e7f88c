/**
 * src/node/ini.ts against the AWS SDK's own loader (`loadSharedConfigFiles` of `@smithy/core/config`): the same
 * files read the same, on the cases of SESSIONS.md section 4 and on files fast-check makes up.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadSharedConfigFiles as sdkLoad } from '@smithy/core/config'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { loadSharedConfigFiles } from '../src/node/ini'

const dir = mkdtempSync(join(tmpdir(), 'ssooidc-ini-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0

/** Both loaders on the same two files; plain objects, for comparison. */
async function both(config: string, credentials = '') {
  const [configFile, credentialsFile] = [join(dir, `config-${++n}`), join(dir, `credentials-${n}`)]
  writeFileSync(configFile, config)
  writeFileSync(credentialsFile, credentials)
  const theirs = await sdkLoad({ configFilepath: configFile, filepath: credentialsFile, ignoreCache: true })
  const ours = await loadSharedConfigFiles(configFile, credentialsFile)
  const plain = (value: unknown) => JSON.parse(JSON.stringify(value))
  return { ours: plain(ours), theirs: plain({ config: theirs.configFile, credentials: theirs.credentialsFile }) }
}

const CASES: [string, string, string?][] = [
  ['profiles and the default', '[default]\nregion = us-east-1\n[profile dev]\nsso_session = s\n'],
  ['[profile default] over [default]', '[default]\nregion = a\n[profile default]\nregion = b\n'],
  ['an sso-session and services', '[sso-session my-sso]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\n[services dev]\nsso_oidc =\n  endpoint_url = http://127.0.0.1:1\nsso =\n  endpoint_url = http://127.0.0.1:2\n'],
  ['comments: at line start or after whitespace only', '[profile c]\n# a comment\n; another\nkey = value # trailing\nurl = https://x#frag\nsemi = a;b\n'],
  ['section names with one space, quotes, and others', '[profile "quoted"]\na = 1\n[profile  two-spaces]\nb = 2\n[profile\tx]\nc = 3\n[weird]\nd = 4\n[profile a b]\ne = 5\n'],
  ['keys without values, and values with =', '[profile k]\nempty =\nnot a key\n=novalue\nk = a=b=c\n'],
  ['indented sub-properties end at the next unindented key', '[profile s]\nservices =\n  s3 = x\n  other = y\nregion = us-east-1\n  late = z\n'],
  ['CRLF line ends', '[profile crlf]\r\nregion = us-west-2\r\n'],
  ['a __proto__ profile: the file reads as empty', '[profile ok]\na = 1\n[profile __proto__]\nb = 2\n'],
  ['the credentials file, merged as it is', '[profile dev]\nregion = a\n', '[dev]\naws_access_key_id = AKID\n[profile dev]\nx = y\n'],
  ['sso_registration_scopes as text', '[sso-session s]\nsso_registration_scopes = sso:account:access, , codewhisperer:completions\n'],
]

describe('our loader reads as the SDK\'s', () => {
  it.each(CASES)('%s', async (_, config, credentials) => {
    const { ours, theirs } = await both(config, credentials)
    expect(ours).toStrictEqual(theirs)
  })

  it('a file that does not exist reads as empty', async () => {
    const ours = await loadSharedConfigFiles(join(dir, 'none'), join(dir, 'none-either'))
    expect(JSON.parse(JSON.stringify(ours))).toStrictEqual({ config: {}, credentials: {} })
  })

  it('on any file fast-check makes of ini pieces', async () => {
    const piece = fc.constantFrom(
      '[default]', '[profile a]', '[profile  b]', "[profile 'c']", '[sso-session s]', '[services x]', '[other y]', '[profile __proto__]',
      'k = v', 'k=v', 'k =', '  sub = w', '\tsub2 = q', '# c', '; c', 'x = y # z', 'x = y#z', '=', 'key', ' = v', 'sso_start_url = https://a/b#c', '',
    )
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 20 }), fc.constantFrom('\n', '\r\n'), async (lines, end) => {
        const { ours, theirs } = await both(lines.join(end))
        expect(ours).toStrictEqual(theirs)
      }),
      { numRuns: 200 },
    )
  })
})
