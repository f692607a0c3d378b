// The journal is a retried queue: an upload the clock was told OK for is applied, by itself, even when the
// database fails between the journal write and the punch insert, or the process stops in between.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { systemClock } from '../../server/clock.ts';
import { readConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { retryDelayMs } from '../../server/ingest/process.ts';
import { startReceiver, type Receiver } from '../../server/server.ts';
import { waitFor } from '../relay/harness.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { TEST_JWT_SECRET, TEST_TOKEN } from '../support/receiver.ts';

const SN = 'QUEUE0001';
/** Generous: a busy machine can take a minute to open a database; the retries themselves take seconds. */
const PATIENCE = 120_000;
const ATTLOG = '1\t2025-12-07 08:00:00\t0\t1\n2\t2025-12-07 08:01:00\t1\t1\n';

const databases: TestDatabase[] = [];
const receivers: Receiver[] = [];
const dirs: string[] = [];

async function receiverOn(db: TestDatabase): Promise<Receiver> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zk-queue-'));
  dirs.push(dataDir);
  const config = readConfig({ API_TOKENS: TEST_TOKEN, JWT_SECRET: TEST_JWT_SECRET, DEVICE_TIMEZONE: 'Europe/Paris', DEVICE_SERIALS: SN, DATA_DIR: dataDir, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const receiver = await startReceiver({ config, database: db.database, clock: systemClock, log: createLogger(config.logLevel) }, { port: 0, host: '127.0.0.1' });
  receivers.push(receiver);
  return receiver;
}

async function database(): Promise<TestDatabase> {
  const db = await freshDatabase({ template: inject('databaseTemplate') });
  databases.push(db);
  return db;
}

/** A real fault on the real database: every INSERT into punches raises, `times` times (a sequence does not roll back). */
async function failPunchInserts(db: TestDatabase, times: number): Promise<void> {
  await db.database.withSession((s) =>
    s.exec(`
      CREATE SEQUENCE IF NOT EXISTS punch_fault_seq;
      CREATE OR REPLACE FUNCTION punch_fault() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('punch_fault_seq') <= ${times} THEN RAISE EXCEPTION 'injected fault: punches unavailable'; END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER punch_fault BEFORE INSERT ON punches FOR EACH STATEMENT EXECUTE FUNCTION punch_fault();`),
  );
}

const upload = (r: Receiver, body = ATTLOG, sn = SN) => request(r.server).post(`/iclock/cdata?SN=${sn}&table=ATTLOG&Stamp=1`).send(Buffer.from(body));
/** The upload once its apply is recorded (the punches commit a moment before the report). */
const appliedUpload = async (db: TestDatabase) => {
  const row = await db.database.prisma.upload.findFirstOrThrow({ where: { sn: SN } });
  return row.outcome === 'parsed' ? row : null;
};
const punchCount = (db: TestDatabase) => db.database.prisma.punch.count({ where: { deviceSn: SN } });

afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
  for (const db of databases.splice(0)) await db.drop();
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('journal replay', { timeout: 4 * PATIENCE }, () => {
  it('an upload whose punch insert fails is acknowledged, then its punches arrive by themselves', async () => {
    const db = await database();
    const receiver = await receiverOn(db);
    await failPunchInserts(db, 1);

    const res = await upload(receiver);
    expect(res.status).toBe(200);
    expect(res.text).toBe('OK:2');
    expect(await punchCount(db)).toBe(0);
    const pending = await db.database.prisma.upload.findFirstOrThrow({ where: { sn: SN } });
    expect(pending).toMatchObject({ outcome: 'received', attempts: 1, lastError: expect.stringContaining('injected fault') });
    expect(pending.nextAttemptAt!.getTime()).toBeGreaterThan(pending.receivedAt.getTime());

    const applied = await waitFor('the retried upload applied', () => appliedUpload(db), PATIENCE);
    expect(applied).toMatchObject({ outcome: 'parsed', attempts: 2, lastError: null, nextAttemptAt: null, linesTaken: 2 });
    const stored = await db.database.prisma.punch.findMany({ where: { deviceSn: SN }, orderBy: { pin: 'asc' } });
    expect(stored.map((p) => [p.pin, p.localTime, p.uploadId])).toEqual([
      ['1', '2025-12-07 08:00:00', applied.id],
      ['2', '2025-12-07 08:01:00', applied.id],
    ]);
  });

  it('keeps retrying while the fault lasts, each wait longer than the last', async () => {
    expect([1, 2, 3, 4, 10, 30].map(retryDelayMs)).toEqual([2_000, 4_000, 8_000, 16_000, 900_000, 900_000]);
    const db = await database();
    const receiver = await receiverOn(db);
    await failPunchInserts(db, 2);
    expect((await upload(receiver)).text).toBe('OK:2');
    expect(await waitFor('the third attempt to apply the upload', () => appliedUpload(db), PATIENCE)).toMatchObject({ outcome: 'parsed', attempts: 3 });
    expect(await punchCount(db)).toBe(2);
  });

  it('an upload journaled by a process that stopped before applying it is applied by the next one', async () => {
    const db = await database();
    const first = await receiverOn(db);
    await failPunchInserts(db, 1_000_000);
    expect((await upload(first)).text).toBe('OK:2');
    await first.close();
    receivers.splice(receivers.indexOf(first), 1);
    await db.database.withSession((s) => s.exec('DROP TRIGGER punch_fault ON punches'));
    // Also a row whose owner died mid-apply, lease still running: what kill -9 between the two steps leaves.
    // (On real Postgres another receiver may still hold such a lease, so only an expired one is taken there.)
    const lease = db.databaseUrl ? "now() - interval '1 second'" : "now() + interval '1 minute'";
    await db.database.withSession((s) =>
      s.exec(`INSERT INTO uploads (sn, table_name, method, path, query, body, via, outcome, attempts, next_attempt_at)
        VALUES ('${SN}', 'ATTLOG', 'POST', '/iclock/cdata', 'SN=${SN}&table=ATTLOG', convert_to(E'3\\t2025-12-07 09:00:00\\t0\\t1\\n', 'UTF8'), 'device', 'received', 1, ${lease})`),
    );

    await receiverOn(db);
    await waitFor('both journaled uploads applied', async () => (await db.database.prisma.upload.count({ where: { sn: SN, outcome: 'parsed' } })) === 2, PATIENCE);
    expect(await punchCount(db)).toBe(3);
  });

  it.skipIf(!process.env.DATABASE_URL)('several receivers on one Postgres share the queue: each upload is claimed once', async () => {
    const db = await database();
    await receiverOn(db);
    await db.database.withSession((s) => s.exec(`INSERT INTO devices (sn, state) VALUES ('${SN}', 'approved')`));
    const values = Array.from({ length: 60 }, (_, i) => `('${SN}', 'ATTLOG', 'POST', '/iclock/cdata', '', convert_to(E'${100 + i}\\t2025-12-07 10:00:00\\t0\\t1\\n', 'UTF8'), 'device', 'received', 0, NULL)`);
    await db.database.withSession((s) =>
      s.exec(`INSERT INTO uploads (sn, table_name, method, path, query, body, via, outcome, attempts, next_attempt_at) VALUES ${values.join(',')}`),
    );
    await Promise.all([receiverOn(db), receiverOn(db), ...receivers.map((r) => r.services.ingest.drain())]);
    await waitFor('every upload applied', async () => (await db.database.prisma.upload.count({ where: { sn: SN, outcome: 'parsed' } })) === 60, PATIENCE);
    expect(await punchCount(db)).toBe(60);
    const attempts = await db.database.prisma.upload.groupBy({ by: ['attempts'], _count: true, where: { sn: SN } });
    expect(attempts).toEqual([{ attempts: 1, _count: 60 }]);
  });
});
