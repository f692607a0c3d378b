// A clock keeps the fixed TimeZone offset it read at its handshake: after a DST change, or when an admin
// gives it another zone, it is sent CHECK so it reads the new offset (protocol.md §8.3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { api, approvedClock } from './talking-clock.ts';

let t: TestReceiver;

beforeAll(async () => {
  t = await startTestReceiver({ clockAt: '2025-10-26T00:30:00Z' }); // 02:30 CEST in Paris
});
afterAll(() => t.close());

describe('zone offset changes', () => {
  it('after the autumn DST change the clock is sent CHECK once, and its handshake gets the new TimeZone', async () => {
    const clock = await approvedClock(t, 'DSTCLOCK001');
    expect(await clock.poll()).toEqual([]);
    t.clock.set!('2025-10-26T01:10:00Z'); // 02:10 CET: the offset went from +2 to +1
    const [check] = await clock.poll();
    expect(check!.command).toBe('CHECK');
    t.clock.set!('2025-10-26T01:10:10Z');
    expect(await clock.poll()).toEqual([]);
    await clock.answer(`ID=${check!.id}&Return=0&CMD=CHECK\n`);
    expect((await clock.handshake()).split('\n')).toContain('TimeZone=1');
    t.clock.set!('2025-10-26T01:10:20Z');
    expect(await clock.poll()).toEqual([]);
  });

  it('a new zone set by an admin sends CHECK; the same zone again sends nothing', async () => {
    t.clock.set!('2025-10-26T02:00:00Z');
    const clock = await approvedClock(t, 'ZONECLOCK01');
    await clock.poll();
    const patched = await api(t, 'PATCH', '/zkteco/api/devices/ZONECLOCK01', { body: { timezone: 'America/New_York' } });
    expect(patched.body.timezone).toBe('America/New_York');
    expect((await clock.poll()).map((c) => c.command)).toEqual(['CHECK']);
    await api(t, 'PATCH', '/zkteco/api/devices/ZONECLOCK01', { body: { timezone: 'America/New_York' } });
    expect(await clock.poll()).toEqual([]);
    expect((await api(t, 'PATCH', '/zkteco/api/devices/ZONECLOCK01', { body: { timezone: 'Mars/Olympus' } })).status).toBe(400);
  });
});
