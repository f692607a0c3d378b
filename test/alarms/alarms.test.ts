// Someone hears within minutes when a clock or a relay stops: one event per change, not one per poll.
import request from 'supertest';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, TEST_JWT_SECRET, type TestReceiver } from '../support/receiver.ts';

const SN = 'ALARM001';
const T0 = '2026-03-02T08:00:00.000Z';
let t: TestReceiver;

beforeAll(async () => {
  t = await startTestReceiver({ env: { DEVICE_SERIALS: SN, DEVICE_OFFLINE_SECONDS: '120' }, clockAt: T0 });
  const hook = await request(t.url)
    .post('/zkteco/api/webhooks')
    .auth(t.token, { type: 'bearer' })
    .send({ url: 'http://127.0.0.1:9/unused', events: ['device.online', 'device.offline', 'relay.offline', 'relay.backlog'] });
  expect(hook.status).toBe(201);
});
afterAll(() => t.close());

const at = (seconds: number) => t.clock.set!(new Date(Date.parse(T0) + seconds * 1000).toISOString());
const events = async () => (await t.database.prisma.webhookDelivery.findMany({ orderBy: { id: 'asc' } })).map((d) => `${d.event} ${JSON.stringify((d.payload as { data: Record<string, unknown> }).data.sn ?? (d.payload as { data: Record<string, unknown> }).data.relay)}`);
const sweep = () => t.receiver.services.alarms.sweep();
const heartbeat = (body: Record<string, unknown>, token = t.token) =>
  request(t.url).post('/zkteco/api/relays/heartbeat').auth(token, { type: 'bearer' }).send({ name: 'shop-pc', version: '0.2.0', queue_depth: 0, oldest_pending_age_s: null, rejected_count: 0, clocks: [{ sn: SN, last_contact: T0 }], ...body });

describe('clock offline and online again', () => {
  it('raises device.offline once after DEVICE_OFFLINE_SECONDS of silence, and device.online once when it is back', async () => {
    at(0);
    await request(t.url).get(`/iclock/getrequest?SN=${SN}`).expect(200);
    await sweep();
    at(60);
    await sweep();
    expect(await events()).toEqual([]);
    at(121);
    await sweep();
    at(300);
    await sweep();
    expect(await events()).toEqual([`device.offline "${SN}"`]);
    await request(t.url).get(`/iclock/getrequest?SN=${SN}`).expect(200);
    await sweep();
    await request(t.url).get(`/iclock/getrequest?SN=${SN}`).expect(200);
    await sweep();
    expect(await events()).toEqual([`device.offline "${SN}"`, `device.online "${SN}"`]);
  });
});

describe('relay reports', () => {
  it('a relay reports with its token; staff read the list; a staff JWT cannot report', async () => {
    at(400);
    const staff = jwt.sign({ sub: 'maria', role: 'staff' }, TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: '5m' });
    expect((await heartbeat({}, staff)).status).toBe(403);
    expect((await heartbeat({ queue_depth: -1 })).status).toBe(400);
    expect((await heartbeat({ name: 'bad\nname' })).status).toBe(400);
    const ok = await heartbeat({ queue_depth: 12, oldest_pending_age_s: 30 });
    expect(ok.status).toBe(200);
    const list = await request(t.url).get('/zkteco/api/relays').auth(staff, { type: 'bearer' });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ name: 'shop-pc', online: true, queue_depth: 12, oldest_pending_age_s: 30, clocks: [{ sn: SN, last_contact: T0 }] }),
    ]);
    await sweep();
  });

  it('raises relay.backlog when the oldest upload waits over 5 minutes, and relay.offline after 2 minutes of silence, once each', async () => {
    at(430);
    await heartbeat({ queue_depth: 500, oldest_pending_age_s: 301 }).expect(200);
    await sweep();
    await sweep();
    at(560);
    await sweep();
    await sweep();
    const relayEvents = (await events()).filter((e) => e.startsWith('relay.'));
    expect(relayEvents).toEqual(['relay.backlog "shop-pc"', 'relay.offline "shop-pc"']);
    const list = await request(t.url).get('/zkteco/api/relays').auth(t.token, { type: 'bearer' });
    expect(list.body.items[0].online).toBe(false);
  });
});

describe('metrics', () => {
  it('GET /metrics needs the token and gives the figures in Prometheus text', async () => {
    expect((await request(t.url).get('/metrics')).status).toBe(401);
    await request(t.url).post(`/iclock/cdata?SN=${SN}&table=ATTLOG&Stamp=1`).send(Buffer.from('5\t2026-03-02 09:00:00\t0\t1\t0\t0\t0\n')).expect(200);
    await request(t.url).post(`/zkteco/api/devices/${SN}/commands`).auth(t.token, { type: 'bearer' }).send({ command: 'INFO' }).expect(201);
    const res = await request(t.url).get('/metrics').auth(t.token, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    const text = res.text;
    expect(text).toMatch(/^zk_punches_stored_total\{source="device"\} 1$/m);
    expect(text).toMatch(/^zk_uploads\{outcome="parsed"\} 1$/m);
    expect(text).toMatch(/^zk_ingest_duration_seconds_count\{table="ATTLOG"\} 1$/m);
    expect(text).toMatch(/^zk_devices_online 1$/m);
    expect(text).toMatch(/^zk_commands\{status="queued"\} 1$/m);
    expect(text).toMatch(/^zk_webhook_deliveries\{status="pending"\} \d+$/m);
    expect(text).toMatch(/^zk_relay_backlog\{relay="shop-pc"\} 500$/m);
  });
});

describe('a clock in another zone than its own', () => {
  it('raises device.zone_mismatch once when its real-time punches show another offset, and again only after it was fixed', async () => {
    const hook = await request(t.url).post('/zkteco/api/webhooks').auth(t.token, { type: 'bearer' }).send({ url: 'http://127.0.0.1:9/unused', events: ['device.zone_mismatch'] });
    expect(hook.status).toBe(201);
    const zoneEvents = async () =>
      (await t.database.prisma.webhookDelivery.findMany({ where: { event: 'device.zone_mismatch' }, orderBy: { id: 'asc' } })).map((d) => (d.payload as { data: Record<string, unknown> }).data);
    // The clock shows UTC (its punch's local time is the UTC time it arrived) while its zone, Paris, is UTC+01:00.
    const punchShowing = async (seconds: number, offsetHours: number) => {
      at(seconds);
      const local = new Date(Date.parse(T0) + seconds * 1000 + offsetHours * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
      await request(t.url).post(`/iclock/cdata?SN=${SN}&table=ATTLOG&Stamp=2`).send(Buffer.from(`9\t${local}\t0\t1\t0\t0\t0\n`)).expect(200);
      await t.receiver.services.drift.settled();
      await sweep();
    };
    // The offset is read from the clock's last five real-time punches (the one nearest its zone counts).
    for (let i = 0; i < 5; i++) await punchShowing(1000 + i * 10, 0);
    await sweep();
    expect(await zoneEvents()).toEqual([expect.objectContaining({ sn: SN, zone: 'Europe/Paris', zone_offset: '+01:00', observed_offset: '+00:00' })]);
    // Set right on the clock: no event; wrong again: one more.
    await punchShowing(1100, 1);
    expect(await zoneEvents()).toHaveLength(1);
    for (let i = 0; i < 5; i++) await punchShowing(1200 + i * 10, 0);
    expect(await zoneEvents()).toHaveLength(2);
  });
});
