import { defineConfig } from 'vitest/config'

// The tests that need a Redis (REDIS_URL): `npm run test:redis`. `npm test` leaves them out.
export default defineConfig({
  test: {
    include: ['test/redis/**/*.test.ts'],
  },
})
