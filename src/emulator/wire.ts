/**
 * What every emulated service shares on the wire: refusals (a modeled exception on its way out), JSON and error
 * responses, the router's view of an operation, and encoding and randomness over WebCrypto (no Buffer).
 *
 * @module
 * @internal
 */
import { base64url } from '../flows'

/** A modeled exception on its way to the wire; thrown by the handlers, answered by the router. */
export class Refusal<N extends string = string> {
  constructor(
    /** The exception's model name, such as `InvalidGrantException`. */
    readonly name: N,
    /** What went wrong, for the body (`error_description` or `message`, as the service writes it). */
    readonly description: string,
  ) {}
}

/** A `refuse` that throws only the exceptions of one service: `N`, its exception names. */
export type Refuse<N extends string> = (name: N, description: string) => never

/** Makes a {@link Refuse} for a service; declare it with its type (`const refuse: Refuse<X> = refuser()`). */
export const refuser =
  <N extends string>(): Refuse<N> =>
  (name, description) => {
    throw new Refusal(name, description)
  }

/** How a service writes its errors: a modeled exception, and the fault for anything the operation's model does not list. */
export interface ServiceWire {
  /** The response of a refusal whose name the operation's model lists. */
  error(refusal: Refusal): Response
  /** The response of anything else: a 500 fault of the emulator's. */
  fault(): Response
}

/** An operation as the router sees it: what it may refuse with, how its service writes errors, and its handler. */
export interface Route {
  /** The exceptions the model lists for the operation; a refusal with any other name goes out as a fault. */
  readonly errors: readonly string[]
  /** How its service writes errors. */
  readonly wire: ServiceWire
  /** Answers the request: a JSON body for HTTP 200, or `undefined` for an empty 200. Throws {@link Refusal}s. */
  handle(request: Request, url: URL): unknown
}

/** The response every operation and error shares: JSON, with a fresh `x-amzn-RequestId`. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-RequestId': crypto.randomUUID(), ...headers },
  })

/** An empty HTTP 200 (an operation without output, such as Logout), with its `x-amzn-RequestId`. */
export const empty = (): Response => new Response(null, { status: 200, headers: { 'x-amzn-RequestId': crypto.randomUUID() } })

/** An error as AWS services send one: `status`, `x-amzn-ErrorType: <name>:<namespace>`, and the service's JSON `body`. */
export const errorResponse = (status: number, name: string, namespace: string, body: object): Response =>
  json(status, body, { 'x-amzn-ErrorType': `${name}:${namespace}` })

/** UTF-8 bytes of `text`. */
export const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text)

/** `bytes` random bytes as base64url (no padding): the emulator's ids, secrets, codes and tokens. */
export const randomToken = (bytes = 32): string => base64url(random(bytes))

/** `n` random bytes. */
export const random = (n: number): Uint8Array<ArrayBuffer> => crypto.getRandomValues(new Uint8Array(n))

/** Standard base64 (`+`, `/`, `=` padding), as AWS writes secret keys and session tokens. */
export const base64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes))

/** The SHA-256 digest of `text` (UTF-8). */
export const sha256 = async (text: string): Promise<Uint8Array> => new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(text)))

/** Lower-case hex of `bytes`. */
export const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')

/** `text` safe inside HTML. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export { base64url }
