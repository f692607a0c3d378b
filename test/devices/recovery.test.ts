// Missed punches come back: an admin asks for a day, or the receiver asks by itself after an outage;
// the clock's answer goes through the same idempotent ingest and only the missing punches are new.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { api, approvedClock } from './talking-clock.ts';

let t: TestReceiver;
const START = '2025-12-07T07:31:00Z';

beforeAll(async () => {
  t = await startTestReceiver({ clockAt: START });
});
afterAll(() => t.close());

const storedTimes = async (sn: string) =>
  (await t.database.prisma.punch.findMany({ where: { deviceSn: sn }, orderBy: [{ localTime: 'asc' }, { pin: 'asc' }] })).map((p) => `${p.pin}@${p.localTime}`);

describe('recovery asked by an admin', () => {
  it('queues a DATA QUERY ATTLOG for the day and stores exactly the punches that were missing', async () => {
    t.clock.set!(START);
    const clock = await approvedClock(t, 'RECOVER0001');
    const clockLog: [string, string][] = [
      ['7', '2025-12-06 08:01:00'],
      ['8', '2025-12-06 08:02:30'],
      ['7', '2025-12-06 12:00:10'],
      ['8', '2025-12-06 17:30:00'],
    ];
    // Two of the day's four punches arrived; the other two were lost on the way.
    await clock.punches([clockLog[0]!, clockLog[2]!]);

    const asked = await api(t, 'POST', '/zkteco/api/devices/RECOVER0001/recover', { body: { from: '2025-12-06', to: '2025-12-06' } });
    expect(asked.status).toBe(202);
    const id = asked.body.command_id as number;
    expect(await clock.poll()).toEqual([{ id: String(id), command: 'DATA QUERY ATTLOG StartTime=2025-12-06 00:00:00\tEndTime=2025-12-06 23:59:59' }]);

    expect(await clock.punches(clockLog, `&Count=4&PackCnt=1&PackIdx=1&CmdId=${id}`)).toBe('OK:4');
    await clock.answer(`ID=${id}&Return=0&CMD=DATA\n`);

    expect(await storedTimes('RECOVER0001')).toEqual(clockLog.map(([pin, time]) => `${pin}@${time}`));
    const outcome = (await api(t, 'GET', `/zkteco/api/devices/RECOVER0001/commands/${id}`)).body;
    expect(outcome).toMatchObject({ status: 'done', return_code: 0, recovered: 2, returned_lines: 4, answer_uploads: 1 });
  });

  it('takes exact device-local times too, and a second answer of the same range recovers nothing more', async () => {
    const clock = await approvedClock(t, 'RECOVER0002');
    const asked = await api(t, 'POST', '/zkteco/api/devices/RECOVER0002/recover', { body: { from: '2025-12-06T13:00:00', to: '2025-12-06 14:00:00' } });
    const id = asked.body.command_id as number;
    expect((await clock.poll())[0]!.command).toBe('DATA QUERY ATTLOG StartTime=2025-12-06 13:00:00\tEndTime=2025-12-06 14:00:00');
    await clock.punches([['3', '2025-12-06 13:05:00']], `&CmdId=${id}`);
    await clock.punches([['3', '2025-12-06 13:05:00']], `&CmdId=${id}`);
    await clock.answer(`ID=${id}&Return=0&CMD=DATA\n`);
    expect((await api(t, 'GET', `/zkteco/api/devices/RECOVER0002/commands/${id}`)).body).toMatchObject({ recovered: 1, returned_lines: 2 });
    expect(await storedTimes('RECOVER0002')).toEqual(['3@2025-12-06 13:05:00']);
  });

  it('names the wrong field (400) and refuses an unknown serial (404)', async () => {
    await approvedClock(t, 'RECOVER0003');
    const bad = await api(t, 'POST', '/zkteco/api/devices/RECOVER0003/recover', { body: { from: 'yesterday', to: '2025-12-06' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^from:/);
    const backwards = await api(t, 'POST', '/zkteco/api/devices/RECOVER0003/recover', { body: { from: '2025-12-07', to: '2025-12-06' } });
    expect(backwards.status).toBe(400);
    expect(backwards.body.message).toMatch(/^to:/);
    const missing = await api(t, 'POST', '/zkteco/api/devices/RECOVER0003/recover', { body: { from: '2025-12-06' } });
    expect(missing.body.message).toMatch(/^to:/);
    expect((await api(t, 'POST', '/zkteco/api/devices/NOSUCHCLOCK/recover', { body: { from: '2025-12-06', to: '2025-12-06' } })).status).toBe(404);
  });

  it('refuses the API pseudo-device: it is no clock, nothing would ever answer', async () => {
    // Two approved clocks: a punch without device_sn goes to the pseudo-device API.
    await approvedClock(t, 'RECOVER0004');
    await api(t, 'POST', '/zkteco/api/attendance', { body: { user_id: 1, timestamp: '2025-12-06 08:00:00', punch_type: 'in' } });
    expect((await t.database.prisma.device.findUnique({ where: { sn: 'API' } }))?.state).toBe('approved');
    const recover = await api(t, 'POST', '/zkteco/api/devices/API/recover', { body: { from: '2025-12-06', to: '2025-12-06' } });
    expect(recover.status).toBe(409);
    expect(recover.body.error).toBe('not_a_clock');
    expect((await api(t, 'POST', '/zkteco/api/devices/API/commands', { body: { command: 'INFO' } })).status).toBe(409);
    expect(await t.database.prisma.command.count({ where: { deviceSn: 'API' } })).toBe(0);
  });
});

describe('recovery after an outage', () => {
  it('a clock back after more than an hour offline is asked for its log over the silence (device-local times)', async () => {
    t.clock.set!('2025-12-07T07:00:00Z'); // 08:00 in Paris
    const clock = await approvedClock(t, 'OUTAGE0001');
    await clock.poll();
    t.clock.set!('2025-12-07T10:30:00Z'); // back at 11:30 Paris
    const commands = await clock.poll();
    expect(commands.map((c) => c.command)).toEqual(['DATA QUERY ATTLOG StartTime=2025-12-07 07:55:00\tEndTime=2025-12-07 11:30:00']);

    // The clock answers with what it punched while offline; the next contact asks nothing more.
    const id = commands[0]!.id;
    await clock.punches([['21', '2025-12-07 09:15:00'], ['22', '2025-12-07 09:16:00']], `&CmdId=${id}`);
    await clock.answer(`ID=${id}&Return=0&CMD=DATA\n`);
    t.clock.set!('2025-12-07T10:30:20Z');
    expect(await clock.poll()).toEqual([]);
    expect((await api(t, 'GET', `/zkteco/api/devices/OUTAGE0001/commands/${id}`)).body).toMatchObject({ status: 'done', recovered: 2 });
  });

  it('a silence under an hour asks nothing', async () => {
    t.clock.set!('2025-12-07T07:00:00Z');
    const clock = await approvedClock(t, 'OUTAGE0002');
    await clock.poll();
    t.clock.set!('2025-12-07T07:55:00Z');
    expect(await clock.poll()).toEqual([]);
  });
});
