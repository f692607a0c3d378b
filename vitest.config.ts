import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file gets its own embedded database; two cores, so keep parallelism modest.
    maxWorkers: 2,
    pool: 'forks',
  },
});
