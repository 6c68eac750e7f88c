/**
 * Issue 7, across processes, over a real Redis: the race of test/race.test.ts with the store in Redis through
 * unstorage's redis driver (ioredis). Needs REDIS_URL (such as redis://127.0.0.1:6379); `npm run test:redis` runs
 * it, and .ci/run starts a Redis for it. Without REDIS_URL, or with no Redis answering there, it fails: it is never
 * skipped.
 */
import { randomUUID } from 'node:crypto'
import Redis from 'ioredis'
import { createStorage } from 'unstorage'
import redisDriver from 'unstorage/drivers/redis'
import { describe, expect, it } from 'vitest'
import { buildWorker, expectOneWinner, race, summary } from '../support/race'

/** The Redis to use, from REDIS_URL; throws (failing the test) when it is not set or nothing answers there. */
async function redisUrl(): Promise<string> {
  const url = process.env.REDIS_URL
  if (!url) throw new Error('REDIS_URL is not set: start a Redis and run REDIS_URL=redis://127.0.0.1:6379 npm run test:redis (.ci/run does this)')
  // Fail at once, with the address, when nothing answers there (ioredis would retry forever).
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 10_000 })
  probe.on('error', () => {})
  try {
    await probe.connect()
    const pong = await probe.ping()
    if (pong !== 'PONG') throw new Error(`PING answered ${JSON.stringify(pong)}`)
  } catch (error) {
    throw new Error(`No Redis answers at REDIS_URL=${url}: ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    probe.disconnect()
  }
  return url
}

describe('the rotation race between processes sharing a Redis store', () => {
  it('4 processes × 3 calls, inside the window at once: 0 errors, all end with the stored winner\'s session, at most 3 wasted refreshes', async () => {
    const url = await redisUrl()
    // A base of our own for this run's keys, removed at the end.
    const base = `ssooidc-race-${randomUUID()}`
    const storage = createStorage({ driver: redisDriver({ url, base, maxRetriesPerRequest: 1 }) })
    const worker = await buildWorker()
    try {
      const outcome = await race({ worker, storage, store: { driver: 'redis', url, base }, key: 'sso:race' })
      console.log(summary('redis', outcome))
      expectOneWinner(outcome)
      expect(await storage.getKeys(), 'the workers wrote nothing but the session').toStrictEqual(['sso:race'])
    } finally {
      await worker.remove()
      await storage.clear()
      await storage.dispose()
    }
  }, 180_000)
})
