// One subject making createToken calls against a canned in-process response, in a fresh Node process; started
// by scripts/bench.mjs, which does the timing and the statistics.
//
//   node bench/probe.mjs SUBJECT                          import, one call, exit (cold start)
//   node --expose-gc bench/probe.mjs SUBJECT memory       import, one call, gc, print process.memoryUsage()
//   node bench/probe.mjs SUBJECT[,SUBJECT…] loop WARMUP_MS ROUND_MS ROUNDS
//                                                         call for WARMUP_MS, then print the µs per call of
//                                                         each of ROUNDS rounds of ROUND_MS, per subject; several
//                                                         subjects take turns round by round in one process, so
//                                                         that they share its JIT, heap and slow spells
//
// SUBJECT is `bare` (the canned fetch and JSON.parse, no library), `ssooidc` (this package's built dist/, through
// its self-reference, as a Node user runs it) or `aws-sdk` (@aws-sdk/client-sso-oidc with a canned request
// handler). Every call's access token is checked, so a subject that fails fast cannot pass for a fast one.

const BODY = JSON.stringify({ accessToken: 'x', tokenType: 'Bearer', expiresIn: 3600 })
const HEADERS = { 'content-type': 'application/json' }
const INPUT = {
  clientId: 'client-id',
  clientSecret: 'client-secret',
  grantType: 'refresh_token',
  refreshToken: 'refresh-token',
}
const REGION = 'us-east-1'

/** The in-process `fetch` of `bare` and `ssooidc`: a fresh canned Response per call. */
const cannedFetch = async () => new Response(BODY, { headers: HEADERS })

/** Each subject: imports what it needs, and returns a function making one call that resolves to the access token. */
const SUBJECTS = {
  async bare() {
    const url = `https://oidc.${REGION}.amazonaws.com/token`
    return async () => {
      const response = await cannedFetch(url, { method: 'POST', headers: HEADERS, body: JSON.stringify(INPUT) })
      return JSON.parse(await response.text()).accessToken
    }
  },

  async ssooidc() {
    const { createToken } = await import('ssooidc')
    return async () => {
      const result = await createToken(INPUT, { region: REGION, fetch: cannedFetch })
      return result.ok ? result.value.accessToken : result.error
    }
  },

  async 'aws-sdk'() {
    const { SSOOIDCClient, CreateTokenCommand } = await import('@aws-sdk/client-sso-oidc')
    const { HttpResponse } = await import('@smithy/core/protocols')
    const encoder = new TextEncoder()
    // The body is handed over as bytes, which spares the SDK the stream read that Response.text() costs the others.
    const requestHandler = {
      handle: async () => ({
        response: new HttpResponse({ statusCode: 200, headers: { ...HEADERS }, body: encoder.encode(BODY) }),
      }),
    }
    const client = new SSOOIDCClient({
      region: REGION,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
      requestHandler,
    })
    return async () => (await client.send(new CreateTokenCommand(INPUT))).accessToken
  },
}

const [subjectList, mode = 'cold', ...rest] = process.argv.slice(2)
const subjects = subjectList.split(',')
for (const subject of subjects) {
  if (!SUBJECTS[subject]) throw new Error(`unknown subject ${subject}; one of ${Object.keys(SUBJECTS).join(', ')}`)
}
const calls = {}
for (const subject of subjects) {
  calls[subject] = await SUBJECTS[subject]()
  check(subject, await calls[subject]())
}

function check(subject, token) {
  if (token !== 'x') throw new Error(`${subject}: unexpected result ${JSON.stringify(token)}`)
}

if (mode === 'memory') {
  globalThis.gc()
  console.log(JSON.stringify(process.memoryUsage()))
} else if (mode === 'loop') {
  // Calls in batches until the time is up: a warm-up, then timed rounds, subjects taking turns. (A forced gc()
  // between rounds made them slower and noisier, not steadier.)
  const [warmupMs, roundMs, rounds] = rest.map(Number)
  const callFor = async (subject, ms) => {
    const call = calls[subject]
    const start = performance.now()
    let count = 0
    let elapsed = 0
    do {
      for (let i = 0; i < 100; i++) check(subject, await call())
      count += 100
      elapsed = performance.now() - start
    } while (elapsed < ms)
    return (elapsed * 1000) / count
  }
  for (const subject of subjects) await callFor(subject, warmupMs)
  const microseconds = Object.fromEntries(subjects.map((subject) => [subject, []]))
  for (let round = 0; round < rounds; round++) {
    for (const subject of subjects) microseconds[subject].push(await callFor(subject, roundMs))
  }
  console.log(JSON.stringify(microseconds))
} else if (mode !== 'cold') {
  throw new Error(`unknown mode ${mode}`)
}
