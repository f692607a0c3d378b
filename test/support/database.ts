// A fresh database per test file: embedded PGlite in memory by default; with DATABASE_URL set (CI on
// real Postgres), a new database created on that server and dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../server/db/open.ts';

export interface TestDatabase {
  database: Database;
  databaseUrl: string | undefined;
  /** Makes the database unreachable for the app, as an outage would (connections cut, new ones refused). */
  cutOff(): Promise<void>;
  drop(): Promise<void>;
}

export async function freshDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const database = await openDatabase({ databaseUrl: undefined, dataDir: '', inMemory: true });
    let closed = false;
    return {
      database,
      databaseUrl: undefined,
      async cutOff() {
        closed = true;
        await database.close();
      },
      drop: () => (closed ? Promise.resolve() : database.close()),
    };
  }
  const name = `zk_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: '' });
  return {
    database,
    databaseUrl: url.toString(),
    async cutOff() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      await c.end();
    },
    async drop() {
      await database.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
