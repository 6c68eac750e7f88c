// Generated from model/partitions.json by scripts/gen-partitions.mjs; do not edit.
/** [name, regionRegex (with the listed regions it misses, as exact alternatives), dnsSuffix, dualStackDnsSuffix, supportsFIPS, supportsDualStack] */
export type Partition = readonly [string, RegExp, string, string, boolean, boolean]

/**
 * Whether some partition lacks FIPS or dual-stack endpoints. When not (as today), the rule set's "does not
 * support" errors cannot be reached, and bundlers drop them: a partition without support brings them back.
 */
export const A_PARTITION_LACKS_FIPS = false
export const A_PARTITION_LACKS_DUALSTACK = false

export const PARTITIONS: readonly Partition[] = [
  ["aws", /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/, "amazonaws.com", "api.aws", true, true],
  ["aws-cn", /^cn-\w+-\d+$|^aws-cn-global$/, "amazonaws.com.cn", "api.amazonwebservices.com.cn", true, true],
  ["aws-eusc", /^eusc-(de)-\w+-\d+$/, "amazonaws.eu", "api.amazonwebservices.eu", true, true],
  ["aws-iso", /^us-iso-\w+-\d+$|^aws-iso-global$/, "c2s.ic.gov", "api.aws.ic.gov", true, true],
  ["aws-iso-b", /^us-isob-\w+-\d+$|^aws-iso-b-global$/, "sc2s.sgov.gov", "api.aws.scloud", true, true],
  ["aws-iso-e", /^eu-isoe-\w+-\d+$|^aws-iso-e-global$/, "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", true, true],
  ["aws-iso-f", /^us-isof-\w+-\d+$|^aws-iso-f-global$/, "csp.hci.ic.gov", "api.aws.hci.ic.gov", true, true],
  ["aws-us-gov", /^us-gov-\w+-\d+$|^aws-us-gov-global$/, "amazonaws.com", "api.aws", true, true],
]
