// Each admin command travels to the clock on getrequest and is closed by the clock's devicecmd result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { api, approvedClock, TalkingClock } from './talking-clock.ts';

let t: TestReceiver;
const START = '2025-12-07T07:31:00Z';
let serial = 0;
const nextSn = () => `CMDTEST${String(++serial).padStart(4, '0')}`;

beforeAll(async () => {
  t = await startTestReceiver({ clockAt: START });
});
afterAll(() => t.close());

const at = (secondsAfterStart: number) => t.clock.set!(new Date(Date.parse(START) + secondsAfterStart * 1000).toISOString());

async function queue(sn: string, command: string) {
  const res = await api(t, 'POST', `/zkteco/api/devices/${sn}/commands`, { body: { command } });
  expect(res.status).toBe(201);
  expect(res.body.status).toBe('queued');
  return res.body.id as number;
}
const outcome = async (sn: string, id: number) => (await api(t, 'GET', `/zkteco/api/devices/${sn}/commands/${id}`)).body;

describe('command round trip through getrequest and devicecmd', () => {
  it.each([
    ['INFO', 'INFO'],
    ['REBOOT', 'REBOOT'],
    ['CHECK', 'CHECK'],
    ['SET_TIME', 'CHECK'],
    ['SET OPTION Delay=20', 'SET OPTION Delay=20'],
    ['DATA QUERY USERINFO', 'DATA QUERY USERINFO'],
  ])('%s goes out as "%s", is marked sent, and is done when the clock answers Return=0', async (requested, line) => {
    at(0);
    const clock = await approvedClock(t, nextSn());
    const id = await queue(clock.sn, requested);
    expect(await outcome(clock.sn, id)).toMatchObject({ id, command: line, status: 'queued', return_code: null });

    expect(await clock.poll()).toEqual([{ id: String(id), command: line }]);
    expect((await outcome(clock.sn, id)).status).toBe('sent');
    expect(await clock.poll()).toEqual([]);

    const cmd = line.split(' ')[0];
    expect(await clock.answer(`ID=${id}&Return=0&CMD=${cmd}\n`)).toBe('OK');
    expect(await outcome(clock.sn, id)).toMatchObject({ id, command: line, status: 'done', return_code: 0, result: `ID=${id}&Return=0&CMD=${cmd}` });
  });

  it('INFO results are kept on the command and as device facts', async () => {
    const clock = await approvedClock(t, nextSn());
    const id = await queue(clock.sn, 'INFO');
    await clock.poll();
    await clock.answer(`ID=${id}&Return=0&CMD=INFO\n~DeviceName=WL30\nUserCount=12\nFWVersion=Ver 6.60 Apr 28 2019\n`);
    expect((await outcome(clock.sn, id)).result).toContain('UserCount=12');
    const devices = (await api(t, 'GET', '/zkteco/api/devices')).body.items;
    expect(devices.find((d: { sn: string }) => d.sn === clock.sn).firmware).toBe('Ver 6.60 Apr 28 2019');
  });

  it('REBOOT is the last line of a reply even when queued first', async () => {
    const clock = await approvedClock(t, nextSn());
    const reboot = await queue(clock.sn, 'REBOOT');
    const info = await queue(clock.sn, 'INFO');
    const check = await queue(clock.sn, 'CHECK');
    expect((await clock.poll()).map((c) => c.id)).toEqual([String(info), String(check), String(reboot)]);
  });

  it('several results in one body close several commands; a negative code fails with the code kept', async () => {
    const clock = await approvedClock(t, nextSn());
    const ok = await queue(clock.sn, 'CHECK');
    const bad = await queue(clock.sn, 'USER ADD PIN=1');
    await clock.poll();
    await clock.answer(`ID=${ok}&Return=0&CMD=CHECK\r\nID=${bad}&Return=-1002&CMD=USER\r\n`);
    expect(await outcome(clock.sn, ok)).toMatchObject({ status: 'done', return_code: 0 });
    expect(await outcome(clock.sn, bad)).toMatchObject({ status: 'failed', return_code: -1002 });
  });

  it('an ATTLOG query answered -1 (no records) is done; any other query answered -1 failed', async () => {
    const clock = await approvedClock(t, nextSn());
    const attlog = await queue(clock.sn, 'DATA QUERY ATTLOG StartTime=2025-12-06 00:00:00\tEndTime=2025-12-06 23:59:59');
    const users = await queue(clock.sn, 'DATA QUERY USERINFO PIN=99');
    await clock.poll();
    await clock.answer(`ID=${attlog}&Return=-1&CMD=DATA\nID=${users}&Return=-1&CMD=DATA\n`);
    expect(await outcome(clock.sn, attlog)).toMatchObject({ status: 'done', return_code: -1, result: expect.stringMatching(/^ID=\d+&Return=-1&CMD=DATA\nno records in this time format; asked again as command \d+$/) });
    expect(await outcome(clock.sn, users)).toMatchObject({ status: 'failed', return_code: -1, result: `ID=${users}&Return=-1&CMD=DATA` });
  });

  it('an ATTLOG query answered -1 is asked once more with T-form times; a -1 to that is final', async () => {
    const clock = await approvedClock(t, nextSn());
    const spaced = await queue(clock.sn, 'DATA QUERY ATTLOG StartTime=2025-12-06 00:00:00\tEndTime=2025-12-06 23:59:59');
    await clock.poll();
    await clock.answer(`ID=${spaced}&Return=-1&CMD=DATA\n`);
    await clock.answer(`ID=${spaced}&Return=-1&CMD=DATA\n`); // the same result again (a relay re-delivery)
    const followUps = await clock.poll();
    expect(followUps.map((c) => c.command)).toEqual(['DATA QUERY ATTLOG StartTime=2025-12-06T00:00:00\tEndTime=2025-12-06T23:59:59']);
    expect((await outcome(clock.sn, spaced)).result).toContain(`asked again as command ${followUps[0]!.id}`);
    await clock.answer(`ID=${followUps[0]!.id}&Return=-1&CMD=DATA\n`);
    expect(await outcome(clock.sn, Number(followUps[0]!.id))).toMatchObject({ status: 'done', return_code: -1, result: expect.stringMatching(/\nno records in this range$/) });
    expect(await clock.poll()).toEqual([]);
  });

  it('once a clock has answered a space-form query with records, -1 just means no records; a T-form-only clock is asked in T form', async () => {
    const spaceClock = await approvedClock(t, nextSn());
    const withRecords = await queue(spaceClock.sn, 'DATA QUERY ATTLOG StartTime=2025-12-05 00:00:00\tEndTime=2025-12-05 23:59:59');
    const empty = await queue(spaceClock.sn, 'DATA QUERY ATTLOG StartTime=2020-01-01 00:00:00\tEndTime=2020-01-01 23:59:59');
    await spaceClock.poll();
    await spaceClock.answer(`ID=${withRecords}&Return=0&CMD=DATA\nID=${empty}&Return=-1&CMD=DATA\n`);
    expect(await spaceClock.poll()).toEqual([]);

    const tClock = await approvedClock(t, nextSn());
    const spaced = await queue(tClock.sn, 'DATA QUERY ATTLOG StartTime=2025-12-05 00:00:00\tEndTime=2025-12-05 23:59:59');
    await tClock.poll();
    await tClock.answer(`ID=${spaced}&Return=-1&CMD=DATA\n`);
    const [tForm] = await tClock.poll();
    await tClock.answer(`ID=${tForm!.id}&Return=0&CMD=DATA\n`);
    const recover = await api(t, 'POST', `/zkteco/api/devices/${tClock.sn}/recover`, { body: { from: '2025-12-06', to: '2025-12-06' } });
    expect(recover.body.command).toBe('DATA QUERY ATTLOG StartTime=2025-12-06T00:00:00\tEndTime=2025-12-06T23:59:59');
  });

  it("a command's times and the receiver's own re-send window all come from the receiver's one clock", async () => {
    at(0);
    const clock = await approvedClock(t, nextSn());
    const commands = t.receiver.services.commands;
    const first = await commands.enqueueUnlessRecent(clock.sn, 'CHECK', 10 * 60_000);
    expect(first!.createdAt.toISOString()).toBe(new Date(START).toISOString());
    await clock.poll();
    await clock.answer(`ID=${first!.id}&Return=0&CMD=CHECK\n`);
    at(5 * 60);
    expect(await commands.enqueueUnlessRecent(clock.sn, 'CHECK', 10 * 60_000)).toBeNull();
    at(11 * 60);
    const again = await commands.enqueueUnlessRecent(clock.sn, 'CHECK', 10 * 60_000);
    expect(again?.command).toBe('CHECK');
    expect((await outcome(clock.sn, again!.id)).created_at).toBe(new Date(Date.parse(START) + 11 * 60_000).toISOString());
  });

  it('hands out at most 20 commands per poll, oldest first, the rest on the next poll', async () => {
    const clock = await approvedClock(t, nextSn());
    const ids: number[] = [];
    for (let i = 0; i < 25; i++) ids.push(await queue(clock.sn, `SET OPTION Delay=${10 + i}`));
    expect((await clock.poll()).map((c) => Number(c.id))).toEqual(ids.slice(0, 20));
    expect((await clock.poll()).map((c) => Number(c.id))).toEqual(ids.slice(20));
  });

  it('a pending clock gets nothing until it is approved', async () => {
    const clock = new TalkingClock(t, nextSn());
    await clock.handshake();
    const id = await queue(clock.sn, 'INFO');
    expect(await clock.poll()).toEqual([]);
    await api(t, 'POST', `/zkteco/api/devices/${clock.sn}/approve`);
    expect(await clock.poll()).toEqual([{ id: String(id), command: 'INFO' }]);
  });

  it('through a relay (forwarded with its Bearer token) the round trip is the same', async () => {
    const clock = new TalkingClock(t, nextSn(), true);
    await clock.handshake();
    const id = await queue(clock.sn, 'INFO');
    expect(await clock.poll()).toEqual([{ id: String(id), command: 'INFO' }]);
    expect(await clock.answer(`ID=${id}&Return=0&CMD=INFO\n`)).toBe('OK');
    expect(await outcome(clock.sn, id)).toMatchObject({ status: 'done', return_code: 0 });
  });
});

describe('commands the clock does not answer', () => {
  it('are re-sent after two minutes, four deliveries in all, then failed', async () => {
    at(0);
    const clock = await approvedClock(t, nextSn());
    const id = await queue(clock.sn, 'INFO');
    const deliveries: number[] = [];
    for (let s = 0; s <= 600; s += 30) {
      at(s);
      if ((await clock.poll()).some((c) => c.id === String(id))) deliveries.push(s);
    }
    expect(deliveries).toEqual([0, 120, 240, 360]);
    expect(await outcome(clock.sn, id)).toMatchObject({ status: 'failed', return_code: null, attempts: 4, result: 'no answer from the clock after 4 deliveries' });
  });

  it('a late answer still closes a command that was re-sent', async () => {
    at(0);
    const clock = await approvedClock(t, nextSn());
    const id = await queue(clock.sn, 'CHECK');
    await clock.poll();
    at(150);
    expect((await clock.poll()).map((c) => c.id)).toEqual([String(id)]);
    await clock.answer(`ID=${id}&Return=0&CMD=CHECK\n`);
    expect(await outcome(clock.sn, id)).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('a REBOOT is never re-sent: done when the clock handshakes again, failed when it stays silent', async () => {
    at(0);
    const restarts = await approvedClock(t, nextSn());
    const silent = await approvedClock(t, nextSn());
    const restarted = await queue(restarts.sn, 'REBOOT');
    const lost = await queue(silent.sn, 'REBOOT');
    await restarts.poll();
    await silent.poll();
    at(40);
    await restarts.handshake();
    at(200);
    expect(await restarts.poll()).toEqual([]);
    expect(await silent.poll()).toEqual([]);
    expect(await outcome(restarts.sn, restarted)).toMatchObject({ status: 'done', attempts: 1 });
    expect(await outcome(silent.sn, lost)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('results for ids never issued are kept, flagged, and answered OK', async () => {
    const clock = await approvedClock(t, nextSn());
    expect(await clock.answer('ID=info8487&Return=0&CMD=INFO\n')).toBe('OK');
    const flagged = await t.database.prisma.unknownCommandResult.findMany({ where: { deviceSn: clock.sn } });
    expect(flagged.map((r) => r.commandId)).toEqual(['info8487']);
  });
});
