import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-shared/**/*.test.ts', 'src-renderer/**/*.test.ts', 'src-main/**/*.test.ts', 'scripts/**/*.test.ts', 'e2e/fixtures/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
  },
});
