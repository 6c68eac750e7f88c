/**
 * Differential tests: the official AWS SDK v3 client and ssooidc, pointed at the same loopback server,
 * send the same requests and read the same error responses the same way.
 */
import {
  CreateTokenCommand,
  CreateTokenWithIAMCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { OPERATIONS, OPERATION_NAMES } from './support/ops'
import { CREDENTIALS, OAUTH_CODE, SUCCESS_BODY, VALID_INPUT, errorsOf, statusOf } from './support/wire'
import { startRecorder, type Recorder } from './support/recorder'

const COMMANDS = {
  RegisterClient: RegisterClientCommand,
  StartDeviceAuthorization: StartDeviceAuthorizationCommand,
  CreateToken: CreateTokenCommand,
  CreateTokenWithIAM: CreateTokenWithIAMCommand,
} as const

let recorder: Recorder
let endpoint: string
let sdk: SSOOIDCClient

beforeAll(async () => {
  recorder = await startRecorder()
  endpoint = recorder.endpoint
  sdk = new SSOOIDCClient({ region: 'us-east-1', endpoint, credentials: CREDENTIALS, maxAttempts: 1 })
})
afterAll(async () => {
  sdk.destroy()
  await recorder.close()
})
beforeEach(() => {
  recorder.received.length = 0
})

type Settled = { ok: boolean; value?: object; error?: unknown }
const sdkSend = (op: keyof typeof COMMANDS): Promise<Settled> =>
  sdk.send(new (COMMANDS[op] as new (input: unknown) => CreateTokenCommand)(VALID_INPUT[op])).then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  )
const oursSend = (op: string) => OPERATIONS[op]!(VALID_INPUT[op as keyof typeof VALID_INPUT], { endpoint, region: 'us-east-1', retry: 0 })

describe.each(OPERATION_NAMES)('%s, beside the AWS SDK v3', (op) => {
  const name = op as keyof typeof COMMANDS

  it('sends the same method, path, content type and JSON body', async () => {
    recorder.answer = { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(SUCCESS_BODY[name]) }
    const theirs = await sdkSend(name)
    const ours = await oursSend(op)
    expect(theirs.ok && ours.ok).toBe(true)
    const [a, b] = recorder.received
    expect({ method: b!.method, url: b!.url, type: b!.headers['content-type'], body: JSON.parse(b!.body) }).toStrictEqual({
      method: a!.method,
      url: a!.url,
      type: a!.headers['content-type'],
      body: JSON.parse(a!.body),
    })
  })

  it('reads the same output', async () => {
    recorder.answer = { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(SUCCESS_BODY[name]) }
    const theirs = await sdkSend(name)
    const ours = await oursSend(op)
    const { $metadata, ...value } = (theirs.value ?? {}) as Record<string, unknown>
    expect(ours.value).toStrictEqual(value)
  })

  describe.each(errorsOf(op))('the modeled %s', (exception) => {
    const forms = {
      'the service wire form': {
        headers: { 'content-type': 'application/json', 'x-amzn-ErrorType': `${exception}:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/`, 'x-amzn-RequestId': 'rid-1' },
        body: { error: OAUTH_CODE[exception], error_description: 'described' },
      },
      'a body `code`': { headers: { 'content-type': 'application/json', 'x-amzn-RequestId': 'rid-1' }, body: { code: exception, error: OAUTH_CODE[exception], error_description: 'described' } },
      'a body `__type`': { headers: { 'content-type': 'application/json', 'x-amzn-RequestId': 'rid-1' }, body: { __type: `com.amazonaws.ssooidc#${exception}`, error: OAUTH_CODE[exception], error_description: 'described' } },
    }
    it.each(Object.keys(forms) as (keyof typeof forms)[])('in %s reads as the same name, status, error, description and request id', async (form) => {
      recorder.answer = { status: statusOf(exception), headers: forms[form].headers, body: JSON.stringify(forms[form].body) }
      const theirs = await sdkSend(name)
      const ours = await oursSend(op)
      expect(theirs.ok || ours.ok).toBe(false)
      const sdkError = theirs.error as { name: string; error?: string; error_description?: string; $metadata: { httpStatusCode: number; requestId?: string } }
      expect(ours.error).toMatchObject({
        name: sdkError.name,
        status: sdkError.$metadata.httpStatusCode,
        error: sdkError.error,
        description: sdkError.error_description,
        requestId: sdkError.$metadata.requestId,
      })
    })
  })
})
