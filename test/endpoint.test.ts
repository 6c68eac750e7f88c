import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createToken, resolveEndpoint } from '../src/index'
import { partitions, ruleSetResolves } from './support/rules'
import { VALID_INPUT, recorder } from './support/wire'

const asResult = (r: { url: string } | { error: string }) =>
  'url' in r ? { ok: true, value: r.url } : { ok: false, error: { name: 'EndpointError', message: r.error } }

const regions = partitions.flatMap((p) => Object.keys(p.regions))
// Regions no partition lists: matched by a partition's regex, or falling back to `aws`.
const unlisted = ['us-west-9', 'cn-south-7', 'us-gov-central-1', 'us-iso-north-3', 'us-isob-south-2', 'eu-isoe-north-2', 'us-isof-west-5', 'eusc-de-west-2', 'xx-unknown-1', 'mars-central-1']
const flags = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const

describe('resolveEndpoint follows endpoint-rule-set-1.json', () => {
  it.each([...regions, ...unlisted].flatMap((region) => flags.map(([fips, dual]) => [region, fips, dual] as const)))(
    'region %s, FIPS %s, dual-stack %s',
    (region, fips, dual) => {
      expect(resolveEndpoint({ region, useFipsEndpoint: fips, useDualstackEndpoint: dual })).toStrictEqual(
        asResult(ruleSetResolves({ Region: region, UseFIPS: fips, UseDualStack: dual })),
      )
    },
  )

  it.each(flags.flatMap(([fips, dual]) => [[fips, dual, { region: 'us-east-1' }] as const, [fips, dual, {}] as const]))(
    'a custom endpoint with FIPS %s and dual-stack %s (%o)',
    (fips, dual, region) => {
      const endpoint = 'https://example.com'
      expect(resolveEndpoint({ endpoint, ...region, useFipsEndpoint: fips, useDualstackEndpoint: dual })).toStrictEqual(
        asResult(ruleSetResolves({ Endpoint: endpoint, ...('region' in region ? { Region: region.region } : {}), UseFIPS: fips, UseDualStack: dual })),
      )
    },
  )

  it.each(flags)('no region and no endpoint, FIPS %s, dual-stack %s: the rule set\'s "Missing Region"', (fips, dual) => {
    expect(resolveEndpoint({ useFipsEndpoint: fips, useDualstackEndpoint: dual })).toStrictEqual({
      ok: false,
      error: { name: 'EndpointError', message: 'Invalid Configuration: Missing Region' },
    })
  })
})

describe('known endpoints, as the SDKs publish them', () => {
  it.each([
    ['us-east-1', false, false, 'https://oidc.us-east-1.amazonaws.com'],
    ['us-east-1', true, true, 'https://oidc-fips.us-east-1.api.aws'],
    ['us-east-1', true, false, 'https://oidc-fips.us-east-1.amazonaws.com'],
    ['us-east-1', false, true, 'https://oidc.us-east-1.api.aws'],
    ['cn-north-1', true, true, 'https://oidc-fips.cn-north-1.api.amazonwebservices.com.cn'],
    ['cn-north-1', false, false, 'https://oidc.cn-north-1.amazonaws.com.cn'],
    ['us-gov-east-1', true, false, 'https://oidc.us-gov-east-1.amazonaws.com'],
    ['us-gov-east-1', true, true, 'https://oidc-fips.us-gov-east-1.api.aws'],
    ['us-iso-east-1', false, false, 'https://oidc.us-iso-east-1.c2s.ic.gov'],
    ['us-isob-east-1', true, false, 'https://oidc-fips.us-isob-east-1.sc2s.sgov.gov'],
    ['eu-isoe-west-1', false, false, 'https://oidc.eu-isoe-west-1.cloud.adc-e.uk'],
    ['us-isof-south-1', false, false, 'https://oidc.us-isof-south-1.csp.hci.ic.gov'],
    ['eusc-de-east-1', true, true, 'https://oidc-fips.eusc-de-east-1.api.amazonwebservices.eu'],
    ['aws-global', false, false, 'https://oidc.aws-global.amazonaws.com'],
  ])('%s with FIPS %s and dual-stack %s is %s', (region, fips, dual, url) => {
    expect(resolveEndpoint({ region, useFipsEndpoint: fips, useDualstackEndpoint: dual })).toStrictEqual({ ok: true, value: url })
  })
})

describe('hostile regions never steer a request to another host', () => {
  it.each([
    'evil.com',
    'us-east-1.evil.com',
    'evil.com#',
    'evil.com/x',
    'evil.com?',
    'evil.com:443',
    'user@evil.com',
    '',
    '-us-east-1',
    'us-east-1-',
    'us east 1',
    'us-east-1\n',
    'a'.repeat(64),
    '%2e',
  ])('refuses %j with an EndpointError, and sends nothing', async (region) => {
    expect(resolveEndpoint({ region })).toStrictEqual({
      ok: false,
      error: { name: 'EndpointError', message: 'Invalid Configuration: the region is not a valid host label' },
    })
    const { fetch, requests } = recorder(() => new Response('{}'))
    expect((await createToken(VALID_INPUT.CreateToken, { region, fetch })).error?.name).toBe('EndpointError')
    expect(requests).toHaveLength(0)
  })
})

describe('src/partitions.ts', () => {
  it('is what scripts/gen-partitions.mjs makes of model/partitions.json', () => {
    const before = readFileSync(new URL('../src/partitions.ts', import.meta.url), 'utf8')
    execFileSync(process.execPath, [new URL('../scripts/gen-partitions.mjs', import.meta.url).pathname])
    expect(readFileSync(new URL('../src/partitions.ts', import.meta.url), 'utf8')).toBe(before)
  })
})
