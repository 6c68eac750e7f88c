// Writes src/partitions.ts from model/partitions.json: each partition's outputs, and its regex with those region
// names that the regexes (tried in order over all partitions) would not already map to it folded in as exact
// alternatives. The rule set looks a region up in every partition's list before it tries any regex: folding keeps
// that order only while no earlier partition's regex takes the name, which this script checks.
// Run: node scripts/gen-partitions.mjs   (test/endpoint.test.ts fails when the file is stale)
import { readFileSync, writeFileSync } from 'node:fs'

const { partitions } = JSON.parse(readFileSync(new URL('../model/partitions.json', import.meta.url), 'utf8'))
const byRegex = (region) => partitions.find((p) => new RegExp(p.regionRegex).test(region))?.id ?? 'aws'
// `\-` is `-` outside a character class: written plainly, in a regex that has none.
const unescapeDashes = (regex) => (regex.includes('[') ? regex : regex.replaceAll('\\-', '-'))
const escape = (name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const rows = partitions.map((p, i) => {
  const missed = Object.keys(p.regions).filter((region) => byRegex(region) !== p.id)
  for (const region of missed) {
    const taker = partitions.slice(0, i).find((q) => new RegExp(q.regionRegex).test(region))
    if (taker) throw new Error(`${region} of ${p.id} matches the regex of ${taker.id}, an earlier partition: it cannot be folded`)
  }
  return [
    p.outputs.name,
    [unescapeDashes(p.regionRegex), ...missed.map((region) => `^${escape(region)}$`)].join('|'),
    p.outputs.dnsSuffix,
    p.outputs.dualStackDnsSuffix,
    p.outputs.supportsFIPS,
    p.outputs.supportsDualStack,
  ]
})
writeFileSync(
  new URL('../src/partitions.ts', import.meta.url),
  `// Generated from model/partitions.json by scripts/gen-partitions.mjs; do not edit.
/** [name, regionRegex (with the listed regions it misses, as exact alternatives), dnsSuffix, dualStackDnsSuffix, supportsFIPS, supportsDualStack] */
export type Partition = readonly [string, RegExp, string, string, boolean, boolean]

/**
 * Whether some partition lacks FIPS or dual-stack endpoints. When not (as today), the rule set's "does not
 * support" errors cannot be reached, and bundlers drop them: a partition without support brings them back.
 */
export const A_PARTITION_LACKS_FIPS = ${partitions.some((p) => !p.outputs.supportsFIPS)}
export const A_PARTITION_LACKS_DUALSTACK = ${partitions.some((p) => !p.outputs.supportsDualStack)}

export const PARTITIONS: readonly Partition[] = [
${rows.map(([name, regex, ...rest]) => `  [${JSON.stringify(name)}, /${regex}/, ${rest.map((x) => JSON.stringify(x)).join(', ')}],`).join('\n')}
]
`,
)
