// Generated from model/partitions.json by scripts/gen-partitions.mjs; do not edit.
/** [name, regionRegex, dnsSuffix, dualStackDnsSuffix, supportsFIPS, supportsDualStack, regions its regex misses] */
export type Partition = readonly [string, RegExp, string, string, boolean, boolean, readonly string[]]

/**
 * Whether some partition lacks FIPS or dual-stack endpoints. When not (as today), the rule set's "does not
 * support" errors cannot be reached, and bundlers drop them: a partition without support brings them back.
 */
export const A_PARTITION_LACKS_FIPS = false
export const A_PARTITION_LACKS_DUALSTACK = false

export const PARTITIONS: readonly Partition[] = [
  ["aws", /^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$/, "amazonaws.com", "api.aws", true, true, []],
  ["aws-cn", /^cn\-\w+\-\d+$/, "amazonaws.com.cn", "api.amazonwebservices.com.cn", true, true, ["aws-cn-global"]],
  ["aws-eusc", /^eusc\-(de)\-\w+\-\d+$/, "amazonaws.eu", "api.amazonwebservices.eu", true, true, []],
  ["aws-iso", /^us\-iso\-\w+\-\d+$/, "c2s.ic.gov", "api.aws.ic.gov", true, true, ["aws-iso-global"]],
  ["aws-iso-b", /^us\-isob\-\w+\-\d+$/, "sc2s.sgov.gov", "api.aws.scloud", true, true, ["aws-iso-b-global"]],
  ["aws-iso-e", /^eu\-isoe\-\w+\-\d+$/, "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", true, true, ["aws-iso-e-global"]],
  ["aws-iso-f", /^us\-isof\-\w+\-\d+$/, "csp.hci.ic.gov", "api.aws.hci.ic.gov", true, true, ["aws-iso-f-global"]],
  ["aws-us-gov", /^us\-gov\-\w+\-\d+$/, "amazonaws.com", "api.aws", true, true, ["aws-us-gov-global"]],
]
