/**
 * botocore as a peer (test/botocore-parity.test.ts, test/node.test.ts): test/support/botocore-peer.py run by the
 * first Python that has botocore (the machine's `python3`, or Debian's `/usr/bin/python3` with python3-botocore,
 * which .ci/run installs when neither has it).
 */
import { execFile, execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const SCRIPT = fileURLToPath(new URL('botocore-peer.py', import.meta.url))

let found: { python: string; version: string } | undefined

/** A Python with botocore, and its version; throws, naming what was tried, when there is none. */
export function findBotocore(): { python: string; version: string } {
  if (found) return found
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      const version = execFileSync(python, ['-c', 'import botocore; print(botocore.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
      return (found = { python, version })
    } catch {}
  }
  throw new Error('No Python with botocore (tried python3 and /usr/bin/python3): apt-get install python3-botocore')
}

/** One call of botocore's "sso" client: its method name (snake_case) and its input (the model's member names). */
export interface BotocoreCall {
  method: 'get_role_credentials' | 'list_accounts' | 'list_account_roles' | 'logout'
  input: Record<string, unknown>
}

/** What botocore made of a call: the output, a ClientError's code, message, status and request id, or another exception. */
export type BotocoreResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; error: { code: string; message: string; status: number; requestId: string | undefined } }
  | { ok: false; exception: string; text: string }

/** Runs the peer script with `request` on stdin, in `env` (the caller's environment by default); its JSON answer. */
function peer<T>(request: object, env?: NodeJS.ProcessEnv): Promise<T> {
  const { python } = findBotocore()
  return new Promise((resolve, reject) => {
    const child = execFile(python, [SCRIPT], { env }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout))))
    child.stdin!.end(JSON.stringify(request))
  })
}

/** Makes `calls` in order with one botocore client pointed at `endpoint`. */
export const botocore = (endpoint: string, calls: readonly BotocoreCall[]): Promise<BotocoreResult[]> => peer({ endpoint, calls })

/** The credentials botocore resolves for `profile` in `env` (its SSO provider: the token cache, then GetRoleCredentials). */
export const botocoreCredentials = (profile: string, env: NodeJS.ProcessEnv) =>
  peer<{ method: string; accessKeyId: string; secretAccessKey: string; sessionToken: string }>({ credentials: profile }, env)

/** The SSO token botocore's token provider loads for `profile` in `env`, refreshed (and the cache rewritten) when near expiry. */
export const botocoreToken = (profile: string, env: NodeJS.ProcessEnv) => peer<{ token: string; expiration: string }>({ token: profile }, env)
