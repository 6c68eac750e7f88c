/**
 * Endpoint resolution: `model/endpoint-rule-set-1.json` over `model/partitions.json`, branch for branch,
 * plus the checks that keep a request on the host the caller meant.
 *
 * @module
 */
import * as v from 'valibot'
import { describeIssues, toIssues, type EndpointError, type Result } from './errors'
import { PARTITIONS } from './partitions'

/** The endpoint options, named as in the AWS SDK v3. */
export interface EndpointOptions {
  /** The region, such as `us-east-1`. Required unless `endpoint` is given. */
  region?: string | undefined
  /** A custom base URL; `https:`, or `http:` on loopback only. Not combinable with FIPS or dual-stack. */
  endpoint?: string | undefined
  useFipsEndpoint?: boolean | undefined
  useDualstackEndpoint?: boolean | undefined
}

/** The endpoint options' schema; the request path checks it as part of every operation's options. */
export const EndpointOptionsSchema = v.object({
  region: v.optional(v.string()),
  endpoint: v.optional(v.string()),
  useFipsEndpoint: v.optional(v.boolean()),
  useDualstackEndpoint: v.optional(v.boolean()),
})

const fail = (message: string): { ok: false; error: EndpointError } => ({
  ok: false,
  error: { name: 'EndpointError', message },
})

/** An RFC 1123 host label, as the SDKs' `isValidHostLabel`: nothing in it can add a dot, a port or a path. */
const HOST_LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/

/** `localhost`, 127.0.0.0/8 or ::1: the only hosts plain `http:` may reach. */
export const isLoopback = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname)

/**
 * Resolves the base URL of the service, as the AWS SDKs do from the service's endpoint rule set.
 *
 * @param options - `region`, or a custom `endpoint`; `useFipsEndpoint` and `useDualstackEndpoint` pick the variant.
 * @returns `{ ok: true, value }` with the base URL, such as `"https://oidc.us-east-1.amazonaws.com"`, or
 *   `{ ok: false, error }` with an `EndpointError` whose message is the rule set's own text
 *   (`"Invalid Configuration: Missing Region"`, …), or says why a region or custom endpoint is refused.
 * @see https://docs.aws.amazon.com/general/latest/gr/sso.html
 * @example
 * ```ts
 * import { resolveEndpoint } from 'ssooidc'
 *
 * const url = resolveEndpoint({ region: 'us-gov-west-1', useFipsEndpoint: true })
 * if (url.ok) console.log(url.value) // https://oidc.us-gov-west-1.amazonaws.com
 * ```
 */
export function resolveEndpoint(options: EndpointOptions): Result<string, EndpointError> {
  try {
    // Checked once, as values: a region that is not a string could read differently each time it is read.
    const checked = v.safeParse(EndpointOptionsSchema, options ?? {})
    if (checked.success) return endpointOf(checked.output)
    return fail(describeIssues('Invalid Configuration', toIssues(checked.issues, 'options')))
  } catch {
    return fail('Invalid Configuration: the options could not be read')
  }
}

/** The rule set itself, over options already checked by {@link EndpointOptionsSchema}. */
export function endpointOf(options: v.InferOutput<typeof EndpointOptionsSchema>): Result<string, EndpointError> {
  const { region, endpoint, useFipsEndpoint: fips, useDualstackEndpoint: dual } = options
  if (endpoint != null) {
    if (fips) return fail('Invalid Configuration: FIPS and custom endpoint are not supported')
    if (dual) return fail('Invalid Configuration: Dualstack and custom endpoint are not supported')
    // https:, or http: on loopback; no credentials, query or fragment that could move the request elsewhere.
    const url = URL.canParse(endpoint) ? new URL(endpoint) : undefined
    if (
      !url ||
      url.username ||
      url.password ||
      /[?#]/.test(endpoint) ||
      !(url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname)))
    ) {
      return fail('Invalid Configuration: the endpoint must be an https: URL (http: on loopback only) without credentials, query or fragment')
    }
    return { ok: true, value: endpoint }
  }
  if (region == null) return fail('Invalid Configuration: Missing Region')
  if (!HOST_LABEL.test(region)) return fail('Invalid Configuration: the region is not a valid host label')
  const [name, , dnsSuffix, dualStackDnsSuffix, supportsFips, supportsDual] =
    PARTITIONS.find((p) => p[6].includes(region)) ??
    PARTITIONS.find((p) => p[1].test(region)) ??
    PARTITIONS.find((p) => p[0] === 'aws')!
  let host: string
  if (fips && dual) {
    if (!supportsFips || !supportsDual) return fail('FIPS and DualStack are enabled, but this partition does not support one or both')
    host = `oidc-fips.${region}.${dualStackDnsSuffix}`
  } else if (fips) {
    if (!supportsFips) return fail('FIPS is enabled but this partition does not support FIPS')
    host = name === 'aws-us-gov' ? `oidc.${region}.amazonaws.com` : `oidc-fips.${region}.${dnsSuffix}`
  } else if (dual) {
    if (!supportsDual) return fail('DualStack is enabled but this partition does not support DualStack')
    host = `oidc.${region}.${dualStackDnsSuffix}`
  } else {
    host = `oidc.${region}.${dnsSuffix}`
  }
  return { ok: true, value: `https://${host}` }
}
