// Issue 14 item 1: an idle getrequest costs no SQL; a command queued through the API still reaches the
// clock on its next poll; contact times reach devices.last_seen_at on the flush timer and at shutdown.
// Statements are counted on the receiver's database client (test/support/statements.ts), only those made
// while it answers a request.
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { statementLog } from '../support/statements.ts';

const SN = 'IDLE0001';
const poll = (t: TestReceiver) => request(t.url).get(`/iclock/getrequest?SN=${SN}`).expect(200);

let t: TestReceiver | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('an idle poll', () => {
  it('costs no SQL after the first, and a command queued through the API is handed out on the next poll', async () => {
    const count = statementLog();
    const { statements } = count;
    // No flush of contact times during the test: its one statement would be the timer's, not a poll's.
    t = await startTestReceiver({ env: { DEVICE_SERIALS: SN, DEVICE_LAST_SEEN_FLUSH_SECONDS: '300' }, wrapDatabase: count.wrap });
    count.watch(t);

    expect((await poll(t)).text).toBe('OK');
    // The first poll reads and writes the device and looks at its queue: the counter sees statements.
    expect(statements.length).toBeGreaterThan(0);
    await t.caughtUp(); // the first poll's own change notification has come back

    statements.length = 0;
    for (let i = 0; i < 5; i++) expect((await poll(t)).text).toBe('OK');
    expect(statements).toEqual([]);

    const queued = await request(t.url).post(`/zkteco/api/devices/${SN}/commands`).set('Authorization', `Bearer ${t.token}`).send({ command: 'INFO' }).expect(201);
    const reply = await poll(t);
    expect(reply.text).toBe(`C:${queued.body.id}:INFO\n`);
    // Sent and not yet answered: kept, not sent again before its answer is due.
    expect((await poll(t)).text).toBe('OK');
    await request(t.url).post(`/iclock/devicecmd?SN=${SN}`).send(`ID=${queued.body.id}&Return=0&CMD=INFO\n`).expect(200);
    const done = await request(t.url).get(`/zkteco/api/devices/${SN}/commands/${queued.body.id}`).set('Authorization', `Bearer ${t.token}`).expect(200);
    expect(done.body.status).toBe('done');

    // Answered: the queue is looked at once more, found empty, and left alone again.
    await poll(t);
    statements.length = 0;
    for (let i = 0; i < 3; i++) await poll(t);
    expect(statements).toEqual([]);
  });

  it('a command another writer queues (a script, another receiver) is handed out once its notification is heard', async () => {
    t = await startTestReceiver({ env: { DEVICE_SERIALS: SN } });
    await poll(t);
    await poll(t);
    const [row] = await t.database.prisma.$queryRaw<{ id: number }[]>`
      INSERT INTO commands (device_sn, command) VALUES (${SN}, 'CHECK') RETURNING id`;
    await t.caughtUp();
    expect((await poll(t)).text).toBe(`C:${row!.id}:CHECK\n`);
  });
});

describe('contact times', () => {
  const lastSeen = async (r: TestReceiver) => (await r.database.prisma.device.findUniqueOrThrow({ where: { sn: SN } })).lastSeenAt?.toISOString();

  it('are kept in memory by a poll, and written at a clean shutdown', async () => {
    t = await startTestReceiver({ env: { DEVICE_SERIALS: SN, DEVICE_LAST_SEEN_FLUSH_SECONDS: '300' }, clockAt: '2026-03-02T08:00:00Z' });
    await poll(t); // first contact: the row is written
    expect(await lastSeen(t)).toBe('2026-03-02T08:00:00.000Z');
    t.clock.set!('2026-03-02T08:00:10Z');
    await poll(t);
    expect(await lastSeen(t)).toBe('2026-03-02T08:00:00.000Z');
    await t.stopReceiver();
    expect(await lastSeen(t)).toBe('2026-03-02T08:00:10.000Z');
  });

  it('reach the database within the flush interval (DEVICE_LAST_SEEN_FLUSH_SECONDS), all clocks in one statement', async () => {
    t = await startTestReceiver({ env: { DEVICE_SERIALS: `${SN},IDLE0002`, DEVICE_LAST_SEEN_FLUSH_SECONDS: '0.2' }, clockAt: '2026-03-02T08:00:00Z' });
    await poll(t);
    await request(t.url).get('/iclock/getrequest?SN=IDLE0002').expect(200);
    t.clock.set!('2026-03-02T08:00:10Z');
    await poll(t);
    await request(t.url).get('/iclock/getrequest?SN=IDLE0002').expect(200);
    // Both clocks' times, read in one query: a flush may fall between the two polls, so wait for both.
    const both = async () =>
      (await t!.database.prisma.device.findMany({ where: { sn: { in: [SN, 'IDLE0002'] } }, orderBy: { sn: 'asc' } })).map((d) => d.lastSeenAt?.toISOString());
    const deadline = Date.now() + 10_000;
    while ((await both()).some((at) => at !== '2026-03-02T08:00:10.000Z') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await both()).toEqual(['2026-03-02T08:00:10.000Z', '2026-03-02T08:00:10.000Z']);
  });

  it('a clock back after more than DEVICE_OFFLINE_SECONDS is written at once (alarms and other receivers see it back)', async () => {
    t = await startTestReceiver({ env: { DEVICE_SERIALS: SN, DEVICE_LAST_SEEN_FLUSH_SECONDS: '300' }, clockAt: '2026-03-02T08:00:00Z' });
    await poll(t);
    t.clock.set!('2026-03-02T08:05:00Z');
    await poll(t);
    expect(await lastSeen(t)).toBe('2026-03-02T08:05:00.000Z');
  });

  it('GET /zkteco/api/devices shows the last contact this receiver heard', async () => {
    t = await startTestReceiver({ env: { DEVICE_SERIALS: SN, DEVICE_LAST_SEEN_FLUSH_SECONDS: '300' }, clockAt: '2026-03-02T08:00:00Z' });
    await poll(t);
    t.clock.set!('2026-03-02T08:00:30Z');
    await poll(t);
    const list = await request(t.url).get('/zkteco/api/devices').set('Authorization', `Bearer ${t.token}`).expect(200);
    expect(list.body.items.find((d: { sn: string }) => d.sn === SN).last_seen).toBe('2026-03-02T08:00:30.000Z');
  });
});
