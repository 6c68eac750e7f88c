// `npm run bench`: ssooidc beside the AWS SDK v3 client and a hand-written fetch call, measured in this run:
// bundle sizes, Node cold start, per-call overhead and memory, as markdown tables with ratios, then a verdict per
// budget. `--write` also puts the markdown between <!-- bench:start --> and <!-- bench:end --> in README.md.
//
// The timed programs are bench/probe.mjs, in fresh `node` processes; ssooidc there is the built dist/ (through the
// package's self-reference), so build first (`npm run bench` does).
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { ENTRIES, ROOT, TARGETS, bundle } from './bundle.mjs'

const PROBE = `${ROOT}bench/probe.mjs`
/** bench/probe.mjs's subjects, as the tables name them. */
const SUBJECTS = {
  bare: 'bare `fetch` + `JSON.parse`',
  ssooidc: 'ssooidc `createToken`',
  'aws-sdk': 'AWS SDK v3 `SSOOIDCClient`',
}
const COLD_ROUNDS = 30
/** Fresh processes, each calling for a warm-up, then timed rounds in which bare and ssooidc take turns. */
const LOOP = { processes: 3, warmupMs: 1000, roundMs: 100, rounds: 30 }
const MEMORY_ROUNDS = 5
// Decimal kilobytes, as the issue's own table and test/size.test.ts count them.
const KB = 1000
const BUDGETS = {
  createToken: 5500,
  'registerClient + startDeviceAuthorization + createToken': 6500,
  'the whole API': 10_000,
  'createTokenProvider + refreshSession + createToken': 6500,
  getRoleCredentials: 5000,
  coldStart: 1.15,
  perCall: 1.3,
  getToken: 3,
  cliToken: 1.5,
  cliVersion: 1.5,
  cliCredentials: 1.7,
}
const SESSION_PROBE = `${ROOT}bench/session-probe.mjs`
const CLI = `${ROOT}dist/cli/index.mjs`
const CLI_ROUNDS = 30

const SIZE_REFERENCE = 'ssooidc: createToken'
const SDK_BUNDLE = 'AWS SDK v3: SSOOIDCClient + CreateTokenCommand'
const SDK_PORTAL_BUNDLE = 'AWS SDK v3: SSOClient + GetRoleCredentialsCommand'

/** The bundles: ssooidc's entries (as test/size.test.ts measures them), the AWS SDK, and the hand-written floor. */
const BUNDLES = {
  ...Object.fromEntries(Object.entries(ENTRIES).map(([name, code]) => [`ssooidc: ${name}`, code])),
  [SDK_BUNDLE]:
    "import { SSOOIDCClient, CreateTokenCommand } from '@aws-sdk/client-sso-oidc'; globalThis.x = [SSOOIDCClient, CreateTokenCommand]",
  [SDK_PORTAL_BUNDLE]:
    "import { SSOClient, GetRoleCredentialsCommand } from '@aws-sdk/client-sso'; globalThis.x = [SSOClient, GetRoleCredentialsCommand]",
  'hand-written fetch + JSON.parse': `globalThis.x = async (input, region = 'us-east-1') => {
    const response = await fetch(\`https://oidc.\${region}.amazonaws.com/token\`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input),
    })
    return JSON.parse(await response.text())
  }`,
}

// bundle() looks its target up in TARGETS; Node (the AWS SDK's own platform) is the bench's addition, measured
// for the SDK and for the reference of the ratios only.
TARGETS.node ??= { platform: 'node' }
const bundlesFor = (target) =>
  target === 'node' ? [SIZE_REFERENCE, SDK_BUNDLE, 'ssooidc: getRoleCredentials', SDK_PORTAL_BUNDLE] : Object.keys(BUNDLES)

const medianOf = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
/**
 * Each subject's median and min, and its ratio to bare: the median over rounds of its time over bare's in the same
 * round, so that a slow spell of the machine, which hits both, cancels out.
 */
const summarize = (results) =>
  mapValues(results, (values) => ({
    median: medianOf(values),
    min: Math.min(...values),
    vsBare: medianOf(values.map((value, i) => value / results.bare[i])),
  }))
const mapValues = (object, f) => Object.fromEntries(Object.entries(object).map(([key, value]) => [key, f(value)]))
const bytes = (n) => n.toLocaleString('en-US')
const fixed = (n, digits = 1) => n.toFixed(digits)
const ratio = (n, reference) => `${(n / reference).toFixed(2)}x`
const table = (head, rows) =>
  [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
const log = (message) => process.stderr.write(`${message}\n`)

/** Runs bench/probe.mjs in a fresh `node`; returns its stdout and wall time (ms), or throws with its stderr. */
function probe(args, nodeFlags = []) {
  const start = performance.now()
  const child = spawnSync(process.execPath, [...nodeFlags, PROBE, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  })
  const ms = performance.now() - start
  if (child.status !== 0) {
    throw new Error(`probe ${args.join(' ')} failed (${child.error ?? `exit ${child.status}`}):\n${child.stderr}`)
  }
  return { stdout: child.stdout, ms }
}

/**
 * Runs `measure(subject)` `times` times for each subject, interleaved and rotated each round (so that no subject
 * always runs right after the same other one); returns each subject's results, arrays flattened.
 */
function interleaved(times, measure) {
  const names = Object.keys(SUBJECTS)
  const results = Object.fromEntries(names.map((name) => [name, []]))
  for (let round = 0; round < times; round++) {
    const shift = round % names.length
    for (const name of [...names.slice(shift), ...names.slice(0, shift)]) results[name].push(...[measure(name)].flat())
  }
  return results
}

/** Why esbuild refused a bundle, in a line: what it could not resolve, and in which packages. */
function bundleFailure(error) {
  if (!error.errors?.length) return String(error.message ?? error)
  const messages = new Map()
  for (const { text } of error.errors) {
    const [, message = text, detail] = text.match(/^(.*?)\s*"(.*)"$/) ?? []
    messages.set(message, [...(messages.get(message) ?? []), ...(detail ? [detail] : [])])
  }
  const what = [...messages]
    .map(([message, details]) => `${message} ${[...new Set(details)].join(', ')}`.trim())
    .join('; ')
  const packages = new Set(
    error.errors.map((e) => e.location?.file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1]).filter(Boolean),
  )
  const where = packages.size ? ` (imported by ${[...packages].join(', ')})` : ''
  return `${error.errors.length} esbuild errors: ${what}${where}`
}

/** 1. Bundle size of each entry for each target: minified and gzip -9 bytes, ratio to ssooidc createToken. */
async function measureSizes() {
  const sizes = {}
  for (const target of Object.keys(TARGETS)) {
    for (const name of bundlesFor(target)) {
      sizes[`${name}|${target}`] = await bundle(BUNDLES[name], target).then(
        ({ min, gzip }) => ({ name, target, min, gzip }),
        (error) => ({ name, target, failure: bundleFailure(error) }),
      )
    }
  }
  return sizes
}

function sizeTable(sizes) {
  const notes = []
  const rows = Object.values(sizes).map(({ name, target, min, gzip, failure }) => {
    if (failure) {
      notes.push(`${name}, ${target}: ${failure}.`)
      return [name, target, `does not bundle (${notes.length})`, '', '']
    }
    const reference = sizes[`${SIZE_REFERENCE}|${target}`]
    return [name, target, bytes(min), bytes(gzip), reference.gzip ? ratio(gzip, reference.gzip) : '']
  })
  return [
    '**Bundle size** (esbuild, minified ESM, then gzip -9; ssooidc from its sources, as `test/size.test.ts` measures it)',
    '',
    table(['bundle', 'target', 'min bytes', 'gzip -9 bytes', 'gzip vs ssooidc createToken'], rows),
    ...(notes.length ? ['', ...notes.map((note, i) => `(${i + 1}) ${note}`)] : []),
  ].join('\n')
}

const PAIRED = '_vs bare (paired)_: the median, over rounds, of the ratio to bare in the same round'

/** 2. Node cold start: wall time of a fresh `node` that imports, makes one call and exits. */
function measureColdStart() {
  interleaved(1, (name) => probe([name])) // untimed: fills the file cache, and fails early if a probe is broken
  return summarize(interleaved(COLD_ROUNDS, (name) => probe([name]).ms))
}

function coldStartTable(cold) {
  const rows = Object.entries(cold).map(([name, { median, min, vsBare }]) => [
    SUBJECTS[name],
    fixed(median),
    fixed(min),
    ratio(vsBare, 1),
    ratio(min, cold.bare.min),
  ])
  return [
    `**Node cold start** (a fresh \`node\`: import, one \`createToken\` through a canned in-process response, exit; ` +
      `${COLD_ROUNDS} rounds, interleaved. ${PAIRED})`,
    '',
    table(['program', 'median ms', 'min ms', 'vs bare (paired)', 'min vs bare'], rows),
  ].join('\n')
}

/** 3. Per-call time in-process: awaited calls one after another, each with a fresh canned response. */
function measurePerCall() {
  const args = ['loop', LOOP.warmupMs, LOOP.roundMs, LOOP.rounds].map(String)
  const results = Object.fromEntries(Object.keys(SUBJECTS).map((name) => [name, []]))
  for (let n = 0; n < LOOP.processes; n++) {
    // bare and ssooidc in one process, round by round; the AWS SDK (and its garbage) in a process of its own.
    const paired = JSON.parse(probe(['bare,ssooidc', ...args]).stdout)
    const sdk = JSON.parse(probe(['bare,aws-sdk', ...args]).stdout)
    results.bare.push(...paired.bare)
    results.ssooidc.push(...paired.ssooidc)
    // The SDK's ratios pair it with the bare rounds of its own process.
    results['aws-sdk'].push(...sdk['aws-sdk'].map((us, i) => (us / sdk.bare[i]) * paired.bare[i]))
  }
  return summarize(results)
}

function perCallTable(perCall) {
  const rows = Object.entries(perCall).map(([name, { median, min, vsBare }]) => [
    SUBJECTS[name],
    fixed(median, 2),
    fixed(min, 2),
    ratio(vsBare, 1),
    ratio(min, perCall.bare.min),
  ])
  return [
    `**Per call** (in-process, awaited one after another, a fresh canned response each; ${LOOP.processes} fresh ` +
      `processes in which bare and ssooidc take turns, ${LOOP.rounds} rounds of ${LOOP.roundMs} ms each after ` +
      `${LOOP.warmupMs} ms of warm-up calls; the AWS SDK likewise with bare in processes of its own (its µs are ` +
      `scaled to the paired bare rounds), and gets its body as bytes, sparing it the stream read the others do. ${PAIRED})`,
    '',
    table(['call', 'median µs/call', 'min µs/call', 'vs bare (paired)', 'min vs bare'], rows),
  ].join('\n')
}

/** 4. Memory of a fresh process after import and one call, after a full gc; median of a few processes. */
function measureMemory() {
  const usage = (name) => JSON.parse(probe([name, 'memory'], ['--expose-gc']).stdout)
  return mapValues(interleaved(MEMORY_ROUNDS, usage), (samples) => ({
    heapUsed: medianOf(samples.map((sample) => sample.heapUsed)),
    rss: medianOf(samples.map((sample) => sample.rss)),
  }))
}

function memoryTable(memory) {
  const MB = 1024 * 1024
  const rows = Object.entries(memory).map(([name, { heapUsed, rss }]) => [
    SUBJECTS[name],
    fixed(heapUsed / MB, 2),
    ratio(heapUsed, memory.bare.heapUsed),
    fixed(rss / MB, 1),
    `+${fixed((rss - memory.bare.rss) / MB, 1)}`,
  ])
  return [
    `**Memory** (a fresh \`node --expose-gc\`: import, one call, \`gc()\`, then \`process.memoryUsage()\`; ` +
      `median of ${MEMORY_ROUNDS})`,
    '',
    table(['program', 'heap used MB', 'heap vs bare', 'RSS MB', 'RSS over bare MB'], rows),
  ].join('\n')
}

/** 5. A token provider's hot path: `await getToken()` on a session in memory, beside an awaited Map.get + expiry check. */
function measureGetToken() {
  const results = { map: [], getToken: [] }
  for (let n = 0; n < LOOP.processes; n++) {
    const child = spawnSync(process.execPath, [SESSION_PROBE, LOOP.warmupMs, LOOP.roundMs, LOOP.rounds].map(String), { cwd: ROOT, encoding: 'utf8', timeout: 120_000 })
    if (child.status !== 0) throw new Error(`session probe failed:\n${child.stderr}`)
    const round = JSON.parse(child.stdout)
    results.map.push(...round.map)
    results.getToken.push(...round.getToken)
  }
  return {
    map: { median: medianOf(results.map), min: Math.min(...results.map) },
    getToken: {
      median: medianOf(results.getToken),
      min: Math.min(...results.getToken),
      vsMap: medianOf(results.getToken.map((us, i) => us / results.map[i])),
    },
  }
}

function getTokenTable(session) {
  return [
    `**A token provider's hot path** (\`await getToken()\` on a session held in memory, beside an awaited \`Map.get\` ` +
      `plus an expiry check; ${LOOP.processes} fresh processes, ${LOOP.rounds} rounds of ${LOOP.roundMs} ms each, taking turns. ` +
      `_vs Map (paired)_: the median over rounds of the ratio in the same round)`,
    '',
    table(
      ['call', 'median µs/call', 'min µs/call', 'vs Map (paired)'],
      [
        ['`Map.get` + expiry check', fixed(session.map.median, 3), fixed(session.map.min, 3), '1.00x'],
        ['ssooidc `getToken()`', fixed(session.getToken.median, 3), fixed(session.getToken.min, 3), ratio(session.getToken.vsMap, 1)],
      ],
    ),
  ].join('\n')
}

/**
 * 6. The command: wall time of a fresh `ssooidc --version`, `ssooidc token` on a warm token cache (no request), and
 * `ssooidc credentials` on a warm role-credential cache, beside `node -e 0`, in a throwaway HOME; interleaved rounds.
 */
function measureCli() {
  const home = mkdtempSync(join(os.tmpdir(), 'ssooidc-bench-'))
  const env = { ...process.env, HOME: home, AWS_CONFIG_FILE: join(home, '.aws', 'config'), AWS_PROFILE: 'bench' }
  mkdirSync(join(home, '.aws', 'sso', 'cache'), { recursive: true })
  mkdirSync(join(home, '.aws', 'cli', 'cache'), { recursive: true })
  writeFileSync(env.AWS_CONFIG_FILE, '[profile bench]\nsso_session = bench\nsso_account_id = 111122223333\nsso_role_name = ReadOnlyAccess\n\n[sso-session bench]\nsso_start_url = https://bench.awsapps.com/start\nsso_region = us-east-1\n')
  const later = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z')
  const sha1 = (text) => createHash('sha1').update(text).digest('hex')
  writeFileSync(join(home, '.aws', 'sso', 'cache', `${sha1('bench')}.json`), JSON.stringify({ startUrl: 'https://bench.awsapps.com/start', region: 'us-east-1', accessToken: 'aoa-bench', expiresAt: later }))
  const roleKey = JSON.stringify({ accountId: '111122223333', roleName: 'ReadOnlyAccess', sessionName: 'bench' })
  writeFileSync(join(home, '.aws', 'cli', 'cache', `${sha1(roleKey)}.json`), JSON.stringify({ ProviderType: 'sso', Credentials: { AccessKeyId: 'ASIABENCH', SecretAccessKey: 's', SessionToken: 't', Expiration: later } }))
  const programs = {
    node: ['-e', '0'],
    version: [CLI, '--version'],
    token: [CLI, 'token'],
    credentials: [CLI, 'credentials'],
  }
  const time = (args) => {
    const start = performance.now()
    const child = spawnSync(process.execPath, args, { env, encoding: 'utf8' })
    const ms = performance.now() - start
    if (child.status !== 0) throw new Error(`${args.join(' ')} failed: ${child.stderr}`)
    return ms
  }
  const results = mapValues(programs, () => [])
  const names = Object.keys(programs)
  for (const name of names) time(programs[name]) // untimed: fills the file cache
  for (let round = 0; round < CLI_ROUNDS; round++) {
    const shift = round % names.length
    for (const name of [...names.slice(shift), ...names.slice(0, shift)]) results[name].push(time(programs[name]))
  }
  rmSync(home, { recursive: true, force: true })
  return mapValues(results, (values) => ({
    median: medianOf(values),
    min: Math.min(...values),
    vsNode: medianOf(values.map((value, i) => value / results.node[i])),
  }))
}

function cliTable(cli) {
  const labels = {
    node: '`node -e 0`',
    version: '`ssooidc --version`',
    token: '`ssooidc token` (warm token cache)',
    credentials: '`ssooidc credentials` (warm role-credential cache)',
  }
  return [
    `**The command** (a fresh process each: wall time, in a throwaway HOME; ${CLI_ROUNDS} rounds, interleaved. _vs node (paired)_: ` +
      'the median over rounds of the ratio to `node -e 0` in the same round)',
    '',
    table(
      ['program', 'median ms', 'min ms', 'vs node (paired)'],
      Object.entries(cli).map(([name, { median, min, vsNode }]) => [labels[name], fixed(median), fixed(min), ratio(vsNode, 1)]),
    ),
  ].join('\n')
}

/** One line per budget: met or not, with the measured numbers. */
function verdicts(sizes, cold, perCall, session, cli) {
  const verdict = (met, label, measured) => `- ${met ? 'met' : '**not met**'}: ${label} (measured ${measured})`
  const sizeLines = Object.keys(ENTRIES).filter((entry) => BUDGETS[entry]).map((entry) => {
    const measured = ['browser', 'worker'].map((target) => ({ target, ...sizes[`ssooidc: ${entry}|${target}`] }))
    return verdict(
      measured.every((m) => !m.failure && m.gzip <= BUDGETS[entry]),
      `ssooidc ${entry} ≤ ${BUDGETS[entry] / KB} KB gzip`,
      measured.map((m) => `${m.target} ${m.failure ? 'does not bundle' : `${fixed(m.gzip / KB, 2)} KB`}`).join(', '),
    )
  })
  const coldRatio = cold.ssooidc.vsBare
  const callRatio = perCall.ssooidc.vsBare
  return [
    '**Budgets**',
    '',
    ...sizeLines,
    verdict(coldRatio <= BUDGETS.coldStart, `Node cold start ≤ ${BUDGETS.coldStart}x bare`, `${ratio(coldRatio, 1)}, paired median`),
    verdict(callRatio <= BUDGETS.perCall, `per-call time ≤ ${BUDGETS.perCall}x bare`, `${ratio(callRatio, 1)}, paired median`),
    verdict(session.getToken.vsMap <= BUDGETS.getToken, `getToken() ≤ ${BUDGETS.getToken}x a Map.get + expiry check`, `${ratio(session.getToken.vsMap, 1)}, paired median`),
    verdict(cli.version.vsNode <= BUDGETS.cliVersion, `ssooidc --version ≤ ${BUDGETS.cliVersion}x node -e 0`, `${ratio(cli.version.vsNode, 1)}, paired median`),
    verdict(cli.token.vsNode <= BUDGETS.cliToken, `ssooidc token (warm) ≤ ${BUDGETS.cliToken}x node -e 0`, `${ratio(cli.token.vsNode, 1)}, paired median`),
    verdict(cli.credentials.vsNode <= BUDGETS.cliCredentials, `ssooidc credentials (warm) ≤ ${BUDGETS.cliCredentials}x node -e 0`, `${ratio(cli.credentials.vsNode, 1)}, paired median`),
  ].join('\n')
}

/** Replaces what is between the bench markers in README.md; leaves it alone unless both markers are there. */
function writeReadme(markdown) {
  const path = `${ROOT}README.md`
  const [start, end] = ['<!-- bench:start -->', '<!-- bench:end -->']
  const readme = readFileSync(path, 'utf8')
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  if (from < 0 || to < from) return log('README.md: bench markers not found, left alone')
  writeFileSync(path, `${readme.slice(0, from + start.length)}\n${markdown}\n${readme.slice(to)}`)
  log('README.md: updated between the bench markers')
}

if (!existsSync(`${ROOT}dist/index.mjs`)) {
  log('dist/ is missing: run `npx unbuild` (or `npm run bench`, which builds first)')
  process.exit(1)
}
const benchStart = performance.now()
log('bundle sizes…')
const sizes = await measureSizes()
log('cold start…')
const cold = measureColdStart()
log('per call…')
const perCall = measurePerCall()
log('memory…')
const memory = measureMemory()
log('getToken…')
const session = measureGetToken()
log('the command…')
const cli = measureCli()
log(`done in ${fixed((performance.now() - benchStart) / 1000)} s`)

const cpu = os.cpus()
const machine = `${cpu[0]?.model.trim() ?? 'unknown CPU'} (${cpu.length} cores, ${fixed(os.totalmem() / 1024 ** 3)} GiB)`
const markdown = [
  `_Measured ${new Date().toISOString()} on ${machine}, Node ${process.version}, by \`npm run bench\`._`,
  sizeTable(sizes),
  coldStartTable(cold),
  perCallTable(perCall),
  memoryTable(memory),
  getTokenTable(session),
  cliTable(cli),
  verdicts(sizes, cold, perCall, session, cli),
].join('\n\n')
console.log(markdown)
if (process.argv.includes('--write')) writeReadme(markdown)
