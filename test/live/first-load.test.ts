// The live page's first load: a page of the newest punches, who is in, the day's count; older pages on
// demand, chained to the end with nothing missed or shown twice.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LivePunch, LiveSnapshot, PunchPage } from '../../server/live/events.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { clockPunches, clockUsers, LIVE_ENV, shopLocalTime, signIn } from './live-support.ts';

let r: TestReceiver;
let cookie: string;
const PUNCHES = 450;

beforeAll(async () => {
  r = await startTestReceiver({ env: LIVE_ENV });
  cookie = await signIn(r.url);
  await clockUsers(r.url, [{ pin: 'p1', name: 'Ana' }]);
  // 150 employees, three punches each (in, out, in) a second apart, in one upload per employee batch.
  const punches = Array.from({ length: PUNCHES }, (_, i) => {
    const employee = i % 150;
    const round = Math.floor(i / 150);
    return { pin: `p${employee}`, at: shopLocalTime(PUNCHES - i + 5), status: round === 1 ? 1 : 0 };
  });
  for (let i = 0; i < punches.length; i += 150) expect((await clockPunches(r.url, punches.slice(i, i + 150))).status).toBe(200);
  // pin p0 punched out last, in a late upload of an older punch: still out.
  await clockPunches(r.url, [{ pin: 'p0', at: shopLocalTime(PUNCHES + 300), status: 0 }]);
  await clockPunches(r.url, [{ pin: 'p0', at: shopLocalTime(2), status: 1 }]);
});
afterAll(() => r?.close());

const data = (query = '') => request(r.url).get(`/employees/attendance/live/data${query}`).set('Cookie', cookie);

describe('the first load', () => {
  it('holds the newest page, the count, who is in and each last punch', async () => {
    const res = await data();
    expect(res.status).toBe(200);
    const snapshot = res.body as LiveSnapshot;
    expect(snapshot.total).toBe(PUNCHES + 2);
    expect(snapshot.punches).toHaveLength(200);
    expect(snapshot.more).toBe(true);
    const instants = snapshot.punches.map((p) => p.instant);
    expect([...instants].sort().reverse()).toEqual(instants);
    expect(snapshot.punches[0]).toMatchObject({ pin: 'p0', punchType: 'out', deviceSn: 'LIVE0001', verifyLabel: 'fingerprint', source: 'device' });
    expect(snapshot.maxId).toBe(String(Math.max(...snapshot.punches.map((p) => Number(p.id)))));
    // Everyone's third punch is an "in", but p0's last is an "out".
    expect(snapshot.present.map((p) => p.pin).sort()).toEqual(Array.from({ length: 149 }, (_, i) => `p${i + 1}`).sort());
    expect(snapshot.present.find((p) => p.pin === 'p1')).toMatchObject({ name: 'Ana', punchType: 'in' });
    expect(Object.keys(snapshot.lastAt)).toHaveLength(150);
    expect(snapshot.lastAt.p0).toBe(snapshot.punches[0]!.instant);
  });

  it('older pages follow one another to the end, nothing missed, nothing twice', async () => {
    const first = (await data()).body as LiveSnapshot;
    const seen: LivePunch[] = [...first.punches];
    let more = first.more;
    while (more) {
      const oldest = seen[seen.length - 1]!;
      const res = await data(`?before=${encodeURIComponent(`${oldest.instant}_${oldest.id}`)}`);
      expect(res.status).toBe(200);
      const page = res.body as PunchPage;
      seen.push(...page.punches);
      more = page.more;
    }
    expect(seen).toHaveLength(PUNCHES + 2);
    expect(new Set(seen.map((p) => p.id)).size).toBe(PUNCHES + 2);
  });

  it('a cursor that is not one is a clear 400', async () => {
    const res = await data('?before=yesterday');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/before must be <instant>_<id>/);
  });

  it('a voided punch leaves the count and who is in', async () => {
    const snapshot = (await data()).body as LiveSnapshot;
    const p5 = snapshot.present.find((p) => p.pin === 'p5')!;
    const csrf = await request(r.url).get('/employees/attendance/live').set('Cookie', cookie);
    const token = /name="csrf-token" content="([^"]+)"/.exec(csrf.text)?.[1];
    const voided = await request(r.url)
      .post(`/zkteco/api/attendance/${p5.id}/void`)
      .set('Cookie', cookie)
      .set('X-CSRF-Token', token ?? '')
      .send({ reason: 'pressed twice' });
    expect(voided.status).toBe(200);
    const after = (await data()).body as LiveSnapshot;
    expect(after.total).toBe(snapshot.total - 1);
    expect(after.present.find((p) => p.pin === 'p5')).toBeUndefined();
  });
});
