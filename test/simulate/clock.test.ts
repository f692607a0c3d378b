// The simulated clock against the real receiver: what a newcomer sees with `npm run simulate`, and the
// command round trips other tests rely on.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock, UploadFailed } from '../../simulate/clock.ts';
import { makePunches, makeUsers } from '../../simulate/records.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';

const SN = 'SIM0000001';
let t: TestReceiver;

beforeAll(async () => {
  t = await startTestReceiver({ env: { DEVICE_SERIALS: SN } });
});
afterAll(async () => {
  await t?.close();
});

async function punchesOf(sn: string): Promise<{ user_id: string; timestamp: string; punch_type: string }[]> {
  const res = await fetch(`${t.url}/zkteco/api/attendance?device_sn=${sn}&limit=500`, { headers: { authorization: `Bearer ${t.token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { user_id: string; timestamp: string; punch_type: string }[] }).items;
}

describe('a simulated clock talking to the receiver', () => {
  it('handshakes, sends its users and punches, and every punch lands once', async () => {
    const clock = new SimulatedClock({ url: t.url, sn: SN, batch: 8 });
    clock.enroll(makeUsers(5));
    const options = await clock.handshake();
    expect(options.Realtime).toBe('1');
    expect(options.TimeZone).toBeDefined();

    const users = await clock.uploadUsers();
    expect(users).toMatchObject({ uploads: 1, lines: 5, acknowledged: 5, mismatches: 0 });
    const punches = makePunches({ pins: ['1', '2', '3', '4', '5'], count: 20, timeZone: 'Europe/Paris', end: '2025-12-07 12:00:00' });
    const report = await clock.uploadPunches(punches);
    expect(report).toMatchObject({ uploads: 3, lines: 20, acknowledged: 20, attempts: 3, mismatches: 0 });

    const stored = await punchesOf(SN);
    expect(stored.map((p) => `${p.user_id} ${p.timestamp}`).sort()).toEqual(punches.map((p) => `${p.pin} ${p.time}`).sort());
    expect(stored.find((p) => p.user_id === '1' && p.timestamp === punches[0]!.time)?.punch_type).toBe('in');

    const employees = await t.database.prisma.employee.findMany({ orderBy: { pin: 'asc' } });
    expect(employees.map((e) => e.name)).toEqual(makeUsers(5).map((u) => u.name));
  });

  it('sends nothing twice: a second run uploads only what is new', async () => {
    const clock = new SimulatedClock({ url: t.url, sn: 'SIM0000002' });
    await clock.handshake();
    clock.enroll(makeUsers(2));
    await clock.uploadPunches(makePunches({ pins: ['1', '2'], count: 4, timeZone: 'UTC', end: '2025-12-08 09:00:00' }));
    const again = await clock.uploadPunches();
    expect(again.uploads).toBe(0);
    expect(clock.memory.unsent()).toHaveLength(0);
  });

  it('answers INFO, SET OPTION, user updates and deletes, and a log query, and the receiver closes each command', async () => {
    const clock = new SimulatedClock({ url: t.url, sn: SN, batch: 8 });
    clock.enroll(makeUsers(3));
    await clock.handshake();
    const punches = makePunches({ pins: ['1', '2', '3'], count: 12, timeZone: 'Europe/Paris', end: '2025-12-09 18:00:00' });
    await clock.uploadPunches(punches);
    // Punches the receiver lost: the log query must bring them back.
    const lost = await t.database.prisma.punch.deleteMany({ where: { deviceSn: SN, localTime: { startsWith: '2025-12-09' } } });
    expect(lost.count).toBe(12);

    const queue = t.receiver.services.commands;
    const issued = [
      await queue.enqueue(SN, 'INFO'),
      await queue.enqueue(SN, 'SET OPTION Delay=5'),
      await queue.enqueue(SN, 'DATA UPDATE USERINFO PIN=42\tName=Zoë Dûpont\tPri=0\tPasswd=\tCard=\tGrp=1\tTZ=0000000000000000\tVerify=0'),
      await queue.enqueue(SN, 'DATA DELETE USERINFO PIN=2'),
      await queue.enqueue(SN, 'DATA QUERY ATTLOG StartTime=2025-12-09 00:00:00\tEndTime=2025-12-09 23:59:59'),
      await queue.enqueue(SN, 'DATA QUERY ATTLOG StartTime=2020-01-01 00:00:00\tEndTime=2020-01-01 23:59:59'),
      await queue.enqueue(SN, 'USER ADD PIN=7'),
    ];
    const answers = await clock.pollOnce();
    expect(answers.map((a) => a.returnCode)).toEqual([0, 0, 0, 0, 0, -1, -1002]);
    expect(clock.memory.options.Delay).toBe('5');
    expect(clock.memory.users.get('42')?.name).toBe('Zoë Dûpont');
    expect(clock.memory.users.has('2')).toBe(false);

    const rows = await t.database.prisma.command.findMany({ where: { id: { in: issued.map((c) => c.id) } }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.status, r.returnCode])).toEqual([
      ['done', 0], ['done', 0], ['done', 0], ['done', 0], ['done', 0], ['done', -1], ['failed', -1002],
    ]);
    expect(rows[0]!.result).toContain('UserCount=');
    const recovered = await t.database.prisma.punch.count({ where: { deviceSn: SN, localTime: { startsWith: '2025-12-09' } } });
    expect(recovered).toBe(12);
    expect(await clock.pollOnce()).toEqual([]);
  });
});

describe('a simulated clock facing a failing server', () => {
  it('keeps an upload that was not acknowledged and sends it again after the delay', async () => {
    let calls = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls++;
        res.writeHead(calls === 1 ? 503 : 200, { 'content-type': 'text/plain' }).end(calls === 1 ? 'busy' : 'OK:3');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const clock = new SimulatedClock({ url, sn: 'SIMRETRY01', retry: { attempts: 3, delayMs: 20 } });
      clock.enroll(makeUsers(3));
      const report = await clock.uploadPunches(makePunches({ pins: ['1', '2', '3'], count: 3, timeZone: 'UTC', end: '2025-12-07 08:00:00' }));
      expect(report).toMatchObject({ uploads: 1, attempts: 2, acknowledged: 3 });
      expect(calls).toBe(2);
    } finally {
      server.close();
    }
  });

  it('keeps polling after a failed heartbeat and answers the commands that come next', async () => {
    let polls = 0;
    const results: string[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url!.startsWith('/iclock/devicecmd')) results.push(Buffer.concat(chunks).toString('utf8'));
        const first = req.url!.startsWith('/iclock/getrequest') && ++polls === 1;
        res.writeHead(first ? 503 : 200).end(first ? 'busy' : polls === 2 && req.url!.startsWith('/iclock/getrequest') ? 'C:1:INFO\n' : 'OK');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const clock = new SimulatedClock({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sn: 'SIMPOLL001' });
      const errors: string[] = [];
      const handled = await clock.poll(0.35, { error: (e) => errors.push(e.message) }, 100);
      expect(errors).toEqual([expect.stringContaining('503')]);
      expect(handled).toBe(1);
      expect(results[0]).toMatch(/^ID=1&Return=0&CMD=INFO\n/);
    } finally {
      server.close();
    }
  });

  it('gives up after its attempts with the punches still unsent in its log', async () => {
    const clock = new SimulatedClock({ url: 'http://127.0.0.1:9', sn: 'SIMDOWN001', retry: { attempts: 2, delayMs: 10 } });
    clock.enroll(makeUsers(1));
    const upload = clock.uploadPunches(makePunches({ pins: ['1'], count: 2, timeZone: 'UTC', end: '2025-12-07 08:00:00' }));
    await expect(upload).rejects.toBeInstanceOf(UploadFailed);
    expect(clock.memory.unsent()).toHaveLength(2);
  });
});
