import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createToken, registerClient } from '../src/index'
import { SUCCESS_BODY, VALID_INPUT, statusOf } from './support/wire'

/** A real HTTP server on loopback whose next answers the test sets; it records what arrives. */
type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void
let handler: Handler
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = []
let server: Server
let endpoint: string
let elsewhere: Server
let elsewhereHits = 0
let elsewhereUrl: string

const listen = (s: Server) => new Promise<string>((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)))

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body })
      handler(req, body, res)
    })
  })
  endpoint = await listen(server)
  elsewhere = createServer((_, res) => ((elsewhereHits += 1), res.end('{}')))
  elsewhereUrl = await listen(elsewhere)
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
  await new Promise((r) => elsewhere.close(r))
})
beforeEach(() => {
  seen.length = 0
  elsewhereHits = 0
})

describe('over real HTTP on loopback', () => {
  it('sends one POST /token with a JSON body and reads the token', async () => {
    handler = (_, __, res) => res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-RequestId': 'r1' }).end(JSON.stringify(SUCCESS_BODY.CreateToken))
    expect(await createToken(VALID_INPUT.CreateToken, { endpoint })).toStrictEqual({ ok: true, value: SUCCESS_BODY.CreateToken })
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/token', headers: { 'content-type': 'application/json' } })
    expect(JSON.parse(seen[0]!.body)).toStrictEqual(VALID_INPUT.CreateToken)
  })

  it('reads the service wire form of AuthorizationPendingException', async () => {
    handler = (_, __, res) =>
      res
        .writeHead(statusOf('AuthorizationPendingException'), {
          'content-type': 'application/json',
          'x-amzn-ErrorType': 'AuthorizationPendingException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/',
          'x-amzn-RequestId': 'abc-123',
        })
        .end(JSON.stringify({ error: 'authorization_pending', error_description: 'Authorization is still pending' }))
    expect(await createToken(VALID_INPUT.CreateToken, { endpoint })).toStrictEqual({
      ok: false,
      error: {
        name: 'AuthorizationPendingException',
        message: 'Authorization is still pending',
        status: 400,
        error: 'authorization_pending',
        description: 'Authorization is still pending',
        requestId: 'abc-123',
      },
    })
  })

  it('does not follow a redirect to another origin: the other server never hears of it', async () => {
    handler = (_, __, res) => res.writeHead(307, { location: `${elsewhereUrl}/token` }).end()
    const result = await registerClient(VALID_INPUT.RegisterClient, { endpoint })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatchObject({ name: 'UnknownServiceError', status: 307 })
    expect(seen).toHaveLength(1)
    expect(elsewhereHits).toBe(0)
  })

  it('reads an HTML 502 from a proxy as an UnknownServiceError after the retries', async () => {
    handler = (_, __, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>')
    const result = await createToken(VALID_INPUT.CreateToken, { endpoint, retry: 1 })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatchObject({ name: 'UnknownServiceError', status: 502, type: undefined })
    expect(seen).toHaveLength(2)
  })

  it('returns TimeoutError when the server holds the response past `timeout`', async () => {
    handler = (_, __, res) => setTimeout(() => res.writeHead(200).end('{}'), 500)
    const started = Date.now()
    const result = await createToken(VALID_INPUT.CreateToken, { endpoint, timeout: 50, retry: 0 })
    expect(result).toStrictEqual({ ok: false, error: { name: 'TimeoutError', message: 'No response within 50 ms' } })
    expect(Date.now() - started).toBeLessThan(400)
  })

  it('returns AbortError within milliseconds of the signal', async () => {
    handler = (_, __, res) => setTimeout(() => res.writeHead(200).end('{}'), 500)
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 20)
    const started = Date.now()
    const result = await createToken(VALID_INPUT.CreateToken, { endpoint, signal: controller.signal })
    expect(result.ok ? undefined : result.error.name).toBe('AbortError')
    expect(Date.now() - started).toBeLessThan(400)
  })

  it('returns NetworkError when nothing listens', async () => {
    const closed = createServer()
    const url = await listen(closed)
    await new Promise((r) => closed.close(r))
    const result = await createToken(VALID_INPUT.CreateToken, { endpoint: url, retry: 0 })
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error.name).toBe('NetworkError')
      expect(result.error.message).toMatch(/^fetch failed/)
    }
  })
})
