// Attack: a staff-role JWT posting one punch for an unknown serial used to create that serial approved,
// after which a bare clock pushing with it was counted. Only DEVICE_SERIALS, an admin, or a relay's
// token approve a serial; the API punch is stored under the serial and approves nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { api, TalkingClock } from '../devices/talking-clock.ts';

let t: TestReceiver;

beforeAll(async () => {
  t = await startTestReceiver({ env: { DEVICE_SERIALS: 'LISTED0001' } });
});
afterAll(() => t.close());

const punch = (sn: string | undefined, pin: string) => ({ user_id: pin, timestamp: '2025-12-07 08:30:15', punch_type: 'in', ...(sn ? { device_sn: sn } : {}) });
const deviceRow = async (sn: string) => (await api(t, 'GET', '/zkteco/api/devices')).body.items.find((d: { sn: string }) => d.sn === sn);
const storedFor = async (sn: string) => (await api(t, 'GET', `/zkteco/api/attendance?device_sn=${sn}`)).body.items.map((p: { user_id: string }) => p.user_id);

describe('an API punch for an unknown serial approves nothing', () => {
  it('a staff JWT names a new serial: the punch is stored, the serial stays pending, a bare clock with it is held', async () => {
    const res = await api(t, 'POST', '/zkteco/api/attendance', { body: punch('ROGUE00001', '7'), as: 'staff' });
    expect(res.status).toBe(201);
    expect(res.body.punches[0]).toMatchObject({ device_sn: 'ROGUE00001', user_id: '7', source: 'api' });
    expect(await deviceRow('ROGUE00001')).toMatchObject({ state: 'pending' });

    const rogue = new TalkingClock(t, 'ROGUE00001');
    await rogue.handshake();
    expect(await rogue.punches([['666', '2025-12-07 08:40:00']])).toBe('OK:1');
    expect(await storedFor('ROGUE00001')).toEqual(['7']);
    expect(await deviceRow('ROGUE00001')).toMatchObject({ state: 'pending', counts: { punches: 1, held: 1 } });

    // An admin's approval still works, and ingests what the clock sent meanwhile.
    expect((await api(t, 'POST', '/zkteco/api/devices/ROGUE00001/approve')).status).toBe(200);
    expect((await storedFor('ROGUE00001')).sort()).toEqual(['666', '7']);
  });

  it('a serial in DEVICE_SERIALS named by the API is approved, as the setting says', async () => {
    expect((await api(t, 'POST', '/zkteco/api/attendance', { body: punch('LISTED0001', '9') })).status).toBe(201);
    expect(await deviceRow('LISTED0001')).toMatchObject({ state: 'approved' });
  });
  it('with two approved clocks a punch without device_sn goes to the API pseudo-device, and a clock pushing as "API" is not counted', async () => {
    expect((await api(t, 'POST', '/zkteco/api/attendance', { body: punch(undefined, '8'), as: 'staff' })).status).toBe(201);
    expect(await deviceRow('API')).toMatchObject({ state: 'approved' });
    const fake = new TalkingClock(t, 'API');
    expect(await fake.punches([['667', '2025-12-07 08:41:00']])).toBe('OK:1');
    expect(await storedFor('API')).toEqual(['8']);
    // The devices list marks it, so the clocks page leaves it out.
    expect(await deviceRow('API')).toMatchObject({ pseudo: true });
    expect(await deviceRow('LISTED0001')).toMatchObject({ pseudo: false });
  });

});
