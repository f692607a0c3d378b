// What every bench section stands on: its scale, a database (embedded by default, DATABASE_URL when set),
// a receiver on loopback, free ports and percentiles. Loopback only; every run is bounded in count.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { systemClock } from '../server/clock.ts';
import { readConfig } from '../server/config.ts';
import { openDatabase, type Database } from '../server/db/open.ts';
import { createLogger } from '../server/log.ts';
import { startReceiver, type Receiver } from '../server/server.ts';

export const BENCH_TOKEN = 'bench-token-0123456789abcdef';

/** BENCH_SCALE=0.1 runs every section on a tenth of its counts (a quick smoke run). */
export function benchScale(env: NodeJS.ProcessEnv = process.env): number {
  const scale = Number(env.BENCH_SCALE ?? '1');
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1) throw new Error(`BENCH_SCALE must be in (0, 1] (got "${env.BENCH_SCALE}")`);
  return scale;
}

export const scaled = (n: number, scale: number, min = 1) => Math.max(min, Math.round(n * scale));

export interface BenchDatabase {
  database: Database;
  /** Which database the figures come from, for the table and results.json. */
  label: string;
  drop(): Promise<void>;
}

/** A fresh database: embedded Postgres on disk (as `npm start` runs it), or a new database on DATABASE_URL. */
export async function benchDatabase(databaseUrl = process.env.DATABASE_URL): Promise<BenchDatabase> {
  if (!databaseUrl) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'zk-bench-db-'));
    const database = await openDatabase({ databaseUrl: undefined, dataDir: dir });
    return {
      database,
      label: 'embedded Postgres (PGlite, on disk)',
      async drop() {
        await database.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `zk_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: '' });
  return {
    database,
    label: `Postgres at ${url.hostname}:${url.port || 5432} (DATABASE_URL)`,
    async drop() {
      await database.close();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
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

/** A loopback port nothing listens on right now (the relay's upstream while the receiver is "down"). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Nearest-rank percentile of a sample (p in 0–100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
