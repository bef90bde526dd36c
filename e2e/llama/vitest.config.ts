import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:llama` only (scripts/test-llama.mjs): slow, needs a llama-server build; not part of
// `npm test` (its vitest includes src-*/ and scripts/ only; Playwright runs e2e/**/*.spec.ts only).
export default defineConfig({
  // the repository, whichever directory vitest was started from
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['e2e/llama/**/*.test.ts'],
    environment: 'node',
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
