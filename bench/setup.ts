// What every bench section stands on: its scale, a database (embedded by default, DATABASE_URL when set),
// a receiver on loopback, free ports and percentiles. Loopback only; every run is bounded in count.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../server/clock.ts';
import { readConfig } from '../server/config.ts';
import type { Database } from '../server/db/open.ts';
import { createLogger } from '../server/log.ts';
import { startReceiver, type Receiver } from '../server/server.ts';
import { freshDatabase, type DatabaseTemplate, type TestDatabase } from '../test/support/database.ts';

// One toolbox with the tests: free ports and waits come from the test harness.
export { freePort, sleep } from '../test/relay/harness.ts';

export const BENCH_TOKEN = 'bench-token-0123456789abcdef';

/** BENCH_SCALE=0.1 runs every section on a tenth of its counts (a quick smoke run). */
export function benchScale(env: NodeJS.ProcessEnv = process.env): number {
  const scale = Number(env.BENCH_SCALE ?? '1');
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1) throw new Error(`BENCH_SCALE must be in (0, 1] (got "${env.BENCH_SCALE}")`);
  return scale;
}

export const scaled = (n: number, scale: number, min = 1) => Math.max(min, Math.round(n * scale));

/** A database of its own (migrated once per run: see test/support/database.ts): embedded Postgres on
 *  disk, as `npm start` runs it, or a new database on DATABASE_URL. */
export const benchDatabase = (template?: DatabaseTemplate) => freshDatabase({ template, onDisk: true });
export type BenchDatabase = TestDatabase;

/** What a section with a database of its own may be given: a migrated database to copy (the tests' global
 *  setup makes one); without it the section migrates its own. */
export interface BenchDatabaseOptions {
  template?: DatabaseTemplate | undefined;
}

export interface BenchReceiver {
  url: string;
  receiver: Receiver;
  close(): Promise<void>;
}

/** The real receiver on 127.0.0.1 (port 0 unless given), logging nothing, with `serials` approved. */
export async function benchReceiver(database: Database, serials: readonly string[], port = 0): Promise<BenchReceiver> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zk-bench-recv-'));
  const config = readConfig({
    API_TOKENS: BENCH_TOKEN,
    JWT_SECRET: 'bench-jwt-secret-0123456789abcdef',
    DEVICE_TIMEZONE: 'UTC',
    DEVICE_SERIALS: serials.join(','),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
  });
  const receiver = await startReceiver({ config, database, clock: systemClock, log: createLogger('silent') }, { port, host: '127.0.0.1' });
  return {
    url: receiver.url,
    receiver,
    async close() {
      await receiver.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Nearest-rank percentile of a sample (p in 0–100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));

