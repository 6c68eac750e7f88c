/**
 * One process of test/node-race.test.ts: waits for the common start instant (epoch ms in START_AT), calls
 * `getSsoToken({ profile })` with the user's environment (HOME, AWS_CONFIG_FILE, AWS_ENDPOINT_URL_SSO_OIDC) and
 * prints one JSON line with what it got. Bundled with esbuild at test time.
 */
import { getSsoToken } from '../../src/node/index'

const at = Number(process.env.START_AT)
await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())))
const result = await getSsoToken({ profile: process.env.PROFILE ?? 'dev' })
console.log(
  JSON.stringify(
    result.ok
      ? { ok: true, accessToken: result.value.token.accessToken, expiresAt: result.value.token.expiresAt }
      : { ok: false, error: result.error.name, message: result.error.message },
  ),
)
