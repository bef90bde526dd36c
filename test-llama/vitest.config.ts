import { defineConfig } from 'vitest/config';

// `npm run test:llama` only (scripts/test-llama.mjs): slow, needs a llama-server build; not part of `npm test`.
export default defineConfig({
  test: {
    include: ['test-llama/**/*.test.ts'],
    environment: 'node',
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
