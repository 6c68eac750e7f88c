/**
 * One holder of a shared session store, run as its own `node` process by test/support/race.ts (bundled with
 * esbuild at test time). It opens the store (unstorage's fs or redis driver) and a token provider over it, tells
 * the parent it is ready, waits for the common start instant the parent sends, calls `getToken()` a few times in a
 * row and prints one JSON line ({@link WorkerReport}) with what each call got.
 *
 * Its configuration comes as JSON in the environment variable RACE_WORKER ({@link WorkerConfig}).
 */
import { createStorage, type Driver } from 'unstorage'
import { createTokenProvider } from '../../src/index'

/** Where the shared store is. */
export type StoreConfig = { driver: 'fs'; base: string } | { driver: 'redis'; url: string; base: string }

/** What the parent passes in RACE_WORKER. */
export interface WorkerConfig {
  store: StoreConfig
  /** The key of the session in the store. */
  key: string
  /** The emulator's base URL. */
  endpoint: string
  /** How many `getToken()` calls in a row. */
  calls: number
}

/** What one `getToken()` call got. */
export type CallReport =
  | { ok: true; accessToken: string; expiresAt: string; ms: number }
  | { ok: false; error: string; message: string; ms: number }

/** The JSON line a worker prints when done. */
export interface WorkerReport {
  pid: number
  /** How far from the common start instant this worker's first call began, in ms (the barrier's spread). */
  lateBy: number
  calls: CallReport[]
}

/** The parent's go: the common start instant, in epoch ms. */
export interface Go {
  at: number
}

async function openStore(store: StoreConfig): Promise<Driver> {
  if (store.driver === 'fs') {
    const { default: fsDriver } = await import('unstorage/drivers/fs')
    return fsDriver({ base: store.base })
  }
  const { default: redisDriver } = await import('unstorage/drivers/redis')
  // Fail instead of retrying forever when Redis is gone: the parent reports the error.
  return redisDriver({ url: store.url, base: store.base, maxRetriesPerRequest: 1, connectTimeout: 10_000 })
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.RACE_WORKER ?? '') as WorkerConfig
  const storage = createStorage({ driver: await openStore(config.store) })
  // Everything that is slow the first time (module loading, the Redis connection, Node's fetch and its connection
  // to the emulator: a GET the emulator answers 404) happens before the barrier, as in a holder that has been up.
  await storage.hasItem(`${config.key}:warm-up`)
  await (await fetch(new URL('/warm-up', config.endpoint))).arrayBuffer()
  const getToken = createTokenProvider({ storage, key: config.key, endpoint: config.endpoint, region: 'us-east-1' })

  const go = new Promise<Go>((resolve) => process.once('message', (message) => resolve(message as Go)))
  process.send?.({ ready: process.pid })
  const { at } = await go
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())))
  while (Date.now() < at); // the last fraction of a millisecond

  const lateBy = Date.now() - at
  const calls: CallReport[] = []
  for (let i = 0; i < config.calls; i++) {
    const started = performance.now()
    const token = await getToken()
    const ms = Math.round(performance.now() - started)
    calls.push(
      token.ok
        ? { ok: true, accessToken: token.value.accessToken, expiresAt: token.value.expiresAt, ms }
        : { ok: false, error: token.error.name, message: token.error.message, ms },
    )
  }
  await storage.dispose()
  const report: WorkerReport = { pid: process.pid, lateBy, calls }
  process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0))
}

main().catch((error: unknown) => {
  process.stderr.write(`race worker ${process.pid} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
