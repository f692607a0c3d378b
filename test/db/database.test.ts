// The database layer: migrations recorded as Prisma records them, and no OK when nothing was stored.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR, readMigrations } from '../../server/db/migrate.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';

describe('migrations', () => {
  let t: TestReceiver;
  beforeAll(async () => {
    t = await startTestReceiver();
  });
  afterAll(() => t.close());

  it("are recorded in _prisma_migrations with Prisma's sha256 checksum, once", async () => {
    const migrations = await readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    const rows = await t.database.withSession((s) =>
      s.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
        'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
      ),
    );
    const first = migrations[0]!;
    const sql = await readFile(path.join(MIGRATIONS_DIR, first.name, 'migration.sql'));
    expect(rows[0]).toMatchObject({ migration_name: first.name, checksum: createHash('sha256').update(sql).digest('hex'), applied_steps_count: 1 });
    expect(rows.every((r) => r.finished_at)).toBe(true);
    expect(await t.database.withSession((s) => migrate(s, migrations))).toEqual([]);
  });

  it('refuse to start when an applied migration was edited', async () => {
    const migrations = (await readMigrations()).map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await expect(t.database.withSession((s) => migrate(s, migrations))).rejects.toThrow(/was changed after it was applied/);
  });
});

describe('database unreachable', () => {
  it('an upload that cannot be journaled is answered 503, never OK; healthz says 503', async () => {
    const t = await startTestReceiver({ env: { DEVICE_SERIALS: 'DOWN1' } });
    try {
      await request(t.url).get('/iclock/cdata?SN=DOWN1&options=all').expect(200);
      await t.cutOffDatabase();
      const res = await request(t.url).post('/iclock/cdata?SN=DOWN1&table=ATTLOG&Stamp=1').send(Buffer.from('1\t2025-12-07 08:00:00\t0\t1\n'));
      expect(res.status).toBe(503);
      expect(res.text).not.toMatch(/^OK/);
      expect((await request(t.url).get('/healthz')).status).toBe(503);
    } finally {
      await t.close();
    }
  });
});
