/**
 * Endpoint resolution: `model/endpoint-rule-set-1.json` over `model/partitions.json`, branch for branch,
 * plus the checks that keep a request on the host the caller meant.
 *
 * @module
 */
import { describeIssues, kindOf, type EndpointError, type Result, type ValidationIssue } from './errors'
import { A_PARTITION_LACKS_DUALSTACK, A_PARTITION_LACKS_FIPS, PARTITIONS } from './partitions'

/** The endpoint options, named as in the AWS SDK v3. */
export interface EndpointOptions {
  /** The region, such as `us-east-1`. Required unless `endpoint` is given. */
  region?: string | undefined
  /** A custom base URL; `https:`, or `http:` on loopback only. Not combinable with FIPS or dual-stack. */
  endpoint?: string | undefined
  useFipsEndpoint?: boolean | undefined
  useDualstackEndpoint?: boolean | undefined
}

/** Endpoint options once read and checked: each member read once, of its type, the region normalized. */
export type CheckedEndpointOptions = EndpointOptions

/**
 * How one option is checked: its name, what it must be (for the issue's text), and the check (its `typeof` by
 * default), which may store a value of its own for the option in `read` (`headers`, read once into a `Headers`).
 */
export type OptionCheck = readonly [key: string, expected: string, ok?: (value: unknown, read: Record<string, unknown>) => unknown]

/** The endpoint options' checks. */
export const ENDPOINT_OPTIONS: readonly OptionCheck[] = [
  ['region', 'string'],
  ['endpoint', 'string'],
  ['useFipsEndpoint', 'boolean'],
  ['useDualstackEndpoint', 'boolean'],
]

/**
 * Reads the options in `checks` from `options`, an object, each once, and checks it; a wrong one (or options that
 * are not an object) adds an issue (`options.key: expected …, received …`, never the value) and reads as absent.
 * The region comes out normalized. Our options are not the model's shapes: checked by hand, they cost less than
 * valibot would in a bundle, its object schema notwithstanding.
 */
export function readOptions<T extends CheckedEndpointOptions>(options: unknown, checks: readonly OptionCheck[], issues: ValidationIssue[]): T {
  const read: Record<string, unknown> = {}
  if (!options || typeof options !== 'object') issues.push({ path: 'options', message: `expected Object, received ${kindOf(options)}` })
  else {
    for (const [key, expected, ok = (value: unknown) => typeof value === expected] of checks) {
      // Every option an own member of `read`, `undefined` when absent or wrong: none polluted onto Object.prototype
      // stands in for it. A check may then store its own value (`headers`).
      const value = (read[key] = (options as Record<string, unknown>)[key])
      if (value !== undefined && !ok(value, read)) {
        read[key] = undefined
        issues.push({ path: `options.${key}`, message: `expected ${expected}, received ${kindOf(value)}` })
      }
    }
  }
  return normalizeRegion(read as T)
}

/**
 * The region as the AWS SDK's client reads it (`@smithy/core` `resolveRegionConfig`, `getRealRegion`): a FIPS
 * pseudo-region (`fips-us-east-1`, `us-east-1-fips`; `aws-fips` and `fips-aws-global` are `us-east-1`) is the
 * real region with the FIPS endpoint; and lower-cased, as a host name is and as SigV4's credential scope must be.
 */
function normalizeRegion<T extends CheckedEndpointOptions>(options: T): T {
  const region = options.region?.toLowerCase()
  const real = region?.replace(/^fips-(?:dkr-|prod-)?|-fips$/, '')
  return real === region ? { ...options, region } : { ...options, region: /^aws(-global)?$/.test(real!) ? 'us-east-1' : real, useFipsEndpoint: true }
}

const fail = (message: string): { ok: false; error: EndpointError } => ({
  ok: false,
  error: { name: 'EndpointError', message },
})

/**
 * An RFC 1123 host label, as the SDKs' `isValidHostLabel`, of a region {@link readOptions} has lower-cased: nothing
 * in it can add a dot, a port or a path.
 */
const HOST_LABEL = /^[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?$/

/**
 * A serialized URL that may be a custom endpoint: `https:`, or `http:` on loopback (`localhost`, 127.0.0.0/8, ::1),
 * with no credentials (no `@` before the path), query or fragment that could move the request elsewhere.
 */
const SAFE_ENDPOINT = /^(?:https:\/\/[^@/]+|http:\/\/(?:localhost|\[::1\]|127(?:\.\d+){3})(?::\d+)?)(?:\/[^?#]*)?$/

/** `localhost`, 127.0.0.0/8 or ::1: the only hosts plain `http:` may reach (the emulator's redirect URIs). */
export const isLoopback = (hostname: string): boolean => SAFE_ENDPOINT.test(`http://${hostname}/`)

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
  return resolveFor(options, 'oidc')
}

/** {@link resolveEndpoint} for the service with endpoint prefix `prefix`, from the caller's options, never throwing. */
export function resolveFor(options: EndpointOptions, prefix: string): Result<string, EndpointError> {
  try {
    // Read once, as values: a region that is not a string could read differently each time it is read.
    const issues: ValidationIssue[] = []
    const checked = readOptions(options ?? {}, ENDPOINT_OPTIONS, issues)
    return issues.length ? fail(describeIssues('Invalid Configuration', issues)) : endpointOf(checked, prefix)
  } catch {
    return fail('Invalid Configuration: the options could not be read')
  }
}

/**
 * The rule set itself, over options already read by {@link readOptions}. `prefix` is the service's endpoint
 * prefix: the SSO OIDC and the access portal rule sets are the same but for it (`oidc`, `portal.sso`).
 */
export function endpointOf(options: CheckedEndpointOptions, prefix = 'oidc'): Result<string, EndpointError> {
  const { region, endpoint, useFipsEndpoint: fips, useDualstackEndpoint: dual } = options
  if (endpoint != null) {
    if (fips) return fail('Invalid Configuration: FIPS and custom endpoint are not supported')
    if (dual) return fail('Invalid Configuration: Dualstack and custom endpoint are not supported')
    // What is checked is what is used: the parsed URL, serialized (the parser trims spaces, drops tabs and newlines).
    const href = URL.canParse(endpoint) && new URL(endpoint).href
    if (!href || !SAFE_ENDPOINT.test(href)) {
      return fail('Invalid Configuration: the endpoint must be https: (http: on loopback only), without credentials, query or fragment')
    }
    return { ok: true, value: href.replace(/\/+$/, '') }
  }
  if (region == null) return fail('Invalid Configuration: Missing Region')
  if (!HOST_LABEL.test(region)) return fail('Invalid Configuration: the region is not a valid host label')
  const [name, , dnsSuffix, dualStackDnsSuffix, supportsFips, supportsDual] =
    PARTITIONS.find((p) => p[1].test(region)) ?? PARTITIONS[0]! // aws
  // The rule set's refusals for a partition without FIPS or dual-stack. There is none today (src/partitions.ts),
  // and as an expression over those constants, bundlers drop the branch and its messages.
  const unsupported =
    (A_PARTITION_LACKS_FIPS || A_PARTITION_LACKS_DUALSTACK) &&
    (fips && dual && !(supportsFips && supportsDual)
      ? 'FIPS and DualStack are enabled, but this partition does not support one or both'
      : fips && !dual && !supportsFips
        ? 'FIPS is enabled but this partition does not support FIPS'
        : dual && !fips && !supportsDual && 'DualStack is enabled but this partition does not support DualStack')
  if (unsupported) return fail(unsupported)
  // GovCloud's FIPS endpoint is its plain one.
  const host =
    fips && !dual && name === 'aws-us-gov'
      ? `${prefix}.${region}.amazonaws.com`
      : `${prefix}${fips ? '-fips' : ''}.${region}.${dual ? dualStackDnsSuffix : dnsSuffix}`
  return { ok: true, value: `https://${host}` }
}
