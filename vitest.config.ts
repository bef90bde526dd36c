import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-shared/**/*.test.ts', 'src-renderer/**/*.test.ts', 'src-main/**/*.test.ts', 'scripts/**/*.test.ts'],
    // fixture trees of the boundary checks are inputs of tests, not tests
    exclude: [...configDefaults.exclude, 'scripts/fixtures/**'],
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
  },
});
