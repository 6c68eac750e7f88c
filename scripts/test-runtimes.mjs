// The runtime matrix: bundles test/runtimes/suite.ts once for the worker target (scripts/bundle.mjs), then runs
// its `run()` in Node, Deno, Bun (child processes), workerd (Miniflare) and edge-runtime (EdgeRuntime), in
// parallel, each within LIMIT_MS. Prints each failed case, a summary table, then `N passed, N failed`; exits 1
// if any case failed or any runtime could not run.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { transform } from 'esbuild'
import { EdgeRuntime } from 'edge-runtime'
import { Miniflare } from 'miniflare'
import { bundle, ROOT } from './bundle.mjs'

const LIMIT_MS = 60_000
const versionOf = (pkg, from = import.meta.url) => createRequire(from)(`${pkg}/package.json`).version

const suite = (await bundle("export { run } from './test/runtimes/suite.ts'", 'worker', { minify: false })).code
const dir = await mkdtemp(join(tmpdir(), 'ssooidc-runtimes-'))
// The answer of a fetch handler, the same in workerd and edge-runtime.
const RESPOND = 'run().then((results) => new Response(JSON.stringify(results), { headers: { "content-type": "application/json" } }))'
// The CLI entry of node, deno and bun: the runtime's own version, and the results, as the last line of stdout.
const MAIN = `import { run } from './suite.mjs'
const version = globalThis.Deno?.version.deno ?? globalThis.Bun?.version ?? globalThis.process?.versions.node
console.log(JSON.stringify({ version, results: await run() }))
`
await Promise.all([writeFile(join(dir, 'suite.mjs'), suite), writeFile(join(dir, 'main.mjs'), MAIN)])

/** Runs the entry with a runtime's CLI; killed by `signal`. */
async function cli(command, args, signal, env = {}) {
  const { stdout } = await promisify(execFile)(command, [...args, join(dir, 'main.mjs')], {
    signal,
    env: { ...process.env, ...env },
    maxBuffer: 16 << 20,
  })
  try {
    return JSON.parse(stdout.trim().split('\n').pop())
  } catch {
    throw new Error(`unreadable output: ${stdout.slice(-2000)}`)
  }
}

/** Each runtime: how to get `{ version, results }` from the suite. */
const RUNTIMES = {
  node: (signal) => cli(process.execPath, [], signal),
  deno: (signal) =>
    cli(join(ROOT, 'node_modules/.bin/deno'), ['run', '--quiet', '--no-prompt'], signal, {
      DENO_DIR: join(dir, 'deno'),
      DENO_NO_UPDATE_CHECK: '1',
    }),
  bun: (signal) => cli(join(ROOT, 'node_modules/.bin/bun'), [], signal),
  async workerd(signal) {
    const mf = new Miniflare({
      modules: [
        { type: 'ESModule', path: join(dir, 'worker.mjs'), contents: `import { run } from './suite.mjs'\nexport default { fetch: () => ${RESPOND} }` },
        { type: 'ESModule', path: join(dir, 'suite.mjs'), contents: suite },
      ],
      modulesRoot: dir,
      compatibilityDate: '2025-09-01',
    })
    try {
      const response = await mf.dispatchFetch('http://localhost/', { signal })
      return { version: versionOf('workerd', import.meta.resolve('miniflare')), results: await response.json() }
    } finally {
      await mf.dispose()
    }
  },
  async 'edge-runtime'() {
    // EdgeRuntime evaluates scripts, not modules: the same bundle, as an IIFE.
    const { code } = await transform(suite, { format: 'iife', globalName: 'suite' })
    const runtime = new EdgeRuntime({ initialCode: `${code}\nconst { run } = suite\naddEventListener('fetch', (event) => event.respondWith(${RESPOND}))` })
    const response = await runtime.dispatchFetch('http://localhost/')
    return { version: versionOf('edge-runtime'), results: await response.json() }
  },
}

/** One runtime, timed and bounded: its results, or why it could not run (as one failure). */
async function runIn(name, start) {
  const started = performance.now()
  const signal = AbortSignal.timeout(LIMIT_MS)
  const expired = new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(new Error(`no answer within ${LIMIT_MS / 1000} s`))),
  )
  let version = '?'
  let results
  try {
    ;({ version, results } = await Promise.race([start(signal), expired]))
    if (!Array.isArray(results) || results.length === 0) throw new Error(`no results: ${JSON.stringify(results)}`)
  } catch (error) {
    results = [{ name: '(runtime could not run)', ok: false, detail: String(error?.message ?? error) }]
  }
  return { name, version, results, seconds: (performance.now() - started) / 1000 }
}

const runs = await Promise.all(Object.entries(RUNTIMES).map(([name, start]) => runIn(name, start)))
await rm(dir, { recursive: true, force: true })

for (const { name, results } of runs) {
  for (const { name: test, detail } of results.filter((r) => !r.ok)) console.log(`FAIL ${name} › ${test}: ${detail}`)
}
const rows = [
  ['runtime', 'version', 'passed', 'failed', 'seconds'],
  ...runs.map(({ name, version, results, seconds }) => {
    const passed = results.filter((r) => r.ok).length
    return [name, version, passed, results.length - passed, seconds.toFixed(2)]
  }),
]
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)))
console.log(`\n${rows.map((row) => row.map((cell, i) => String(cell).padEnd(widths[i])).join('  ').trimEnd()).join('\n')}\n`)
const passed = rows.slice(1).reduce((sum, row) => sum + row[2], 0)
const failed = rows.slice(1).reduce((sum, row) => sum + row[3], 0)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)
