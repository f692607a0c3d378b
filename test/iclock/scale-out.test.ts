// Issue 14 item 6: two receivers on one Postgres, each caching device rows and which clocks have commands.
// A change made through receiver A (approve, zone, rename) is seen by receiver B's next poll once B has
// heard its notification (the bound the README documents); B's own polls between changes cost no SQL.
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { statementLog } from '../support/statements.ts';

const SN = 'SCALE001';
const NOW = '2026-01-15T08:00:00Z';

const started: TestReceiver[] = [];
afterEach(async () => {
  // B first: A owns the database and drops it.
  for (const r of started.reverse()) await r.close();
  started.length = 0;
});

const admin = (r: TestReceiver, method: 'post' | 'patch', path: string, body: object) =>
  request(r.url)[method](`/zkteco/api/devices/${SN}${path}`).set('Authorization', `Bearer ${r.token}`).send(body).expect(200);
const poll = async (r: TestReceiver) => (await request(r.url).get(`/iclock/getrequest?SN=${SN}`).expect(200)).text;
/** The clock asks for the time: the answer carries the offset of the zone the receiver holds for it. */
const timeReply = async (r: TestReceiver) => (await request(r.url).get(`/iclock/cdata?SN=${SN}&type=time`).expect(200)).text;

describe.skipIf(!process.env.DATABASE_URL)('two receivers on one Postgres', () => {
  it('a device approved, moved to another zone and renamed on A is seen by the next poll on B', async () => {
    const a = await startTestReceiver({ clockAt: NOW });
    started.push(a);
    const log = statementLog();
    const b = await startTestReceiver({ clockAt: NOW, shareDatabaseWith: a, wrapDatabase: log.wrap });
    started.push(b);
    log.watch(b);

    // The clock talks to B only: pending, nothing handed out, then polls that cost B nothing.
    expect(await poll(b)).toBe('OK');
    await b.caughtUp();
    expect(await timeReply(b)).toBe('Time=2026-01-15T09:00:00+01:00');
    log.statements.length = 0;
    expect(await poll(b)).toBe('OK');
    expect(log.statements).toEqual([]);

    // Approved on A with a zone: A queues CHECK (the clock must re-read its options).
    await admin(a, 'post', '/approve', { name: 'Front door', timezone: 'Asia/Tokyo' });
    const [check] = await a.database.prisma.command.findMany({ where: { deviceSn: SN } });
    await b.caughtUp();
    expect(await poll(b)).toBe(`C:${check!.id}:CHECK\n`);
    expect(await timeReply(b)).toBe('Time=2026-01-15T17:00:00+09:00');

    // Another zone: B tells the clock the new offset.
    await admin(a, 'patch', '', { timezone: 'America/New_York' });
    await b.caughtUp();
    expect(await timeReply(b)).toBe('Time=2026-01-15T03:00:00-05:00');

    // Renamed: B reads the row again on its next poll, and holds the new name.
    await admin(a, 'patch', '', { name: 'Back door' });
    await b.caughtUp();
    log.statements.length = 0;
    await poll(b);
    expect(log.statements).toContain('Device.findUnique');
    expect((await b.receiver.services.registry.find(SN))?.name).toBe('Back door');

    // Nothing changed since: B's polls are free again.
    log.statements.length = 0;
    await poll(b);
    await poll(b);
    expect(log.statements.filter((s) => s.startsWith('Device.'))).toEqual([]);
  });
});
