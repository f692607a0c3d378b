// Time zones (contract, "Time zones and set-up"), on a VPS in UTC with DEVICE_TIMEZONE unset: a clock is
// never told a zone nobody chose and never moved by CHECK; the offset it shows is measured and a mismatch
// flagged; approval takes a zone that held punches are read in; a zone set later re-reads punches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureSn, loadFixtures, type Fixture } from '../support/fixtures.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { api, approvedClock, credentials, TalkingClock } from './talking-clock.ts';

let t: TestReceiver;
const NOW = Date.parse('2025-12-07T07:31:00Z'); // 08:31 in Paris, 07:31 on the server
const fixture = (name: string) => loadFixtures().find((f) => f.name === name)!;

beforeAll(async () => {
  t = await startTestReceiver({ env: { DEVICE_TIMEZONE: '' }, serverZone: 'UTC', clockAt: new Date(NOW).toISOString() });
});
afterAll(() => t.close());

const timeZoneLines = (reply: string) => reply.split('\n').filter((l) => l.startsWith('TimeZone='));
const deviceRow = async (sn: string) => (await api(t, 'GET', '/zkteco/api/devices')).body.items.find((d: { sn: string }) => d.sn === sn);
const utcOf = async (sn: string) =>
  Object.fromEntries((await api(t, 'GET', `/zkteco/api/attendance?device_sn=${sn}`)).body.items.map((p: { user_id: string; timestamp: string; utc: string }) => [`${p.user_id} ${p.timestamp}`, p.utc]));

/** Real-time punches: each made `secondsOff` from UTC on the clock and received 4 s later. */
async function punchLive(clock: TalkingClock, secondsOff: number, count = 3) {
  for (let i = 0; i < count; i++) {
    const madeAt = NOW + i * 60_000;
    t.clock.set!(new Date(madeAt + 4_000).toISOString());
    const local = new Date(madeAt + secondsOff * 1000).toISOString().slice(0, 19).replace('T', ' ');
    await clock.punches([[String(i + 1), local]]);
    await t.receiver.services.drift.settled();
  }
}

/** An ATTLOG upload with no Stamp, as the fixtures' handshake expects none recorded. */
const postAttlog = (sn: string, lines: string[]) =>
  fetch(`${t.url}/iclock/cdata?SN=${sn}&table=ATTLOG`, { method: 'POST', body: lines.map((l) => `${l}\t0\t1\t0\t0\t0\n`).join('') }).then((r) => r.text());

async function expectFixtureHandshake(f: Fixture) {
  t.clock.set!(f.context.now_utc);
  const reply = await rawRequest(t.url, { method: f.method, url: f.url, httpVersion: f.http_version, headers: f.headers });
  expect(reply.status).toBe(f.expect.status);
  const lines = reply.text.split('\n');
  for (const pattern of f.expect.reply_line_patterns ?? []) expect(lines.some((l) => new RegExp(pattern).test(l)), pattern).toBe(true);
}

describe('a clock whose zone nobody chose', () => {
  it('a Paris clock is told no TimeZone and gets no CHECK; it is flagged with the offset it shows, which its handshake then keeps', async () => {
    const clock = await approvedClock(t, 'PARIS00001');
    expect(timeZoneLines(await clock.handshake())).toEqual([]);
    const time = () => fetch(`${t.url}/iclock/cdata?SN=PARIS00001&type=time`).then((r) => r.text());
    expect(await time()).toBe('OK');

    await punchLive(clock, 3600);
    expect(await deviceRow('PARIS00001')).toMatchObject({ timezone: 'UTC', timezone_source: 'server', zone_mismatch: true, observed_offset: '+01:00', drift_seconds: -4 });
    expect(await clock.poll()).toEqual([]);
    expect(timeZoneLines(await clock.handshake())).toEqual(['TimeZone=1']);
    expect(await time()).toBe('Time=2025-12-07T08:33:04+01:00');

    const live = await fetch(`${t.url}/employees/attendance/live/data`, { headers: credentials('admin') }).then((r) => r.json());
    expect(live.devices.find((d: { sn: string }) => d.sn === 'PARIS00001')).toMatchObject({ zoneMismatch: true, observedOffset: '+01:00' });
  });

  it('a clock five minutes slow is shown as such but not set from here', async () => {
    const clock = await approvedClock(t, 'SLOWUTC001');
    await punchLive(clock, -300);
    expect(await deviceRow('SLOWUTC001')).toMatchObject({ zone_mismatch: false, observed_offset: '+00:00', drift_seconds: -304 });
    expect(await clock.poll()).toEqual([]);
  });
});

describe('choosing the zone', () => {
  const half = fixture('handshake-half-hour-zone');
  const sn = fixtureSn(half);

  it('approval takes a name and a zone: held punches are read in it, and the handshake (fixture handshake-half-hour-zone) tells it', async () => {
    t.clock.set!(half.context.now_utc);
    expect(await postAttlog(sn, ['1\t2025-12-07 12:55:00', '2\t2025-12-07 13:00:00'])).toBe('OK:2');
    expect((await api(t, 'POST', `/zkteco/api/devices/${sn}/approve`, { body: { colour: 'red' } })).status).toBe(400);
    expect((await deviceRow(sn)).state).toBe('pending');

    const approved = await api(t, 'POST', `/zkteco/api/devices/${sn}/approve`, { body: { name: 'Pune gate', timezone: half.context.device_timezone } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ state: 'approved', name: 'Pune gate', timezone: 'Asia/Kolkata', timezone_source: 'device', held_uploads_applied: 1 });
    expect(await utcOf(sn)).toEqual({ '1 2025-12-07 12:55:00': '2025-12-07T07:25:00.000Z', '2 2025-12-07 13:00:00': '2025-12-07T07:30:00.000Z' });
    await expectFixtureHandshake(half);
    expect((await new TalkingClock(t, sn).poll()).map((c) => c.command)).toEqual(['CHECK']);
  });

  it('a zone an admin sets is told with the offset in force (fixture handshake-dst-summer: TimeZone=2 in July)', async () => {
    const summer = fixture('handshake-dst-summer');
    expect((await api(t, 'PATCH', `/zkteco/api/devices/${fixtureSn(summer)}`, { body: { timezone: summer.context.device_timezone } })).status).toBe(200);
    await expectFixtureHandshake(summer);
  });

  it("approve first, zone later (the old README's order): reinterpret_from re-reads that clock's punches from then on", async () => {
    t.clock.set!(new Date(NOW).toISOString());
    const sn = 'LATEZONE01';
    expect(await postAttlog(sn, ['1\t2025-12-06 17:00:00', '1\t2025-12-07 08:00:00', '2\t2025-12-07 08:05:00'])).toBe('OK:3');
    expect((await api(t, 'POST', `/zkteco/api/devices/${sn}/approve`)).status).toBe(200);
    // An API punch with its own offset keeps its instant whatever the clock's zone.
    await api(t, 'POST', '/zkteco/api/attendance', { body: { user_id: 3, timestamp: '2025-12-07T09:00:00+01:00', punch_type: 'in', device_sn: sn } });
    expect(await utcOf(sn)).toMatchObject({ '1 2025-12-07 08:00:00': '2025-12-07T08:00:00.000Z', '3 2025-12-07 08:00:00': '2025-12-07T08:00:00.000Z' });

    for (const [body, field] of [
      [{ reinterpret_from: '2025-12-07 00:00:00' }, 'reinterpret_from'],
      [{ timezone: 'Europe/Paris', reinterpret_from: 'yesterday' }, 'reinterpret_from'],
      [{ timezone: 'Europe/Paris', colour: 'red' }, 'colour'],
    ] as const) {
      const refused = await api(t, 'PATCH', `/zkteco/api/devices/${sn}`, { body });
      expect(refused.status).toBe(400);
      expect(refused.body.message.startsWith(field)).toBe(true);
    }
    expect((await deviceRow(sn)).timezone_source).toBe('server');

    const patched = await api(t, 'PATCH', `/zkteco/api/devices/${sn}`, { body: { timezone: 'Europe/Paris', reinterpret_from: '2025-12-07 00:00:00' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ timezone: 'Europe/Paris', reinterpreted_from: '2025-12-07 00:00:00', reinterpreted: 2 });
    expect(await utcOf(sn)).toEqual({
      '1 2025-12-06 17:00:00': '2025-12-06T17:00:00.000Z',
      '1 2025-12-07 08:00:00': '2025-12-07T07:00:00.000Z',
      '2 2025-12-07 08:05:00': '2025-12-07T07:05:00.000Z',
      '3 2025-12-07 08:00:00': '2025-12-07T08:00:00.000Z',
    });
    const again = await api(t, 'PATCH', `/zkteco/api/devices/${sn}`, { body: { timezone: 'Europe/Paris', reinterpret_from: '2025-12-06' } });
    expect(again.body.reinterpreted).toBe(1);
  });
});
