import { createToken, createTokenWithIAM, registerClient, startDeviceAuthorization, type Options } from '../../src/index'
import { CREDENTIALS } from './wire'

type Call = (input: unknown, options: Options) => Promise<{ ok: boolean; value?: unknown; error?: any }>

/** Every operation by its model name, called with any input and options (IAM ones get credentials). */
export const OPERATIONS: Record<string, Call> = {
  RegisterClient: (input, options) => registerClient(input as never, options),
  StartDeviceAuthorization: (input, options) => startDeviceAuthorization(input as never, options),
  CreateToken: (input, options) => createToken(input as never, options),
  CreateTokenWithIAM: (input, options) => createTokenWithIAM(input as never, { credentials: CREDENTIALS, ...options }),
}

export const OPERATION_NAMES = Object.keys(OPERATIONS) as (keyof typeof OPERATIONS & string)[]
