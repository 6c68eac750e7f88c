import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto'
import { SignatureV4 } from '@smithy/signature-v4'
import { describe, expect, it, vi } from 'vitest'
import { createTokenWithIAM } from '../src/index'
import { signHeaders } from '../src/sigv4'
import { SUCCESS_BODY, VALID_INPUT, json, recorder } from './support/wire'

/** AWS's SigV4 test suite (aws-sig-v4-test-suite): its credentials, date, region and service. */
const SUITE = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const DATE = '20150830T123600Z'
const SCOPE = 'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request'

const bytes = (data: ArrayBuffer | ArrayBufferView) =>
  ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data)

/** The SHA-256 checksum constructor the AWS SDK's signer takes, over node:crypto. */
class Sha256 {
  private hash: Hash | Hmac
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key = typeof secret === 'string' || secret === undefined ? secret : bytes(secret)
    this.hash = key ? createHmac('sha256', key) : createHash('sha256')
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.hash.update(typeof data === 'string' ? data : bytes(data))
  }
  async digest() {
    return new Uint8Array(this.hash.digest())
  }
  reset() {}
}

describe('SigV4 against AWS\'s published test vectors', () => {
  it.each([
    ['get-vanilla', 'GET', 'https://example.amazonaws.com/', {}, '', 'host;x-amz-date', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
    ['post-vanilla', 'POST', 'https://example.amazonaws.com/', {}, '', 'host;x-amz-date', '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'],
    ['post-vanilla-query', 'POST', 'https://example.amazonaws.com/?Param1=value1', {}, '', 'host;x-amz-date', '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11'],
    ['post-x-www-form-urlencoded', 'POST', 'https://example.amazonaws.com/', { 'content-type': 'application/x-www-form-urlencoded' }, 'Param1=value1', 'content-type;host;x-amz-date', 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a'],
  ])('%s', async (_, method, url, headers, body, signed, signature) => {
    const request = { method, url, headers: new Headers(headers), body }
    await signHeaders(request, SUITE, 'us-east-1', 'service', DATE)
    expect(request.headers.get('authorization')).toBe(
      `AWS4-HMAC-SHA256 Credential=${SCOPE}, SignedHeaders=${signed}, Signature=${signature}`,
    )
    expect(request.headers.get('x-amz-date')).toBe(DATE)
  })
})

describe('createTokenWithIAM', () => {
  const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'SECRET-aws-key', sessionToken: 'SECRET-session' }

  it('sends a request the AWS SDK\'s own SigV4 signer signs identically (service sso-oauth, the client region)', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-29T10:00:00Z'), toFake: ['Date'] })
    try {
      const { fetch, requests } = recorder(() => json(SUCCESS_BODY.CreateTokenWithIAM))
      const result = await createTokenWithIAM(VALID_INPUT.CreateTokenWithIAM, { region: 'eu-west-1', credentials, fetch })
      expect(result).toStrictEqual({ ok: true, value: SUCCESS_BODY.CreateTokenWithIAM })
      const sent = requests[0]!
      expect(sent.url).toBe('https://oidc.eu-west-1.amazonaws.com/token?aws_iam=t')
      expect(sent.headers['x-amz-date']).toBe('20261129T100000Z')
      expect(sent.headers['x-amz-security-token']).toBe('SECRET-session')
      const signedHeaders = /SignedHeaders=([^,]+)/.exec(sent.headers.authorization!)![1]!.split(';')
      expect(signedHeaders).toStrictEqual(['content-type', 'host', 'x-amz-date', 'x-amz-security-token'])

      const url = new URL(sent.url)
      const smithy = new SignatureV4({ service: 'sso-oauth', region: 'eu-west-1', credentials, sha256: Sha256, applyChecksum: false })
      const reference = await smithy.sign(
        {
          method: 'POST',
          protocol: url.protocol,
          hostname: url.hostname,
          path: url.pathname,
          query: { aws_iam: 't' },
          headers: Object.fromEntries(signedHeaders.filter((h) => h !== 'x-amz-date' && h !== 'x-amz-security-token').map((h) => [h, h === 'host' ? url.host : sent.headers[h]!])),
          body: sent.body,
        },
        { signingDate: new Date('2026-11-29T10:00:00Z') },
      )
      expect(sent.headers.authorization).toBe(reference.headers.authorization)
      expect(sent.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE\/20261129\/eu-west-1\/sso-oauth\/aws4_request, /)
    } finally {
      vi.useRealTimers()
    }
  })

  it('takes credentials from an async provider', async () => {
    const { fetch, requests } = recorder(() => json({}))
    const result = await createTokenWithIAM(VALID_INPUT.CreateTokenWithIAM, { region: 'us-east-1', credentials: async () => credentials, fetch })
    expect(result.ok).toBe(true)
    expect(requests[0]!.headers.authorization).toMatch(/Credential=AKIAEXAMPLE\//)
  })

  it.each([
    ['a provider that rejects', async () => Promise.reject(new Error('SECRET-aws-key leaked?')), 'The credentials provider failed'],
    ['a provider that throws', () => { throw new Error('boom') }, 'The credentials provider failed'],
    ['missing keys', { accessKeyId: 'AKIA' }, 'credentials must be { accessKeyId, secretAccessKey, sessionToken? } with non-empty keys'],
    ['empty keys', { accessKeyId: '', secretAccessKey: '' }, 'credentials must be { accessKeyId, secretAccessKey, sessionToken? } with non-empty keys'],
    ['nothing', undefined, 'credentials must be { accessKeyId, secretAccessKey, sessionToken? } with non-empty keys'],
  ])('returns a CredentialsError for %s, and sends nothing', async (_, credentials, message) => {
    const { fetch, requests } = recorder(() => json({}))
    const result = await createTokenWithIAM(VALID_INPUT.CreateTokenWithIAM, { region: 'us-east-1', credentials: credentials as never, fetch })
    expect(result).toStrictEqual({ ok: false, error: { name: 'CredentialsError', message } })
    expect(requests).toHaveLength(0)
  })

  it('needs a region to sign, even with a custom endpoint', async () => {
    const { fetch, requests } = recorder(() => json({}))
    const result = await createTokenWithIAM(VALID_INPUT.CreateTokenWithIAM, { endpoint: 'http://127.0.0.1:9', credentials, fetch })
    expect(result).toStrictEqual({ ok: false, error: { name: 'EndpointError', message: 'Invalid Configuration: Missing Region' } })
    expect(requests).toHaveLength(0)
  })
})
