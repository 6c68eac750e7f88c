/**
 * The authorization-code flow's loopback server (issue 9, security): 127.0.0.1 only, `state` checked, one code,
 * its own host name only, nothing reflected, 10 s per request and 600 s per sign-in.
 */
import { request } from 'node:http'
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import { describe, expect, it } from 'vitest'
import { startCallbackServer } from '../src/node/loopback'

const STATE = 'state-0123456789abcdef'

/** A GET as a browser sends it (or with another Host header); status and body. */
function get(url: string, host?: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url)
    const req = request({ host: target.hostname, port: target.port, path: target.pathname + target.search, headers: host ? { host } : {} }, (res) => {
      let body = ''
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

async function server(options: { timeout?: number; requestTimeout?: number; signal?: AbortSignal } = {}) {
  const started = await startCallbackServer({ state: STATE, ...options })
  if (!started.ok) throw new Error(started.error.message)
  return started.value
}

describe('the callback server', () => {
  it('listens on 127.0.0.1 at a random port, and takes the code of a redirect with the right state', async () => {
    const s = await server()
    expect(s.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/)
    const page = await get(`${s.redirectUri}?code=the-code&state=${STATE}`)
    expect(page.status).toBe(200)
    expect(page.headers).toMatchObject({ 'content-security-policy': "default-src 'none'", 'cache-control': 'no-store' })
    expect(await s.code).toStrictEqual({ ok: true, value: 'the-code' })
  })

  it('refuses a wrong state, and keeps waiting for the right one', async () => {
    const s = await server()
    expect((await get(`${s.redirectUri}?code=evil&state=other`)).status).toBe(400)
    expect((await get(`${s.redirectUri}?code=evil`)).status).toBe(400)
    expect((await get(`${s.redirectUri}?code=good&state=${STATE}`)).status).toBe(200)
    expect(await s.code).toStrictEqual({ ok: true, value: 'good' })
  })

  it('takes one code only: a second is refused', async () => {
    const s = await server()
    const first = get(`${s.redirectUri}?code=one&state=${STATE}`)
    const second = get(`${s.redirectUri}?code=two&state=${STATE}`)
    const statuses = [(await first).status, (await second).status].sort()
    expect(statuses).toStrictEqual([200, 400])
    expect((await s.code).ok).toBe(true)
  })

  it('refuses another host name pointing at it (DNS rebinding), and other paths', async () => {
    const s = await server()
    expect((await get(`${s.redirectUri}?code=c&state=${STATE}`, 'evil.example')).status).toBe(400)
    expect((await get(`${s.redirectUri}?code=c&state=${STATE}`, `localhost:${new URL(s.redirectUri).port}`)).status).toBe(400)
    expect((await get(`${s.redirectUri.replace('/oauth/callback', '/other')}?code=c&state=${STATE}`)).status).toBe(404)
    s.close()
    expect(await s.code).toStrictEqual({ ok: false, error: { name: 'AbortError', message: 'The operation was aborted' } })
  })

  it('reflects nothing it is sent', async () => {
    const s = await server()
    const evil = encodeURIComponent('<script>alert(1)</script>')
    for (const url of [`${s.redirectUri}?code=${evil}&state=${evil}`, `${s.redirectUri}?error=${evil}&state=${STATE}`]) {
      const page = await get(url)
      expect(page.body).not.toContain('script')
      expect(page.body).not.toContain('alert')
    }
  })

  it('an error redirect (the user refused) is an AuthorizationError', async () => {
    const s = await server()
    await get(`${s.redirectUri}?error=access_denied&error_description=no&state=${STATE}`)
    expect(await s.code).toStrictEqual({ ok: false, error: { name: 'AuthorizationError', message: 'The sign-in was refused: access_denied', error: 'access_denied' } })
  })

  it('ends with SignInTimeoutError after the overall timeout, and with AbortError on the signal', async () => {
    expect((await (await server({ timeout: 50 })).code).error?.name).toBe('SignInTimeoutError')
    const controller = new AbortController()
    const s = await server({ signal: controller.signal })
    controller.abort()
    expect((await s.code).error?.name).toBe('AbortError')
  })

  it('drops a request that does not arrive whole within the request timeout', async () => {
    const s = await server({ requestTimeout: 200 })
    const port = Number(new URL(s.redirectUri).port)
    const closed = await new Promise<number>((resolve) => {
      const start = Date.now()
      const socket = connect(port, '127.0.0.1', () => socket.write('GET /oauth/callback HTTP/1.1\r\nHost: 127.0.0.1\r\n'))
      socket.on('data', () => {})
      socket.on('close', () => resolve(Date.now() - start))
      socket.on('error', () => {})
    })
    expect(closed).toBeLessThan(5000)
    s.close()
  }, 10_000)

  it('is not reachable on the machine\'s other addresses', async () => {
    const s = await server()
    const port = Number(new URL(s.redirectUri).port)
    const others = Object.values(networkInterfaces()).flat().filter((a) => a && a.family === 'IPv4' && !a.internal).map((a) => a!.address)
    // ::1 too: "localhost" may resolve to it, and only 127.0.0.1 is ours.
    for (const address of ['::1', ...others]) {
      const reached = await new Promise<boolean>((resolve) => {
        const socket = connect(port, address, () => (socket.destroy(), resolve(true)))
        socket.on('error', () => resolve(false))
      })
      expect(reached).toBe(false)
    }
    s.close()
  })

  it('refuses a request target no URL parser takes, and keeps serving', async () => {
    const s = await server()
    const { port } = new URL(s.redirectUri)
    const raw = (target: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`))
        let text = ''
        socket.on('data', (chunk) => (text += chunk))
        socket.on('close', () => resolve(text))
        socket.on('error', () => resolve(text))
      })
    expect(await raw('//')).toMatch(/^HTTP\/1\.1 400/)
    expect(await raw('http://[')).toMatch(/^HTTP\/1\.1 (400|404)/)
    expect((await get(`${s.redirectUri}?code=good&state=${STATE}`)).status).toBe(200)
    expect(await s.code).toStrictEqual({ ok: true, value: 'good' })
  })

  it('refuses bad options with a ValidationError, and never throws', async () => {
    const bad = [
      { state: '' },
      { state: 42 },
      { state: STATE, timeout: Number.NaN },
      { state: STATE, timeout: -1 },
      { state: STATE, requestTimeout: '10' },
      { state: STATE, signal: {} },
    ]
    for (const options of bad) {
      const result = await startCallbackServer(options as never)
      expect(result.ok === false && result.error.name).toBe('ValidationError')
    }
    const hostile = new Proxy({}, { get: () => { throw new Error('boom') } })
    for (const options of [null, undefined, hostile]) {
      const result = await startCallbackServer(options as never)
      expect(result.ok === false && result.error.name).toBe('ValidationError')
    }
  })

  it('takes a timeout past what a Node timer holds as "that long", not as "now"', async () => {
    const s = await server({ timeout: 1e12 })
    const early = await Promise.race([s.code, new Promise((resolve) => setTimeout(() => resolve('waiting'), 200))])
    expect(early).toBe('waiting')
    s.close()
    expect(await s.code).toStrictEqual({ ok: false, error: expect.objectContaining({ name: 'AbortError' }) })
  })
})
