// The hot path of a token provider (issue 7): `await getToken()` on a session held in memory, beside an awaited
// `Map.get` plus an expiry check, in one fresh process, round by round; started by scripts/bench.mjs.
//
//   node bench/session-probe.mjs WARMUP_MS ROUND_MS ROUNDS    prints {"map": [µs per call…], "getToken": […]}
import { createTokenProvider } from 'ssooidc'

const WINDOW_MS = 300_000
const session = { accessToken: 'x', expiresAt: new Date(Date.now() + 3600_000).toISOString() }
const map = new Map([['k', { session, expiry: Date.parse(session.expiresAt) }]])
const storage = { getItem: () => JSON.stringify(session), setItem: () => {} }
const getToken = createTokenProvider({ storage, key: 'k', region: 'us-east-1' })

const SUBJECTS = {
  /** What a hand-written cache does: a Map lookup and an expiry check, behind the same `await`. */
  map: async () => {
    const held = map.get('k')
    return held && held.expiry - Date.now() > WINDOW_MS ? held.session.accessToken : undefined
  },
  getToken: async () => {
    const result = await getToken()
    return result.ok ? result.value.accessToken : undefined
  },
}
if ((await SUBJECTS.getToken()) !== 'x') throw new Error('getToken did not give the stored token')

const [warmupMs, roundMs, rounds] = process.argv.slice(2).map(Number)
const callFor = async (call, ms) => {
  const start = performance.now()
  let count = 0
  let elapsed = 0
  do {
    for (let i = 0; i < 1000; i++) if ((await call()) !== 'x') throw new Error('wrong token')
    count += 1000
    elapsed = performance.now() - start
  } while (elapsed < ms)
  return (elapsed * 1000) / count
}
for (const call of Object.values(SUBJECTS)) await callFor(call, warmupMs)
const microseconds = { map: [], getToken: [] }
for (let round = 0; round < rounds; round++) {
  for (const [name, call] of Object.entries(SUBJECTS)) microseconds[name].push(await callFor(call, roundMs))
}
console.log(JSON.stringify(microseconds))
