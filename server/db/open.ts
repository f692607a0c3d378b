// Opens the database: real Postgres when DATABASE_URL is set, else PGlite (embedded Postgres) in DATA_DIR.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';
import { PrismaClient } from './generated/client.ts';
import type { ChangeSource } from './changes.ts';
import { migrate, readMigrations } from './migrate.ts';
import { pgliteSession, pgSession, type SqlSession } from './sql.ts';

export type Db = PrismaClient;

/** The database did not answer (health check). */
export class DatabaseUnavailable extends Error {
  constructor() {
    super('database does not answer');
  }
}

export interface Database {
  prisma: PrismaClient;
  kind: 'embedded' | 'postgres';
  /** Where the data lives, for the start-up banner (never includes a password). */
  describe: string;
  /** A pg pool on real Postgres (LISTEN/NOTIFY for several receivers); undefined when embedded. */
  pool: pg.Pool | undefined;
  /** Where other writers' changes are heard (server/db/changes.ts). */
  changes: ChangeSource;
  /** Raw SQL on the same database (bench baseline, health check). */
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** Embedded only: keep the database in memory (tests that need no files). */
  inMemory?: boolean;
  /** Embedded only: more PGlite options. Tests pass `loadDataDir` (a dump of a migrated data folder,
   *  for a new database: no initdb; migrations still run, a no-op when it is current) and an already
   *  compiled `pgliteWasmModule`. */
  pglite?: Pick<PGliteOptions, 'loadDataDir' | 'pgliteWasmModule'>;
  /** Told when an idle connection dies (Postgres restarted): the pool reconnects on next use. */
  onConnectionError?: (err: Error) => void;
  /** Real Postgres only: connections in the pool (DATABASE_POOL_SIZE). */
  poolSize?: number;
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres (unparseable URL)';
  }
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const migrations = await readMigrations();
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // Without a listener an idle client's error (server restart, outage) would crash the process.
    pool.on('error', (err) => options.onConnectionError?.(err));
    const client = await pool.connect();
    try {
      await migrate(pgSession(client), migrations);
    } finally {
      client.release();
    }
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    return {
      prisma,
      kind: 'postgres',
      describe: redactUrl(options.databaseUrl),
      pool,
      changes: { kind: 'postgres', connectionString: options.databaseUrl },
      async withSession(fn) {
        const c = await pool.connect();
        try {
          return await fn(pgSession(c));
        } finally {
          c.release();
        }
      },
      async close() {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }
  const dir = path.join(options.dataDir, 'pglite');
  if (!options.inMemory) await mkdir(dir, { recursive: true });
  const lite = await openPglite(options.inMemory ? undefined : dir, options.pglite);
  await migrate(pgliteSession(lite), migrations);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(lite) });
  return {
    prisma,
    kind: 'embedded',
    describe: options.inMemory ? 'embedded Postgres (in memory)' : `embedded Postgres in ${dir}`,
    pool: undefined,
    changes: { kind: 'embedded', lite },
    withSession: (fn) => fn(pgliteSession(lite)),
    async close() {
      await prisma.$disconnect();
      await lite.close();
    },
  };
}

/**
 * PGlite's defaults are sized for a browser tab that owns the machine: 128 MB of shared buffers, and the
 * initdb instance of a first start kept alive. 16 MB of buffers hold a shop's working set (the punch
 * index of months fits); a data folder created now is closed and opened again, which frees initdb's
 * WebAssembly instance. Together: a receiver idling at about 330 MB instead of 470–900 MB.
 */
export const EMBEDDED_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

async function openPglite(dir: string | undefined, more: OpenOptions['pglite']): Promise<PGlite> {
  const options = { ...more, dataDir: dir, startParams: EMBEDDED_START_PARAMS };
  const initdbNow = dir !== undefined && !more?.loadDataDir && !existsSync(path.join(dir, 'PG_VERSION'));
  const lite = await PGlite.create(options);
  if (!initdbNow) return lite;
  await lite.close();
  return PGlite.create(options);
}
