// Corrections never rewrite history: an admin adds a forgotten punch or voids a wrong one, with a reason,
// and the audit log says who changed what, when, why, before and after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, approvedClock, type Caller } from '../devices/talking-clock.ts';
import { ADMIN, clockPunches, connectLive, LIVE_ENV, shopLocalTime, signIn } from '../live/live-support.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';

let t: TestReceiver;

beforeAll(async () => {
  t = await startTestReceiver({ env: { ...LIVE_ENV, DEVICE_SERIALS: 'FRONT' } });
  await api(t, 'POST', '/zkteco/api/attendance', { body: { user_id: 5, timestamp: '2026-03-02 09:00:00', punch_type: 'in', device_sn: 'FRONT' } });
});
afterAll(() => t.close());

const manual = (body: object, as: Caller = 'admin') => api(t, 'POST', '/zkteco/api/attendance/manual', { body, as });
const voidPunch = (id: string, body: object, as: Caller = 'admin') => api(t, 'POST', `/zkteco/api/attendance/${id}/void`, { body, as });
const audit = async (query = '') => (await api(t, 'GET', `/zkteco/api/audit${query}`)).body.items as Record<string, unknown>[];

describe('manual punches', () => {
  it('201: a punch with source manual, who added it and why; shown by GET /attendance', async () => {
    const res = await manual({ pin: '5', time: '2026-03-02 17:05:00', device_sn: 'FRONT', punch_type: 'out', reason: 'forgot to punch out' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ user_id: '5', timestamp: '2026-03-02 17:05:00', utc: '2026-03-02T16:05:00.000Z', punch_type: 'out', source: 'manual', added_by: 'api-token', reason: 'forgot to punch out', void: false, void_reason: null });
    const listed = (await api(t, 'GET', '/zkteco/api/attendance?user_id=5')).body.items;
    expect(listed[0]).toMatchObject({ id: res.body.id, source: 'manual', void: false });
  });

  it('without device_sn it goes to the shop\'s only clock; the punch type defaults to unknown', async () => {
    const res = await manual({ pin: '6', time: '2026-03-03 08:00:00', reason: 'clock was down' });
    expect(res.body).toMatchObject({ device_sn: 'FRONT', punch_type: 'unknown', source: 'manual' });
  });

  it.each([
    ['no reason', { pin: '5', time: '2026-03-04 08:00:00' }, /^reason: is required/],
    ['a blank reason', { pin: '5', time: '2026-03-04 08:00:00', reason: '   ' }, /^reason: is required/],
    ['no time', { pin: '5', reason: 'x' }, /^time:/],
    ['a time that is no time', { pin: '5', time: '2026-02-30 08:00:00', reason: 'x' }, /^time: must be a device-local time/],
    ['a bad pin', { pin: 'a b', time: '2026-03-04 08:00:00', reason: 'x' }, /^pin:/],
    ['a bad punch type', { pin: '5', time: '2026-03-04 08:00:00', reason: 'x', punch_type: 'lunch' }, /^punch_type:/],
    ['an unknown field', { pin: '5', time: '2026-03-04 08:00:00', reason: 'x', source: 'device' }, /source/],
  ])('400 for %s, and nothing stored', async (_name, body, message) => {
    const res = await manual(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect((await api(t, 'GET', '/zkteco/api/attendance?user_id=5')).body.items.some((p: { timestamp: string }) => p.timestamp === '2026-03-04 08:00:00')).toBe(false);
  });

  it('404 for an unknown clock, 409 for a punch that is already there', async () => {
    expect((await manual({ pin: '5', time: '2026-03-04 08:00:00', device_sn: 'NOPE', reason: 'x' })).status).toBe(404);
    const again = await manual({ pin: '5', time: '2026-03-02 09:00:00', device_sn: 'FRONT', reason: 'x' });
    expect(again.status).toBe(409);
  });

  it.each([['staff', 403], ['none', 401]] as const)('%s: %s', async (as, status) => {
    expect((await manual({ pin: '5', time: '2026-03-05 08:00:00', reason: 'x' }, as)).status).toBe(status);
  });
});

describe('voids', () => {
  it('200: the punch stays stored, marked void with who and why; left out of GET /attendance unless include_void=true', async () => {
    const [target] = (await api(t, 'GET', '/zkteco/api/attendance?user_id=5')).body.items.filter((p: { source: string }) => p.source !== 'manual');
    const res = await voidPunch(target.id, { reason: 'badged for a colleague' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: target.id, void: true, void_reason: 'badged for a colleague', voided_by: 'api-token' });
    const visible = (await api(t, 'GET', '/zkteco/api/attendance?user_id=5')).body.items.map((p: { id: string }) => p.id);
    expect(visible).not.toContain(target.id);
    const all = (await api(t, 'GET', '/zkteco/api/attendance?user_id=5&include_void=true')).body.items;
    expect(all.find((p: { id: string }) => p.id === target.id)).toMatchObject({ void: true, void_reason: 'badged for a colleague', source: 'api' });
    expect((await voidPunch(target.id, { reason: 'again' })).status).toBe(409);
  });

  it('400 without a reason, 404 for an unknown punch, 403 for staff, 401 without credentials', async () => {
    const [p] = (await api(t, 'GET', '/zkteco/api/attendance?user_id=6')).body.items;
    expect((await voidPunch(p.id, {})).status).toBe(400);
    expect((await voidPunch('999999', { reason: 'x' })).status).toBe(404);
    expect((await voidPunch('abc', { reason: 'x' })).status).toBe(404);
    expect((await voidPunch(p.id, { reason: 'x' }, 'staff')).status).toBe(403);
    expect((await voidPunch(p.id, { reason: 'x' }, 'none')).status).toBe(401);
    expect((await api(t, 'GET', '/zkteco/api/attendance?user_id=6')).body.items[0].void).toBe(false);
  });

  it('a voided punch leaves the live page and "who is in", at once and on reload', async () => {
    const cookie = await signIn(t.url, ADMIN.user, ADMIN.password);
    const socket = await connectLive(t.url, { cookie });
    try {
      await clockPunches(t.url, [{ pin: '77', at: shopLocalTime(60), status: 0 }], 'FRONT');
      const snapshot = async () => (await (await fetch(`${t.url}/employees/attendance/live/data`, { headers: { Cookie: cookie } })).json()) as { punches: { id: string; pin: string }[] };
      const shown = (await snapshot()).punches.find((p) => p.pin === '77')!;
      const voided = new Promise<string[]>((resolve) => socket.once('voided', resolve));
      expect((await voidPunch(shown.id, { reason: 'test badge' })).status).toBe(200);
      expect(await voided).toEqual([shown.id]);
      expect((await snapshot()).punches.some((p) => p.pin === '77')).toBe(false);
    } finally {
      socket.close();
    }
  });
});

describe('audit log', () => {
  it('lists manual punches and voids with who, when, why, before and after, newest first', async () => {
    const entries = await audit('?entity=punch');
    expect(entries.length).toBeGreaterThanOrEqual(3);
    const voided = entries.find((e) => e.action === 'punch.void' && e.reason === 'badged for a colleague')!;
    expect(voided).toMatchObject({ actor: 'api-token', actor_kind: 'token', entity: 'punch', before: expect.objectContaining({ void: false }), after: expect.objectContaining({ void: true }) });
    expect(entries.find((e) => e.action === 'punch.manual' && e.reason === 'forgot to punch out')).toMatchObject({ before: null, after: expect.objectContaining({ source: 'manual' }) });
    const times = entries.map((e) => String(e.at));
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('employee edits, device approvals and zone changes, and commands are audited too', async () => {
    await api(t, 'POST', '/zkteco/api/employees', { body: { pin: '40', name: 'Audit Me' } });
    await api(t, 'PATCH', '/zkteco/api/employees/40', { body: { shift: { start: '08:00', end: '16:00' } }, as: 'admin-jwt' });
    await api(t, 'DELETE', '/zkteco/api/employees/40');
    await approvedClock(t, 'BACK01');
    await api(t, 'PATCH', '/zkteco/api/devices/BACK01', { body: { timezone: 'America/New_York' } });
    await api(t, 'POST', '/zkteco/api/devices/BACK01/commands', { body: { command: 'INFO' } });

    const actions = (await audit()).map((e) => `${e.action} ${e.entity_id}`);
    expect(actions).toEqual(expect.arrayContaining(['employee.create 40', 'employee.update 40', 'employee.delete 40', 'device.approve BACK01', 'device.zone BACK01']));
    expect(actions.some((a) => a.startsWith('command.create '))).toBe(true);
    const shift = (await audit('?entity=employee')).find((e) => e.action === 'employee.update')!;
    expect(shift).toMatchObject({ actor: 'u1', actor_kind: 'jwt', before: expect.objectContaining({ shift: null }), after: expect.objectContaining({ shift: { start: '08:00', end: '16:00', grace_minutes: 0 } }) });
    const zone = (await audit('?entity=device')).find((e) => e.action === 'device.zone')!;
    expect(zone).toMatchObject({ before: { timezone: null }, after: { timezone: 'America/New_York' } });
  });

  it('filters by time: a day in the past has nothing, today has everything', async () => {
    expect(await audit('?from=2020-01-01&to=2020-01-02')).toEqual([]);
    const now = new Date();
    const all = await audit();
    expect(await audit(`?from=${encodeURIComponent(new Date(now.getTime() - 3_600_000).toISOString())}`)).toHaveLength(all.length);
  });

  it('pages with next_cursor', async () => {
    const first = (await api(t, 'GET', '/zkteco/api/audit?limit=2')).body;
    expect(first.items).toHaveLength(2);
    const second = (await api(t, 'GET', `/zkteco/api/audit?limit=2&cursor=${first.next_cursor}`)).body;
    expect(second.items[0].id).not.toBe(first.items[1].id);
    expect(Number(second.items[0].id)).toBeLessThan(Number(first.items[1].id));
  });

  it('400 for a bad filter, 403 for staff, 401 without credentials', async () => {
    expect((await api(t, 'GET', '/zkteco/api/audit?entity=planet')).status).toBe(400);
    expect((await api(t, 'GET', '/zkteco/api/audit?from=yesterday')).status).toBe(400);
    expect((await api(t, 'GET', '/zkteco/api/audit', { as: 'staff' })).status).toBe(403);
    expect((await api(t, 'GET', '/zkteco/api/audit', { as: 'none' })).status).toBe(401);
  });
});

describe('shifts on employees', () => {
  it('PATCH sets a shift, null removes it, and the list shows it', async () => {
    await api(t, 'POST', '/zkteco/api/employees', { body: { pin: '50', name: 'Night Worker' } });
    const set = await api(t, 'PATCH', '/zkteco/api/employees/50', { body: { shift: { start: '22:00', end: '06:00', grace_minutes: 10 } } });
    expect(set.status).toBe(200);
    expect(set.body.shift).toEqual({ start: '22:00', end: '06:00', grace_minutes: 10 });
    expect((await api(t, 'GET', '/zkteco/api/employees/50')).body.shift).toEqual({ start: '22:00', end: '06:00', grace_minutes: 10 });
    expect((await api(t, 'PATCH', '/zkteco/api/employees/50', { body: { shift: null } })).body.shift).toBeNull();
  });

  it.each([
    ['a time that is no time', { start: '9am', end: '17:00' }, /^shift\.start: must be a time "HH:MM"/],
    ['24:00', { start: '09:00', end: '24:00' }, /^shift\.end:/],
    ['start equal to end', { start: '09:00', end: '09:00' }, /^shift\.end: must differ from start/],
    ['a negative grace', { start: '09:00', end: '17:00', grace_minutes: -5 }, /^shift\.grace_minutes:/],
    ['an unknown field', { start: '09:00', end: '17:00', lunch: 30 }, /lunch/],
    ['a string', '09:00-17:00', /^shift: must be an object/],
  ])('400 for %s', async (_name, shift, message) => {
    const res = await api(t, 'PATCH', '/zkteco/api/employees/50', { body: { shift } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });
});
