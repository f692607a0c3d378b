// The simulated clock's own rules, without a server: generated data and command answers.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerCommand } from '../../simulate/commands.ts';
import { ClockMemory } from '../../simulate/memory.ts';
import { attlogLine, makePunches, makeUsers, parseCommandLines, userLine } from '../../simulate/records.ts';
import { parseAttlogLine } from '../../server/protocol/attlog.ts';
import { parseOperlog } from '../../server/protocol/operlog.ts';

const who = { sn: 'SIMUNIT001', firmware: 'Ver 6.60 Sim', ipAddress: '127.0.0.1', batch: 2 };

function clockWith(users = 3, punches = 6): ClockMemory {
  const memory = new ClockMemory();
  memory.enroll(makeUsers(users));
  memory.record(makePunches({ pins: [...memory.users.keys()], count: punches, timeZone: 'UTC', end: '2025-12-07 12:00:00' }));
  return memory;
}

describe('generated clock data', () => {
  it('punches are distinct, in time order, and alternate in and out per user', () => {
    const punches = makePunches({ pins: ['1', '2'], count: 6, timeZone: 'UTC', end: '2025-12-07 12:00:00', spacingSeconds: 30 });
    expect(new Set(punches.map((p) => `${p.pin} ${p.time}`)).size).toBe(6);
    expect(punches.at(-1)!.time).toBe('2025-12-07 12:00:00');
    expect(punches[0]!.time).toBe('2025-12-07 11:57:30');
    expect(punches.filter((p) => p.pin === '1').map((p) => p.status)).toEqual([0, 1, 0]);
  });

  it('lines read back through the receiver’s own parsers, accents and all', () => {
    const [punch] = makePunches({ pins: ['0042'], count: 1, timeZone: 'UTC', end: '2025-12-07 08:30:15' });
    expect(attlogLine(punch!).split('\t')).toHaveLength(7);
    expect(parseAttlogLine(attlogLine(punch!))).toMatchObject({ pin: '0042', localTime: '2025-12-07 08:30:15', status: 0, verify: 1 });
    const users = makeUsers(12);
    const parsed = parseOperlog(Buffer.from(users.map(userLine).join('\n'), 'utf8'));
    expect(parsed.users.map((u) => u.name)).toEqual(users.map((u) => u.name));
    expect(users[10]!.name).toBe('José Müller 2');
  });

  it('reads C:<id>:<command> lines and nothing from a bare OK', () => {
    expect(parseCommandLines('OK')).toEqual([]);
    expect(parseCommandLines('C:7:INFO\nC:info8487:DATA QUERY USERINFO\r\n')).toEqual([
      { id: '7', command: 'INFO' },
      { id: 'info8487', command: 'DATA QUERY USERINFO' },
    ]);
  });
});

describe('command answers', () => {
  it('DATA UPDATE USERINFO replaces the whole record', () => {
    const memory = clockWith();
    memory.users.set('1', { pin: '1', name: 'Old', privilege: 14, card: '123' });
    const a = answerCommand(memory, who, { id: '5', command: 'DATA UPDATE USERINFO PIN=1\tName=Renée' });
    expect(a.result).toBe('ID=5&Return=0&CMD=DATA');
    expect(memory.users.get('1')).toEqual({ pin: '1', name: 'Renée', privilege: 0, card: '' });
  });

  it('an ATTLOG query re-uploads the range in batches tagged with the command id, or answers -1 when empty', () => {
    const memory = clockWith(3, 6);
    const a = answerCommand(memory, who, { id: '9', command: 'DATA QUERY ATTLOG StartTime=2025-12-07T11:57:00\tEndTime=2025-12-07T12:00:00' });
    expect(a.returnCode).toBe(0);
    expect(a.uploads.map((u) => u.query)).toEqual([
      'Count=4&PackCnt=2&PackIdx=1&CmdId=9',
      'Count=4&PackCnt=2&PackIdx=2&CmdId=9',
    ]);
    const none = answerCommand(memory, who, { id: '10', command: 'DATA QUERY ATTLOG StartTime=2020-01-01 00:00:00\tEndTime=2020-01-02 00:00:00' });
    expect(none).toMatchObject({ returnCode: -1, uploads: [] });
  });

  it('INFO lists the clock’s options, REBOOT asks for a new handshake, unknown syntax is -1002', () => {
    const memory = clockWith(3, 6);
    const info = answerCommand(memory, who, { id: '1', command: 'INFO' });
    expect(info.result.split('\n')).toEqual(expect.arrayContaining(['ID=1&Return=0&CMD=INFO', 'UserCount=3', 'TransactionCount=6']));
    expect(answerCommand(memory, who, { id: '2', command: 'REBOOT' }).handshakeAgain).toBe(true);
    expect(answerCommand(memory, who, { id: '3', command: 'DATA DEL USERINFO PIN=1' }).returnCode).toBe(-1002);
    expect(answerCommand(memory, who, { id: '4', command: 'VERIFY SUM ATTLOG StartTime=2025-12-07 00:00:00\tEndTime=2025-12-07 23:59:59' }).result)
      .toBe('ID=4&Return=0&CMD=VERIFY SUM&AttlogSum=6');
  });
});

describe('the clock’s memory file', () => {
  it('keeps users, log and what was acknowledged across runs', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sim-memory-'));
    try {
      const file = path.join(dir, 'clock.json');
      const first = new ClockMemory(file);
      first.enroll(makeUsers(2));
      first.record(makePunches({ pins: ['1', '2'], count: 4, timeZone: 'UTC', end: '2025-12-07 12:00:00' }));
      first.markAcknowledged(3);
      const again = new ClockMemory(file);
      expect([...again.users.values()].map((u) => u.name)).toEqual(['José Müller', 'Zoë Çelik']);
      expect(again.log).toHaveLength(4);
      expect(again.unsent()).toEqual([first.log[3]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
