/**
 * The environment for a spawned test process: this one's, without any `AWS_*` variable of the developer's shell
 * (a profile, an endpoint, `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`), so that what a test sets is all that applies.
 */
export const cleanEnv = (extra: Record<string, string> = {}): Record<string, string> => {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('AWS_')) env[key] = value
  return { ...env, ...extra }
}
