/**
 * Issue 7, across processes: 4 `node` processes, each with its own token provider over one store (unstorage's fs
 * driver on a temp dir), refresh one session at the same instant against the emulator over HTTP on loopback. The
 * refresh token rotates, so one wins and the others' requests are refused: none of them may see an error, and all
 * must end with the winner's session.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStorage } from 'unstorage'
import fsDriver from 'unstorage/drivers/fs'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { buildWorker, expectOneWinner, race, summary, type WorkerBundle } from './support/race'

describe('the rotation race between processes sharing an fs store', () => {
  let worker: WorkerBundle
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ssooidc-race-'))
    worker = await buildWorker()
  }, 60_000)
  afterAll(async () => {
    await worker?.remove()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('4 processes × 3 calls, inside the window at once: 0 errors, all end with the stored winner\'s session, at most 3 wasted refreshes', async () => {
    const storage = createStorage({ driver: fsDriver({ base: dir }) })
    try {
      const outcome = await race({ worker, storage, store: { driver: 'fs', base: dir }, key: 'sso:race' })
      console.log(summary('fs', outcome))
      expectOneWinner(outcome)
    } finally {
      await storage.dispose()
    }
  }, 180_000)
})
