// What a shop relies on: a punch acknowledged is stored once, whatever is resent, malformed or held.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/raw-http.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';

const SN = 'SHOP0001';
let t: TestReceiver;

beforeAll(async () => {
  t = await startTestReceiver({ env: { DEVICE_SERIALS: `${SN},SHOP0002` } });
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.database.withSession((s) => s.exec('TRUNCATE punches, uploads, commands, employees, devices RESTART IDENTITY CASCADE'));
});

const upload = (sn: string, body: string | Buffer, extra: Record<string, string> = {}) =>
  request(t.url).post(`/iclock/cdata?SN=${sn}&table=ATTLOG&Stamp=9999`).set(extra).send(Buffer.isBuffer(body) ? body : Buffer.from(body));
const punches = (sn = SN) => t.database.prisma.punch.findMany({ where: { deviceSn: sn }, orderBy: { id: 'asc' } });

describe('device uploads', () => {
  it('a re-sent upload stores nothing new and is acknowledged again', async () => {
    const body = '1\t2025-12-07 08:30:15\t0\t1\t0\t0\t0\n2\t2025-12-07 08:31:00\t1\t1\t0\t0\t0\n';
    expect((await upload(SN, body)).text).toBe('OK:2');
    expect((await upload(SN, body)).text).toBe('OK:2');
    expect(await punches()).toHaveLength(2);
    expect(await t.database.prisma.upload.count({ where: { sn: SN } })).toBe(2);
  });

  it('the same punch through the API and through the clock is one row', async () => {
    await request(t.url).get(`/iclock/cdata?SN=${SN}&options=all`).expect(200);
    const api = await request(t.url).post('/zkteco/api/attendance').auth(t.token, { type: 'bearer' }).send({ user_id: 1, timestamp: '2025-12-07 08:30:15', punch_type: 'in' });
    expect(api.status).toBe(201);
    expect(api.body.punches[0].device_sn).toBe(SN);
    expect((await upload(SN, '1\t2025-12-07 08:30:15\t0\t1\t0\t0\t0\n')).text).toBe('OK:1');
    const rows = await punches();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.source).toBe('api');
    const again = await request(t.url).post('/zkteco/api/attendance').auth(t.token, { type: 'bearer' }).send({ user_id: '1', timestamp: '2025-12-07T07:30:15Z', punch_type: 'in', device_sn: SN });
    expect(again.status).toBe(200);
    expect(again.body.already_stored).toBe(1);
  });

  it('converts with the device zone, across a DST change, and keeps the local time as received', async () => {
    await upload(SN, '1\t2025-10-26 01:59:59\t0\t1\n1\t2025-10-26 02:30:00\t1\t1\n1\t2025-10-26 03:00:00\t0\t1\n1\t2025-03-30 02:30:00\t0\t1\n');
    const rows = await punches();
    expect(rows.map((p) => [p.localTime, p.instant.toISOString()])).toEqual([
      ['2025-10-26 01:59:59', '2025-10-25T23:59:59.000Z'],
      ['2025-10-26 02:30:00', '2025-10-26T00:30:00.000Z'],
      ['2025-10-26 03:00:00', '2025-10-26T02:00:00.000Z'],
      ['2025-03-30 02:30:00', '2025-03-30T01:30:00.000Z'],
    ]);
    await request(t.url).patch(`/zkteco/api/devices/${SN}`).auth(t.token, { type: 'bearer' }).send({ timezone: 'America/New_York' }).expect(200);
    await upload(SN, '9\t2025-07-01 09:00:00\t0\t1\n');
    expect((await punches()).at(-1)!.instant.toISOString()).toBe('2025-07-01T13:00:00.000Z');
    const hello = await request(t.url).get(`/iclock/cdata?SN=${SN}&options=all`);
    expect(hello.text).toMatch(/^TimeZone=-5$/m);
  });

  it('a serial that is not approved is held, acknowledged, not counted, then ingested on approval', async () => {
    const res = await upload('STRANGER1', '5\t2025-12-07 09:00:00\t0\t1\n6\t2025-12-07 09:01:00\t0\t1\n');
    expect(res.status).toBe(200);
    expect(res.text).toBe('OK:2');
    expect(await punches('STRANGER1')).toHaveLength(0);
    const list = await request(t.url).get('/zkteco/api/devices').auth(t.token, { type: 'bearer' }).expect(200);
    // counts.held is punches: two here, then three once a resend brings one new punch and one known.
    expect(list.body.items.find((d: { sn: string }) => d.sn === 'STRANGER1')).toMatchObject({ state: 'pending', counts: { punches: 0, held: 2 } });
    await upload('STRANGER1', '6\t2025-12-07 09:01:00\t0\t1\n7\t2025-12-07 09:02:00\t1\t1\n').expect(200);
    const again = await request(t.url).get('/zkteco/api/devices').auth(t.token, { type: 'bearer' }).expect(200);
    expect(again.body.items.find((d: { sn: string }) => d.sn === 'STRANGER1')).toMatchObject({ counts: { punches: 0, held: 3 } });
    const approved = await request(t.url).post('/zkteco/api/devices/STRANGER1/approve').auth(t.token, { type: 'bearer' }).expect(200);
    expect(approved.body).toMatchObject({ state: 'approved', held_uploads_applied: 2, counts: { punches: 3, held: 0 } });
    expect(await punches('STRANGER1')).toHaveLength(3);
    await request(t.url).post('/zkteco/api/devices/NOPE/approve').auth(t.token, { type: 'bearer' }).expect(404);
  });

  it('a rejected serial is acknowledged and never counted', async () => {
    await upload('STRANGER2', '5\t2025-12-07 09:00:00\t0\t1\n');
    await request(t.url).post('/zkteco/api/devices/STRANGER2/reject').auth(t.token, { type: 'bearer' }).expect(200);
    expect((await upload('STRANGER2', '7\t2025-12-07 09:05:00\t0\t1\n')).text).toBe('OK:1');
    expect(await punches('STRANGER2')).toHaveLength(0);
    expect(await t.database.prisma.upload.count({ where: { sn: 'STRANGER2' } })).toBe(2);
  });

  it('a relay token approves the serial it forwards (on its list); a wrong token is refused with 401 and nothing stored', async () => {
    const wrong = await upload('RELAYED1', '1\t2025-12-07 08:00:00\t0\t1\n', { Authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(await t.database.prisma.upload.count()).toBe(0);
    const ok = await upload('RELAYED1', '1\t2025-12-07 08:00:00\t0\t1\n', { Authorization: `Bearer ${t.token}`, 'X-Relay-Serials': 'OTHER1,RELAYED1', 'X-Relay-Received-At': '2025-12-07T07:00:05Z', 'X-Forwarded-For': '192.168.8.100' });
    expect(ok.text).toBe('OK:1');
    const [row] = await punches('RELAYED1');
    expect(row).toMatchObject({ source: 'relay', receivedAt: new Date('2025-12-07T07:00:05Z') });
    expect((await t.database.prisma.device.findUniqueOrThrow({ where: { sn: 'RELAYED1' } })).ipAddress).toBe('192.168.8.100');
  });

  it('malformed bodies keep their valid lines and the server stays up', async () => {
    const junk = randomBytes(64 * 1024);
    const long = 'x'.repeat(200 * 1024);
    const body = Buffer.concat([
      Buffer.from('1\t2025-12-07 08:00:00\t0\t1\n'),
      junk,
      Buffer.from(`\n${long}\n2\t2025-02-30 08:00:00\t0\t1\n${'7'.repeat(100)}\t2025-12-07 08:00:00\t0\t1\n3\t2025-12-07 08:02:00\t1\t1\n`),
    ]);
    const res = await upload(SN, body);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^OK:\d+$/);
    expect((await punches()).map((p) => p.pin)).toEqual(['1', '3']);
    const journal = await t.database.prisma.upload.findFirstOrThrow({ where: { sn: SN } });
    expect(Buffer.from(journal.body).equals(body)).toBe(true);
    expect(journal.outcome).toBe('partial');
    expect((journal.errors as unknown[]).length).toBeGreaterThanOrEqual(3);
    await request(t.url).get('/healthz').expect(200);
  });

  it('answers devices on every path spelling, HTTP/1.0 included, with a Date header', async () => {
    for (const url of [`/iclock/cdata.aspx?SN=${SN}&options=all`, `//iclock/cdata?SN=${SN}&options=all`, `/iclock/cdata/?sn=${SN}&options=all`]) {
      const reply = await rawRequest(t.url, { method: 'GET', url, httpVersion: '1.0' });
      expect(reply.status).toBe(200);
      expect(reply.text.startsWith(`GET OPTION FROM: ${SN}\n`)).toBe(true);
      expect(reply.headers.date).toMatch(/GMT$/);
      expect(reply.headers['transfer-encoding']).toBeUndefined();
    }
    expect((await request(t.url).get(`/iclock/ping?SN=${SN}`)).text).toBe('OK');
    expect((await request(t.url).post(`/iclock/somethingnew?SN=${SN}`).send(Buffer.from('abc'))).text).toBe('OK');
    expect(await t.database.prisma.upload.count({ where: { path: '/iclock/somethingnew' } })).toBe(1);
  });

  it('remembers stamps per table and echoes them in the next handshake', async () => {
    await request(t.url).post(`/iclock/cdata?SN=${SN}&table=ATTLOG&Stamp=123`).send(Buffer.from('1\t2025-12-07 08:00:00\t0\t1\n'));
    await request(t.url).post(`/iclock/cdata?SN=${SN}&table=OPERLOG&OpStamp=456`).send(Buffer.from('OPLOG 4\t0\t2025-12-07 08:00:05\t0\t0\t0\t0\n'));
    const hello = await request(t.url).get(`/iclock/cdata?SN=${SN}&options=all`);
    expect(hello.text).toMatch(/^ATTLOGStamp=123$/m);
    expect(hello.text).toMatch(/^OPERLOGStamp=456$/m);
  });
});
