/**
 * A small, generic evaluator of AWS endpoint rule sets (the subset of functions this service's set uses),
 * reading model/endpoint-rule-set-1.json and model/partitions.json as they are. The library's hand-written
 * resolver is tested against it for every region of every partition.
 */
import { readFileSync } from 'node:fs'

const load = (name: string) => JSON.parse(readFileSync(new URL(`../../model/${name}`, import.meta.url), 'utf8'))
/** The rule sets by service: SSO OIDC's, and the access portal's (model/sso). */
const RULE_SETS = { oidc: load('endpoint-rule-set-1.json'), portal: load('sso/endpoint-rule-set-1.json') }
const { partitions } = load('partitions.json') as {
  partitions: { id: string; regionRegex: string; regions: Record<string, object>; outputs: Record<string, unknown> }[]
}
export { partitions }

type Scope = Record<string, unknown>

function partition(region: string) {
  const found =
    partitions.find((p) => region in p.regions) ??
    partitions.find((p) => new RegExp(p.regionRegex).test(region)) ??
    partitions.find((p) => p.id === 'aws')!
  return { ...found.outputs, ...(found.regions[region] as object | undefined) }
}

function value(arg: any, scope: Scope): unknown {
  if (arg && typeof arg === 'object' && 'ref' in arg) return scope[arg.ref]
  if (arg && typeof arg === 'object' && 'fn' in arg) return call(arg, scope)
  if (typeof arg === 'string') return template(arg, scope)
  return arg
}

function template(text: string, scope: Scope): string {
  return text.replace(/\{([^}#]+)(?:#([^}]+))?\}/g, (_, name: string, attr?: string) => {
    const base = scope[name] as Record<string, unknown>
    return String(attr ? base[attr] : base)
  })
}

function call(node: { fn: string; argv: unknown[] }, scope: Scope): unknown {
  const args = node.argv.map((arg) => value(arg, scope))
  switch (node.fn) {
    case 'isSet':
      return args[0] != null
    case 'booleanEquals':
    case 'stringEquals':
      return args[0] === args[1]
    case 'getAttr':
      return (args[0] as Record<string, unknown>)[args[1] as string]
    case 'aws.partition':
      return partition(args[0] as string)
    default:
      throw new Error(`rule function ${node.fn} is not in this evaluator`)
  }
}

function evaluate(rules: any[], scope: Scope): { url: string } | { error: string } {
  for (const rule of rules) {
    const local = { ...scope }
    const pass = rule.conditions.every((c: any) => {
      const result = call(c, local)
      if (c.assign) local[c.assign] = result
      return result !== false && result != null
    })
    if (!pass) continue
    if (rule.type === 'error') return { error: template(rule.error, local) }
    if (rule.type === 'endpoint') return { url: String(value(rule.endpoint.url, local)) }
    return evaluate(rule.rules, local)
  }
  throw new Error('no rule matched')
}

/** What a service's rule set (SSO OIDC's by default) says for these parameters. */
export function ruleSetResolves(params: { Region?: string; Endpoint?: string; UseFIPS?: boolean; UseDualStack?: boolean }, service: keyof typeof RULE_SETS = 'oidc') {
  return evaluate(RULE_SETS[service].rules, { UseFIPS: false, UseDualStack: false, ...params })
}
