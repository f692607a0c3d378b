// Device health: drift measured from real-time punches against their arrival; a clock off by more than
// a minute gets a set-time command (CHECK) once; online and drift are in the device list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { api, approvedClock, type TalkingClock } from './talking-clock.ts';

let t: TestReceiver;
const NOW = Date.parse('2025-12-07T07:31:00Z'); // 08:31:00 in Paris

beforeAll(async () => {
  t = await startTestReceiver({ clockAt: new Date(NOW).toISOString() });
});
afterAll(() => t.close());

/** Paris local time of `NOW + seconds`. */
const paris = (seconds: number) => {
  const d = new Date(NOW + 3600_000 + seconds * 1000);
  return d.toISOString().slice(0, 19).replace('T', ' ');
};

async function punchLive(clock: TalkingClock, pin: string, atSeconds: number, clockOffsetSeconds: number) {
  t.clock.set!(new Date(NOW + atSeconds * 1000).toISOString());
  await clock.punches([[pin, paris(atSeconds + clockOffsetSeconds)]]);
  await t.receiver.services.drift.settled();
}

const deviceRow = async (sn: string) => (await api(t, 'GET', '/zkteco/api/devices')).body.items.find((d: { sn: string }) => d.sn === sn);

describe('clock drift', () => {
  it('a clock two seconds behind shows -2 and gets no command; a backlog batch does not count', async () => {
    const clock = await approvedClock(t, 'DRIFTOK0001');
    for (let i = 0; i < 3; i++) await punchLive(clock, String(i), i * 10, -2);
    await clock.punches(Array.from({ length: 10 }, (_, i) => [String(100 + i), `2025-12-06 1${i % 10}:00:00`] as [string, string]));
    await t.receiver.services.drift.settled();
    expect(await deviceRow('DRIFTOK0001')).toMatchObject({ drift_seconds: -2, online: true });
    expect(await clock.poll()).toEqual([]);
  });

  it('a clock five minutes behind gets one set-time command (CHECK) after three punches agree', async () => {
    const clock = await approvedClock(t, 'DRIFTSLOW01');
    await punchLive(clock, '1', 0, -300);
    expect((await deviceRow('DRIFTSLOW01')).drift_seconds).toBe(-300);
    expect(await clock.poll()).toEqual([]);
    await punchLive(clock, '2', 10, -300);
    await punchLive(clock, '3', 20, -301);
    await punchLive(clock, '4', 30, -300);
    expect((await clock.poll()).map((c) => c.command)).toEqual(['CHECK']);
    await punchLive(clock, '5', 40, -300);
    expect(await clock.poll()).toEqual([]);
  });

  it('a clock ahead shows a positive drift, back to zero once its time is right', async () => {
    const clock = await approvedClock(t, 'DRIFTFAST01');
    for (let i = 0; i < 3; i++) await punchLive(clock, String(i), i * 10, 180);
    expect((await deviceRow('DRIFTFAST01')).drift_seconds).toBe(180);
    const [check] = await clock.poll();
    await clock.answer(`ID=${check!.id}&Return=0&CMD=CHECK\n`);
    await punchLive(clock, '9', 60, 0);
    expect((await deviceRow('DRIFTFAST01')).drift_seconds).toBe(0);
  });

  it('a clock silent for more than a minute is offline, with its last contact shown', async () => {
    t.clock.set!(new Date(NOW).toISOString());
    await approvedClock(t, 'DRIFTQUIET1');
    t.clock.set!(new Date(NOW + 61_000).toISOString());
    expect(await deviceRow('DRIFTQUIET1')).toMatchObject({ online: false, last_seen: new Date(NOW).toISOString(), drift_seconds: null });
  });
});
