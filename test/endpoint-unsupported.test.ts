/**
 * The rule set's refusals for a partition without FIPS or dual-stack. No partition of model/partitions.json lacks
 * them today, so src/partitions.ts says so and bundlers drop those branches; here a partition that lacks both
 * (as scripts/gen-partitions.mjs would describe it) brings them back, with the rule set's own words.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'

vi.mock('../src/partitions', () => ({
  A_PARTITION_LACKS_FIPS: true,
  A_PARTITION_LACKS_DUALSTACK: true,
  PARTITIONS: [
    ['aws', /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/, 'amazonaws.com', 'api.aws', true, true],
    ['aws-plain', /^plain-\w+-\d+$/, 'plain.example', 'dual.plain.example', false, false],
  ],
}))

const { resolveEndpoint } = await import('../src/endpoint')
const ruleSet = readFileSync(new URL('../model/endpoint-rule-set-1.json', import.meta.url), 'utf8')

describe('a partition without FIPS or dual-stack', () => {
  it.each([
    [true, false, 'FIPS is enabled but this partition does not support FIPS'],
    [false, true, 'DualStack is enabled but this partition does not support DualStack'],
    [true, true, 'FIPS and DualStack are enabled, but this partition does not support one or both'],
  ])('FIPS %s, dual-stack %s: "%s", as the rule set says', (fips, dual, message) => {
    expect(ruleSet).toContain(`"error": "${message}"`)
    expect(resolveEndpoint({ region: 'plain-east-1', useFipsEndpoint: fips, useDualstackEndpoint: dual })).toStrictEqual({
      ok: false,
      error: { name: 'EndpointError', message },
    })
  })

  it('still resolves its plain endpoint, and a partition with support is unaffected', () => {
    expect(resolveEndpoint({ region: 'plain-east-1' })).toStrictEqual({ ok: true, value: 'https://oidc.plain-east-1.plain.example' })
    expect(resolveEndpoint({ region: 'us-east-1', useFipsEndpoint: true, useDualstackEndpoint: true })).toStrictEqual({
      ok: true,
      value: 'https://oidc-fips.us-east-1.api.aws',
    })
  })
})
