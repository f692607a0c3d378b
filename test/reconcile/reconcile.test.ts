// A shop owner sees each day's count check: the clock says it holds N punches for yesterday and we hold
// N, or we fetched the missing ones by ourselves, or we say plainly what is missing.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../simulate/clock.ts';
import { makeUsers, type SimPunch } from '../../simulate/records.ts';
import { TalkingClock } from '../devices/talking-clock.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';

const SIM = 'RECON001';
const BARE = 'RECON002';
let t: TestReceiver;

beforeAll(async () => {
  // 2026-12-02 09:00 in Paris: yesterday is 2026-12-01, and RECONCILE_AT (02:30) has passed.
  t = await startTestReceiver({ env: { DEVICE_SERIALS: `${SIM},${BARE}`, RECONCILE_AT: '02:30' }, clockAt: '2026-12-02T08:00:00.000Z' });
  await request(t.url)
    .post('/zkteco/api/webhooks')
    .auth(t.token, { type: 'bearer' })
    .send({ url: 'http://127.0.0.1:9/unused', events: ['reconciliation.gap'] })
    .expect(201);
});
afterAll(() => t.close());

const admin = (method: 'get' | 'post', path: string) => request(t.url)[method](path).auth(t.token, { type: 'bearer' });
const day = (date: string, pins: string[], hours: number[]): SimPunch[] =>
  pins.flatMap((pin) => hours.map((h) => ({ pin, time: `${date} ${String(h).padStart(2, '0')}:00:00`, status: h < 12 ? 0 : 1, verify: 1 })));
const reconciliations = async (sn: string) => (await admin('get', `/zkteco/api/devices/${sn}/reconciliations`)).body.items;
/** The check of one day (the daily timer may add yesterday's row at any moment, so never "the first row"). */
const checkOf = async (sn: string, date: string) => (await reconciliations(sn)).find((r: { date: string }) => r.date === date);

describe('count check against the simulated clock', () => {
  let clock: SimulatedClock;
  const pins = makeUsers(3, 100).map((u) => u.pin);

  beforeAll(async () => {
    clock = new SimulatedClock({ url: t.url, sn: SIM, retry: { attempts: 2, delayMs: 20 } });
    await clock.handshake();
  });

  it('a day fully stored is a match', async () => {
    await clock.uploadPunches(day('2026-11-29', pins, [8, 17]));
    const started = await admin('post', `/zkteco/api/devices/${SIM}/reconcile`).send({ date: '2026-11-29' });
    expect(started.status).toBe(202);
    expect(started.body.command_id).toEqual(expect.any(Number));
    await clock.pollOnce();
    expect(await checkOf(SIM, '2026-11-29')).toMatchObject({ date: '2026-11-29', device_count: 6, stored_count: 6, recovered: 0, status: 'match' });
  });

  it('uploads dropped on the way are noticed and fetched back by themselves', async () => {
    await clock.uploadPunches(day('2026-11-30', pins, [8, 12]));
    // Three more punches the clock believes were delivered: the uploads were lost on the way.
    const lost = day('2026-11-30', pins, [17]);
    clock.memory.record(lost);
    clock.memory.markAcknowledged(lost.length);
    await admin('post', `/zkteco/api/devices/${SIM}/reconcile`).send({ date: '2026-11-30' }).expect(202);
    await clock.pollOnce(); // answers VERIFY SUM: 9
    expect(await checkOf(SIM, '2026-11-30')).toMatchObject({ date: '2026-11-30', device_count: 9, stored_count: 6, status: 'pending' });
    await clock.pollOnce(); // answers DATA QUERY ATTLOG for the day: its whole log of the day again
    expect(await checkOf(SIM, '2026-11-30')).toMatchObject({ date: '2026-11-30', device_count: 9, stored_count: 9, recovered: 3, status: 'recovered' });
    const stored = await t.database.prisma.punch.count({ where: { deviceSn: SIM, localTime: { startsWith: '2026-11-30 17:' } } });
    expect(stored).toBe(3);
  });

  it('each approved clock is checked for yesterday once RECONCILE_AT has passed, once', async () => {
    await t.receiver.services.reconciler.tick();
    await t.receiver.services.reconciler.tick();
    const verify = await t.database.prisma.command.findMany({ where: { deviceSn: SIM, command: { startsWith: 'VERIFY SUM ATTLOG StartTime=2026-12-01 00:00:00' } } });
    expect(verify).toHaveLength(1);
    const rows = await t.database.prisma.reconciliation.findMany({ where: { date: '2026-12-01' }, orderBy: { deviceSn: 'asc' } });
    // RECON002 is approved by DEVICE_SERIALS but has never called in yet: there is no clock to ask.
    expect(rows.map((r) => [r.deviceSn, r.requestedBy, r.status])).toEqual([[SIM, 'schedule', 'pending']]);
  });
});

describe('clocks that cannot be checked, and real gaps', () => {
  let bare: TalkingClock;

  beforeAll(() => {
    bare = new TalkingClock(t, BARE);
  });

  it('a firmware that does not know VERIFY SUM is unsupported, not an error', async () => {
    await bare.handshake();
    const started = await admin('post', `/zkteco/api/devices/${BARE}/reconcile`).send({ date: '2026-11-28' });
    const id = started.body.command_id;
    const lines = await bare.poll();
    expect(lines.find((l) => l.id === String(id))?.command).toBe('VERIFY SUM ATTLOG StartTime=2026-11-28 00:00:00\tEndTime=2026-11-28 23:59:59');
    await bare.answer(`ID=${id}&Return=-1002&CMD=VERIFY`);
    expect((await reconciliations(BARE)).find((r: { date: string }) => r.date === '2026-11-28')).toMatchObject({ status: 'unsupported', device_count: null });
  });

  it('a shortfall the clock cannot fill is a gap, raised once as reconciliation.gap', async () => {
    await request(t.url).post(`/iclock/cdata?SN=${BARE}&table=ATTLOG&Stamp=1`).send(Buffer.from('9\t2026-11-27 08:00:00\t0\t1\n9\t2026-11-27 17:00:00\t1\t1\n')).expect(200);
    const started = await admin('post', `/zkteco/api/devices/${BARE}/reconcile`).send({ date: '2026-11-27' });
    await bare.poll();
    await bare.answer(`ID=${started.body.command_id}&Return=0&CMD=VERIFY SUM&AttlogSum=5`);
    expect((await reconciliations(BARE)).find((r: { date: string }) => r.date === '2026-11-27')).toMatchObject({ status: 'pending', device_count: 5, stored_count: 2 });
    const query = (await bare.poll()).find((l) => l.command.startsWith('DATA QUERY ATTLOG'));
    expect(query?.command).toBe('DATA QUERY ATTLOG StartTime=2026-11-27 00:00:00\tEndTime=2026-11-27 23:59:59');
    await bare.answer(`ID=${query!.id}&Return=0&CMD=DATA`);
    // Uploads answering the query may still be on their way: not a gap yet.
    expect((await reconciliations(BARE)).find((r: { date: string }) => r.date === '2026-11-27').status).toBe('pending');
    t.clock.set!('2026-12-02T08:01:00.000Z');
    const row = (await reconciliations(BARE)).find((r: { date: string }) => r.date === '2026-11-27');
    expect(row).toMatchObject({ status: 'gap', device_count: 5, stored_count: 2, recovered: 0 });
    await reconciliations(BARE);
    const gaps = await t.database.prisma.webhookDelivery.findMany({ where: { event: 'reconciliation.gap' } });
    expect(gaps).toHaveLength(1);
    expect((gaps[0]!.payload as { data: unknown }).data).toMatchObject({ sn: BARE, date: '2026-11-27', device_count: 5, stored_count: 2 });
  });

  it('the routes need an admin, a known clock and a real date', async () => {
    expect((await request(t.url).post(`/zkteco/api/devices/${BARE}/reconcile`).send({})).status).toBe(401);
    expect((await admin('post', '/zkteco/api/devices/NOPE/reconcile').send({})).status).toBe(404);
    expect((await admin('post', `/zkteco/api/devices/${BARE}/reconcile`).send({ date: '2026-02-30' })).status).toBe(400);
    expect((await admin('get', '/zkteco/api/devices/NOPE/reconciliations')).status).toBe(404);
  });
});
