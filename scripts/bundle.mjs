// Bundles a snippet of code the way our users' bundlers do, and measures it: esbuild, minified, ESM, then
// gzip -9. The one place sizes are measured; test/size.test.ts enforces budgets with it, scripts/bench.mjs
// prints them beside the AWS SDK's.
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** The two targets: a browser bundle, and a worker bundle (neutral platform, worker conditions, no Node built-ins). */
export const TARGETS = {
  browser: { platform: 'browser', conditions: ['browser'] },
  worker: { platform: 'neutral', conditions: ['workerd', 'worker', 'browser'], mainFields: ['module', 'main'] },
}

/**
 * Bundles `code` (an ES module that imports what it measures) for `target`; `ssooidc` resolves to this
 * repository's sources. Returns the minified code and its sizes in bytes, or throws esbuild's error.
 */
export async function bundle(code, target = 'browser', { minify = true } = {}) {
  const result = await build({
    stdin: { contents: code, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    minify,
    format: 'esm',
    write: false,
    logLevel: 'silent',
    alias: { 'ssooidc/portal': `${ROOT}src/portal/index.ts`, ssooidc: `${ROOT}src/index.ts` },
    ...TARGETS[target],
  })
  const text = result.outputFiles[0].text
  return { code: text, min: Buffer.byteLength(text), gzip: gzipSync(text, { level: 9 }).length }
}

/** What a user imports, by name: the entries the size budgets speak of. */
export const ENTRIES = {
  'createToken': "import { createToken } from 'ssooidc'; globalThis.x = createToken",
  'registerClient + startDeviceAuthorization + createToken':
    "import { registerClient, startDeviceAuthorization, createToken } from 'ssooidc'; globalThis.x = [registerClient, startDeviceAuthorization, createToken]",
  'the whole API': "import * as ssooidc from 'ssooidc'; globalThis.x = ssooidc",
  'getRoleCredentials': "import { getRoleCredentials } from 'ssooidc/portal'; globalThis.x = getRoleCredentials",
  'the whole portal API': "import * as portal from 'ssooidc/portal'; globalThis.x = portal",
  'createTokenProvider + refreshSession + createToken':
    "import { createTokenProvider, refreshSession, createToken } from 'ssooidc'; globalThis.x = [createTokenProvider, refreshSession, createToken]",
}
