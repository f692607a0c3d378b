// Starts the real receiver on port 0 with a real database, for tests that speak HTTP to it.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { inject } from 'vitest';
import { fixedClock, systemClock, type Clock } from '../../server/clock.ts';
import { readConfig, type Config } from '../../server/config.ts';
import type { Database } from '../../server/db/open.ts';
import { createLogger } from '../../server/log.ts';
import { startReceiver, type Receiver } from '../../server/server.ts';
import { openDatabase } from '../../server/db/open.ts';
import { freshDatabase, type TestDatabase } from './database.ts';

export const TEST_TOKEN = 'test-token-0123456789abcdef';
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef';

export interface TestReceiver {
  url: string;
  receiver: Receiver;
  database: Database;
  config: Config;
  clock: Clock & { set?(iso: string): void };
  token: string;
  /** Every change committed so far (also behind the receiver's back) has reached its caches. */
  caughtUp(): Promise<void>;
  /** Stops the receiver (as a clean shutdown does) and keeps the database for the test to read. */
  stopReceiver(): Promise<void>;
  /** The database goes away under the running receiver (an outage). */
  cutOffDatabase(): Promise<void>;
  close(): Promise<void>;
}

/**
 * env: receiver settings (strings as in the environment; `DEVICE_TIMEZONE: ''` leaves it unset); clockAt pins
 * the clock (fixtures' now_utc); serverZone: the zone the server runs in (default: this process's).
 * log: a logger of the test's own (to read what the receiver logs); default silent unless TEST_LOG_LEVEL.
 * listen: where it listens (default 127.0.0.1, port 0).
 */
export async function startTestReceiver(
  options: {
    env?: Record<string, string>;
    clockAt?: string;
    serverZone?: string;
    log?: Logger;
    listen?: { port: number; host: string };
    /** The database as the receiver sees it (a test that counts its statements wraps its client). */
    wrapDatabase?: (database: Database) => Database;
    /** Another receiver's database: both serve one Postgres (DATABASE_URL runs only). */
    shareDatabaseWith?: TestReceiver;
  } = {},
): Promise<TestReceiver> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zk-recv-'));
  const config = readConfig({
    API_TOKENS: TEST_TOKEN,
    JWT_SECRET: TEST_JWT_SECRET,
    DEVICE_TIMEZONE: 'Europe/Paris',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // The daily count check would queue commands in tests that count them; its own test turns it on.
    RECONCILE_AT: 'off',
    ...options.env,
  }, options.serverZone);
  const shared = options.shareDatabaseWith;
  const db = shared ? await sharedDatabase(shared) : await freshDatabase({ template: inject('databaseTemplate') });
  const clock = options.clockAt ? fixedClock(options.clockAt) : systemClock;
  const log = options.log ?? createLogger(config.logLevel);
  const seen = options.wrapDatabase?.(db.database) ?? db.database;
  const receiver = await startReceiver({ config, database: seen, clock, log }, options.listen ?? { port: 0, host: '127.0.0.1' });
  const caughtUp = () => receiver.services.changes.caughtUp();
  let stopped: Promise<void> | undefined;
  return {
    url: receiver.url,
    receiver,
    // What a test writes with raw SQL (TRUNCATE between tests) reaches the receiver's caches before it goes on.
    database: { ...db.database, withSession: async (fn) => db.database.withSession(fn).finally(caughtUp) },
    config,
    clock,
    token: TEST_TOKEN,
    caughtUp,
    stopReceiver: () => (stopped ??= receiver.close()),
    cutOffDatabase: () => db.cutOff(),
    async close() {
      stopped ??= receiver.close();
      await stopped;
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A second connection pool on the database of a running test receiver (real Postgres only). */
async function sharedDatabase(other: TestReceiver): Promise<Pick<TestDatabase, 'database' | 'cutOff' | 'drop'>> {
  const url = other.database.pool?.options.connectionString;
  if (!url) throw new Error('shareDatabaseWith needs real Postgres (DATABASE_URL)');
  const database = await openDatabase({ databaseUrl: url, dataDir: '' });
  return { database, cutOff: () => other.cutOffDatabase(), drop: () => database.close() };
}
