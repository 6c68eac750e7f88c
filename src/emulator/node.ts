/**
 * Serves an emulator over HTTP with `node:http`: each IncomingMessage becomes a `Request` for `emulator.fetch`,
 * and its `Response` goes back as is (status, every header, body; redirects are neither followed nor altered).
 *
 * @module
 */
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Emulator } from './index'

/** Options of {@link listen}. */
export interface ListenOptions {
  /** The port; `0` (the default) picks a free one. */
  port?: number | undefined
  /** The interface to bind. Default `"127.0.0.1"` (loopback only). */
  host?: string | undefined
}

/** A running emulator server. */
export interface EmulatorServer {
  /**
   * Its base URL, such as `http://127.0.0.1:49152`; pass it as the library's `endpoint` option. A server bound to
   * every interface (`0.0.0.0`, `::`) gives its loopback URL, which the library accepts over plain http.
   */
  readonly url: string
  /** Stops listening and drops open connections. */
  close(): Promise<void>
}

/** Turns an IncomingMessage into a Request, passes it to `fetch`, and writes the Response back unaltered. */
async function serve(fetch: Emulator['fetch'], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  const method = req.method ?? 'GET'
  const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' ? null : Buffer.concat(chunks),
    redirect: 'manual',
  })
  const response = await fetch(request)
  const out: OutgoingHttpHeaders = Object.fromEntries(response.headers)
  const cookies = response.headers.getSetCookie()
  if (cookies.length) out['set-cookie'] = cookies
  res.writeHead(response.status, response.statusText, out)
  res.end(Buffer.from(await response.arrayBuffer()))
}

/**
 * Serves `emulator` over HTTP on `host:port` until `close()`.
 *
 * @param emulator - From `createEmulator`; only its `fetch` is used.
 * @param options - `port` (default `0`, any free port) and `host` (default `"127.0.0.1"`).
 * @returns The server's `url` and `close()`; rejects if it cannot listen (port in use, bad host).
 * @example
 * ```ts
 * import { registerClient } from 'ssooidc'
 * import { createEmulator } from 'ssooidc/emulator'
 * import { listen } from 'ssooidc/emulator/node'
 *
 * const server = await listen(createEmulator(), { port: 0 })
 * const client = await registerClient({ clientName: 'demo', clientType: 'public' }, { region: 'us-east-1', endpoint: server.url })
 * await server.close()
 * ```
 */
export async function listen(
  emulator: Pick<Emulator, 'fetch'>,
  { port = 0, host = '127.0.0.1' }: ListenOptions = {},
): Promise<EmulatorServer> {
  const server = createServer((req, res) => {
    serve(emulator.fetch, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end('{"message":"Internal error"}')
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  // Bound to every interface, it is still reached on loopback: the URL the library accepts over plain http.
  const reachable = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '[::1]' : address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${reachable}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
