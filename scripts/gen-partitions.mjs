// Writes src/partitions.ts from model/partitions.json: each partition's outputs and regex, plus only those
// region names that its regex (tried in order over all partitions) would not already map to it.
// Run: node scripts/gen-partitions.mjs   (test/endpoint.test.ts fails when the file is stale)
import { readFileSync, writeFileSync } from 'node:fs'

const { partitions } = JSON.parse(readFileSync(new URL('../model/partitions.json', import.meta.url), 'utf8'))
const byRegex = (region) => partitions.find((p) => new RegExp(p.regionRegex).test(region))?.id ?? 'aws'
const rows = partitions.map((p) => [
  p.outputs.name,
  p.regionRegex,
  p.outputs.dnsSuffix,
  p.outputs.dualStackDnsSuffix,
  p.outputs.supportsFIPS,
  p.outputs.supportsDualStack,
  Object.keys(p.regions).filter((region) => byRegex(region) !== p.id),
])
writeFileSync(
  new URL('../src/partitions.ts', import.meta.url),
  `// Generated from model/partitions.json by scripts/gen-partitions.mjs; do not edit.
/** [name, regionRegex, dnsSuffix, dualStackDnsSuffix, supportsFIPS, supportsDualStack, regions its regex misses] */
export type Partition = readonly [string, RegExp, string, string, boolean, boolean, readonly string[]]

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
