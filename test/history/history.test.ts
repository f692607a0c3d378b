// The history page's data: any day or range (clock-local dates), search by name or PIN, filter by clock,
// a page at a time, newest first; what a staff session sees.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clockPunches, clockUsers } from '../live/live-support.ts';
import type { TestReceiver } from '../support/receiver.ts';
import { receiverWithStaff, signedIn, STAFF, type Browser } from '../support/session.ts';

let r: TestReceiver;
let staff: Browser;
const zone = 'Europe/Paris';
const day = (offset: number) => DateTime.now().setZone(zone).plus({ days: offset }).toFormat('yyyy-MM-dd');

beforeAll(async () => {
  r = await receiverWithStaff({ DEVICE_SERIALS: 'HIST0001,HIST0002' });
  await clockUsers(r.url, [{ pin: '1', name: 'Ada Lovelace' }, { pin: '2', name: 'Grace Hopper' }], 'HIST0001');
  await clockPunches(r.url, [
    { pin: '1', at: `${day(-1)} 08:01:00`, status: 0 },
    { pin: '1', at: `${day(-1)} 17:02:00`, status: 1 },
    { pin: '2', at: `${day(-2)} 09:00:00`, status: 0 },
  ], 'HIST0001');
  await clockPunches(r.url, [{ pin: '2', at: `${day(-1)} 09:30:00`, status: 0 }], 'HIST0002');
  // 60 punches of one day, for the pages.
  await clockPunches(r.url, Array.from({ length: 60 }, (_, i) => ({ pin: '9', at: `${day(-5)} 10:${String(i).padStart(2, '0')}:00` })), 'HIST0002');
  staff = await signedIn(r.url, STAFF.user, STAFF.password);
});
afterAll(() => r?.close());

const history = async (query: Record<string, string>) => {
  const res = await fetch(`${r.url}/employees/attendance/history/data?${new URLSearchParams(query)}`, { headers: { Cookie: staff.cookie } });
  expect(res.status).toBe(200);
  return res.json();
};

describe('attendance history', () => {
  it("finds yesterday's punches by day, newest first, named, with their clock", async () => {
    const page = await history({ from: day(-1), to: day(-1) });
    expect(page.items.map((p: { localTime: string; name: string; deviceSn: string }) => [p.localTime.slice(11), p.name, p.deviceSn])).toEqual([
      ['17:02:00', 'Ada Lovelace', 'HIST0001'],
      ['09:30:00', 'Grace Hopper', 'HIST0002'],
      ['08:01:00', 'Ada Lovelace', 'HIST0001'],
    ]);
    expect(page.total).toBe(3);
    expect(page.devices.map((d: { sn: string }) => d.sn)).toEqual(['HIST0001', 'HIST0002']);
  });

  it('searches a range by name (any case) or by PIN, and filters by clock', async () => {
    const byName = await history({ from: day(-2), to: day(-1), q: 'grace' });
    expect(byName.items.map((p: { localTime: string }) => p.localTime)).toEqual([`${day(-1)} 09:30:00`, `${day(-2)} 09:00:00`]);
    const byPin = await history({ from: day(-2), to: day(-1), q: '1' });
    expect(byPin.total).toBe(2);
    const oneClock = await history({ from: day(-2), to: day(-1), device_sn: 'HIST0002' });
    expect(oneClock.items.map((p: { pin: string }) => p.pin)).toEqual(['2']);
  });

  it('pages through a busy day 50 at a time', async () => {
    const first = await history({ from: day(-5), to: day(-5) });
    expect([first.total, first.pages, first.items.length]).toEqual([60, 2, 50]);
    expect(first.items[0].localTime).toBe(`${day(-5)} 10:59:00`);
    const second = await history({ from: day(-5), to: day(-5), page: '2' });
    expect(second.items.length).toBe(10);
    expect(second.items.at(-1).localTime).toBe(`${day(-5)} 10:00:00`);
  });

  it('shows void punches (with the reason) and manual ones, marked', async () => {
    const admin = { Authorization: `Bearer ${r.token}`, 'Content-Type': 'application/json' };
    const target = (await history({ from: day(-2), to: day(-2) })).items[0];
    const voided = await fetch(`${r.url}/zkteco/api/attendance/${target.id}/void`, { method: 'POST', headers: admin, body: JSON.stringify({ reason: 'badged for a colleague' }) });
    expect(voided.status).toBe(200);
    const manual = await fetch(`${r.url}/zkteco/api/attendance/manual`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ pin: '2', time: `${day(-2)} 17:00:00`, device_sn: 'HIST0001', punch_type: 'out', reason: 'forgot to badge out' }),
    });
    expect(manual.status).toBe(201);
    const page = await history({ from: day(-2), to: day(-2) });
    expect(page.items.map((p: { localTime: string; void: boolean; voidReason: string | null; source: string }) => [p.localTime.slice(11), p.void, p.voidReason, p.source])).toEqual([
      ['17:00:00', false, null, 'manual'],
      ['09:00:00', true, 'badged for a colleague', 'device'],
    ]);
  });

  it('without dates shows today; a bad date is 400', async () => {
    expect((await history({})).from).toBe(day(0));
    const bad = await fetch(`${r.url}/employees/attendance/history/data?from=yesterday`, { headers: { Cookie: staff.cookie } });
    expect(bad.status).toBe(400);
  });
});
