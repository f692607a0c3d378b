// Journal replay after a parser fix: `POST /zkteco/api/uploads/reparse` and `npm run reparse` read the
// journal again, store what is missing, store nothing twice, and say what they did.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../server/db/open.ts';
import { seedDataDir } from '../support/database.ts';
import { childEnv } from '../support/processes.ts';
import { startTestReceiver, TEST_JWT_SECRET, type TestReceiver } from '../support/receiver.ts';

const SN = 'REPLAY001';
const OTHER = 'REPLAY002';
let t: TestReceiver;

beforeAll(async () => {
  t = await startTestReceiver({ env: { DEVICE_SERIALS: `${SN},${OTHER}` } });
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.database.withSession((s) => s.exec('TRUNCATE punches, uploads, commands, employees, devices RESTART IDENTITY CASCADE'));
});

const upload = (sn: string, body: string) => request(t.url).post(`/iclock/cdata?SN=${sn}&table=ATTLOG&Stamp=1`).send(Buffer.from(body)).expect(200);
const reparse = (body: object) => request(t.url).post('/zkteco/api/uploads/reparse').auth(t.token, { type: 'bearer' }).send(body);
/** What an older parser left behind: the journal holds the upload, the punches table does not. */
const forgetPunches = () => t.database.withSession((s) => s.exec('DELETE FROM punches'));

describe('POST /zkteco/api/uploads/reparse', () => {
  it('stores the punches missing from journaled uploads, reports them, and stores nothing new the second time', async () => {
    await upload(SN, '1\t2025-12-07 08:00:00\t0\t1\n2\t2025-12-07 08:01:00\t1\t1\nnot a punch\n');
    await upload(SN, '3\t2025-12-07 09:00:00\t0\t1\n');
    await upload(OTHER, '4\t2025-12-07 09:00:00\t0\t1\n');
    await forgetPunches();
    await t.database.prisma.punch.create({ data: { deviceSn: SN, pin: '3', localTime: '2025-12-07 09:00:00', instant: new Date('2025-12-07T08:00:00Z'), punchType: 'in', source: 'api' } });

    const first = await reparse({ sn: SN }).expect(200);
    expect(first.body).toEqual({ uploads: 2, punches_added: 2, lines_rejected: 1 });
    expect(await t.database.prisma.punch.count({ where: { deviceSn: SN } })).toBe(3);
    expect(await t.database.prisma.punch.count({ where: { deviceSn: OTHER } })).toBe(0);

    expect((await reparse({ sn: SN })).body).toEqual({ uploads: 2, punches_added: 0, lines_rejected: 1 });
    expect((await reparse({})).body).toEqual({ uploads: 3, punches_added: 1, lines_rejected: 1 });
  });

  it('takes a received_at range (ISO with an offset, or dates)', async () => {
    await upload(SN, '1\t2025-12-07 08:00:00\t0\t1\n');
    await forgetPunches();
    expect((await reparse({ from: '2000-01-01', to: '2000-12-31' })).body).toEqual({ uploads: 0, punches_added: 0, lines_rejected: 0 });
    const now = new Date();
    const range = { from: new Date(now.getTime() - 3_600_000).toISOString(), to: new Date(now.getTime() + 3_600_000).toISOString().replace('Z', '+00:00') };
    expect((await reparse(range)).body).toEqual({ uploads: 1, punches_added: 1, lines_rejected: 0 });
  });

  it.each([
    [{ sn: 'A\u0000' }, 'sn'],
    [{ from: 'yesterday' }, 'from'],
    [{ from: '2025-12-08', to: '2025-12-07' }, 'to'],
    [{ serial: SN }, 'serial'],
  ])('%j is a 400 naming the field', async (body, field) => {
    const res = await reparse(body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(field);
  });

  it('is for admins only', async () => {
    await request(t.url).post('/zkteco/api/uploads/reparse').send({}).expect(401);
    const staff = jwt.sign({ sub: 'maria', role: 'staff' }, TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: '5m' });
    await request(t.url).post('/zkteco/api/uploads/reparse').auth(staff, { type: 'bearer' }).send({}).expect(403);
  });
});

describe('npm run reparse', () => {
  it('re-applies the journal of a stopped receiver and prints the report', { timeout: 240_000 }, async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zk-reparse-'));
    try {
      const databaseUrl = t.database.kind === 'postgres' ? (process.env.DATABASE_URL ?? '') : '';
      // Embedded: a database on disk (copied from the migrated template) the command can open once we have
      // closed it; Postgres: the test's own.
      if (!databaseUrl) await seedDataDir(dataDir, inject('databaseTemplate'));
      const db = databaseUrl ? t.database : await openDatabase({ databaseUrl: undefined, dataDir });
      const url = databaseUrl ? (await t.database.withSession((s) => s.query<{ db: string }>('SELECT current_database() AS db')))[0]!.db : '';
      await db.withSession((s) =>
        s.exec(`INSERT INTO devices (sn, state) VALUES ('${SN}', 'approved') ON CONFLICT (sn) DO UPDATE SET state = 'approved';
          INSERT INTO uploads (sn, table_name, method, path, query, body, via, outcome)
          VALUES ('${SN}', 'ATTLOG', 'POST', '/iclock/cdata', 'SN=${SN}&table=ATTLOG', convert_to(E'7\\t2025-12-07 08:00:00\\t0\\t1\\n\\t\\n', 'UTF8'), 'device', 'partial')`),
      );
      if (!databaseUrl) await db.close();
      const target = databaseUrl ? Object.assign(new URL(databaseUrl), { pathname: `/${url}` }).toString() : '';
      // Only what the command needs: never the developer's environment, nor the repository's .env (npm runs it there).
      const env = childEnv({ DOTENV_CONFIG_PATH: path.join(dataDir, 'no.env'), DATA_DIR: dataDir, DATABASE_URL: target, LOG_LEVEL: 'warn', API_TOKENS: t.token });
      const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'reparse', '--', '--sn', SN], { env, cwd: path.resolve(import.meta.dirname, '../..') });
      expect(stdout).toContain('1 punch(es) added');
      expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ uploads: 1, punches_added: 1, lines_rejected: 0 });
      const check = databaseUrl ? t.database : await openDatabase({ databaseUrl: undefined, dataDir });
      expect(await check.prisma.punch.count({ where: { deviceSn: SN, pin: '7' } })).toBe(1);
      if (!databaseUrl) await check.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
