import { defineConfig } from 'vitest/config';

// The live page in a real headless Chromium (Debian's, via playwright-core; no browser download).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
