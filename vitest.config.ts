import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // They need a Redis: `npm run test:redis` (vitest.redis.config.ts).
    exclude: ['**/node_modules/**', '**/.git/**', 'test/redis/**'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
})
