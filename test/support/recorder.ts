/**
 * A loopback HTTP server for the differential tests (test/sdk-parity.test.ts, test/portal-parity.test.ts): it
 * records every request whole and answers each with `answer`, so that the AWS SDK and ssooidc can be sent the
 * same response and compared on what they sent.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A request as it arrived. */
export interface Received {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** A response to send. */
export interface Answer {
  status: number
  headers: Record<string, string>
  body: string
}

export interface Recorder {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string
  /** What it received, in order; empty it between tests. */
  readonly received: Received[]
  /** What it answers, when {@link Recorder.queue} is empty. */
  answer: Answer
  /** What it answers to the next requests, one each, in order, before it falls back to `answer`. */
  readonly queue: Answer[]
  close(): Promise<void>
}

/** Starts a recorder on 127.0.0.1 at a free port. */
export async function startRecorder(): Promise<Recorder> {
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      recorder.received.push({ method: req.method!, url: req.url!, headers: req.headers, body })
      const answer = recorder.queue.shift() ?? recorder.answer
      res.writeHead(answer.status, answer.headers).end(answer.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const recorder: Recorder = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: [],
    answer: { status: 500, headers: {}, body: '' },
    queue: [],
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
  return recorder
}
