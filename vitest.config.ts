import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The database is migrated once here; each file gets its own copy of it (test/support/database.ts).
    globalSetup: ['test/support/global-setup.ts'],
    // One worker more than there are cores: many files spend part of their time waiting on another
    // process (a receiver, a relay, a retry timer), and the extra worker fills those waits. Measured on this
    // project's 2 cores: 2 workers 130 s, 3 workers 101 s, 4 workers 109 s. At most 8 (about 1 GB each).
    maxWorkers: Math.min(8, availableParallelism() + 1),
    pool: 'forks',
    // A worker process runs file after file, its modules loaded once (each file still starts its own
    // receivers and databases): about 3 s of CPU saved per file on these machines.
    isolate: false,
    // WebAssembly (PGlite's Postgres, Prisma's query compiler) runs on V8's baseline compiler only: the
    // optimising tier costs more CPU than a test's short queries win back (suite: about 10% less CPU).
    execArgv: ['--liftoff-only'],
  },
});
