// Employees both ways: the ERP's changes reach every approved clock as full USERINFO records; names a
// clock learns (UTF-8 or GB2312) reach the ERP and the other clocks; the latest change wins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { api, approvedClock, TalkingClock } from './talking-clock.ts';

let t: TestReceiver;
let front: TalkingClock;
let back: TalkingClock;

beforeAll(async () => {
  t = await startTestReceiver({ clockAt: '2025-12-07T07:31:00Z' });
  front = await approvedClock(t, 'SYNCFRONT01');
  back = await approvedClock(t, 'SYNCBACK001');
});
afterAll(() => t.close());

const userLine = (pin: string, name: string, card = '', pri = 0) =>
  `DATA UPDATE USERINFO PIN=${pin}\tName=${name}\tPri=${pri}\tPasswd=\tCard=${card}\tGrp=1\tTZ=0000000000000000\tVerify=0`;
const employee = async (pin: string) => (await api(t, 'GET', `/zkteco/api/employees/${pin}`)).body;
const commandsOf = async (clock: TalkingClock) => (await clock.poll()).map((c) => c.command);

describe('ERP to clocks', () => {
  it('a new employee with an accented name goes to every approved clock as a full record, in UTF-8', async () => {
    const created = await api(t, 'POST', '/zkteco/api/employees', { body: { pin: '1', name: 'José Müller', card: '123456789' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ pin: '1', name: 'José Müller', card: '123456789', privilege: 0 });
    const raw = await front.pollRaw();
    expect(raw.includes(Buffer.from('Name=José Müller\t', 'utf8'))).toBe(true);
    expect(raw.toString('utf8')).toMatch(new RegExp(`^C:\\d+:${userLine('1', 'José Müller', '123456789').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
    expect(await commandsOf(back)).toEqual([userLine('1', 'José Müller', '123456789')]);
  });

  it('a Chinese name, a rename and a card change each send the whole record again', async () => {
    await api(t, 'POST', '/zkteco/api/employees', { body: { pin: '2', name: '张伟' } });
    expect(await commandsOf(front)).toEqual([userLine('2', '张伟')]);
    const renamed = await api(t, 'PATCH', '/zkteco/api/employees/2', { body: { name: '张伟强', card: '[15CD5B07]' } });
    expect(renamed.status).toBe(200);
    expect(await commandsOf(front)).toEqual([userLine('2', '张伟强', '[15CD5B07]')]);
    expect(await commandsOf(back)).toEqual([userLine('2', '张伟'), userLine('2', '张伟强', '[15CD5B07]')]);
  });

  it('a deleted employee is removed from every clock and gone from the list', async () => {
    await api(t, 'POST', '/zkteco/api/employees', { body: { pin: '3', name: 'Temp Worker' } });
    await front.poll();
    await back.poll();
    expect((await api(t, 'DELETE', '/zkteco/api/employees/3')).status).toBe(204);
    expect(await commandsOf(front)).toEqual(['DATA DELETE USERINFO PIN=3']);
    expect(await commandsOf(back)).toEqual(['DATA DELETE USERINFO PIN=3']);
    const pins = (await api(t, 'GET', '/zkteco/api/employees')).body.items.map((e: { pin: string }) => e.pin);
    expect(pins).not.toContain('3');
  });

  it('a clock approved later receives the current employee list', async () => {
    const late = new TalkingClock(t, 'SYNCLATE001');
    await late.handshake();
    expect(await late.poll()).toEqual([]);
    const approved = await api(t, 'POST', '/zkteco/api/devices/SYNCLATE001/approve');
    expect(approved.body.employee_updates_pending).toBe(2);
    expect(await commandsOf(late)).toEqual([userLine('1', 'José Müller', '123456789'), userLine('2', '张伟强', '[15CD5B07]')]);
  });
});

describe('a clock first seen through a relay', () => {
  it('is approved by the relay token and sent the current employee list at once', async () => {
    const relayed = new TalkingClock(t, 'SYNCRELAY01', true);
    await relayed.handshake();
    // The list is queued by the approval event, alongside the handshake reply: allow it a few polls.
    let lines: string[] = [];
    for (let i = 0; i < 20 && lines.length === 0; i++) lines = await commandsOf(relayed);
    expect(lines).toContain(userLine('1', 'José Müller', '123456789'));
    expect(lines.every((line) => line.startsWith('DATA UPDATE USERINFO PIN='))).toBe(true);
  });
});

describe('a Chinese-language clock', () => {
  it('gets names in GB2312, the encoding it sends them in', async () => {
    const gbClock = new TalkingClock(t, 'SYNCGB00001');
    await gbClock.handshake('83');
    await api(t, 'POST', '/zkteco/api/devices/SYNCGB00001/approve');
    await gbClock.poll();
    await api(t, 'POST', '/zkteco/api/employees', { body: { pin: '88', name: '李娜 José' } });
    const raw = await gbClock.pollRaw();
    expect(raw.includes(Buffer.from('Name=', 'latin1'))).toBe(true);
    expect(raw.includes(Buffer.from('c0eec4c820', 'hex'))).toBe(true);
    expect(new TextDecoder('gb18030').decode(raw)).toMatch(/^C:\d+:DATA UPDATE USERINFO PIN=88\tName=李娜 José\tPri=0\t/);
    expect(await commandsOf(front)).toEqual([userLine('88', '李娜 José')]);
    await back.poll();
  });
});

describe('clocks to ERP', () => {
  it('names enrolled on a clock (UTF-8 and GB2312) reach the ERP and the other clocks, not the clock they came from', async () => {
    const utf8 = Buffer.from('USER PIN=40\tName=Zoë Ångström\tPri=0\tPasswd=99\tCard=\tGrp=1\tTZ=0000000000000000\tVerify=0\n', 'utf8');
    const gb = Buffer.concat([Buffer.from('USER PIN=41\tName=', 'latin1'), Buffer.from('c0eec4c8', 'hex'), Buffer.from('\tPri=0\tPasswd=\tCard=555\tGrp=1\n', 'latin1')]);
    await front.poll();
    await back.poll();
    expect(await front.operlog(Buffer.concat([utf8, gb]))).toBe('OK:2');
    expect(await employee('40')).toMatchObject({ name: 'Zoë Ångström', source: 'device' });
    expect(await employee('41')).toMatchObject({ name: '李娜', card: '555' });
    expect(await commandsOf(back)).toEqual([userLine('40', 'Zoë Ångström'), userLine('41', '李娜', '555')]);
    expect(await commandsOf(front)).toEqual([]);
  });

  it('the same record uploaded again changes nothing and sends nothing', async () => {
    await front.operlog('USER PIN=40\tName=Zoë Ångström\tPri=0\tPasswd=\tCard=\tGrp=1\n');
    expect(await commandsOf(back)).toEqual([]);
  });
});

describe('conflicts resolve to the latest change', () => {
  it('a clock record older than an ERP change still on its way loses; once the clock has it, the clock wins', async () => {
    await api(t, 'POST', '/zkteco/api/employees', { body: { pin: '50', name: 'Ana Lima' } });
    await front.poll();
    await back.poll();
    await api(t, 'PATCH', '/zkteco/api/employees/50', { body: { name: 'Ana Lima Souza' } });
    const [update] = await front.poll();
    // The front clock reports its old record before it has applied the rename: the ERP rename is newer.
    await front.operlog('USER PIN=50\tName=Ana Lima\tPri=0\tPasswd=\tCard=\tGrp=1\n');
    expect((await employee('50')).name).toBe('Ana Lima Souza');
    await front.answer(`ID=${update!.id}&Return=0&CMD=DATA\n`);
    // Later someone edits the name on the clock's keypad: that change is the newest.
    await front.operlog('USER PIN=50\tName=Ana L. Souza\tPri=0\tPasswd=\tCard=\tGrp=1\n');
    expect(await employee('50')).toMatchObject({ name: 'Ana L. Souza', source: 'device' });
  });

  it('an ERP edit after a clock edit wins and is sent back to that clock', async () => {
    await front.poll();
    await back.poll();
    await api(t, 'PATCH', '/zkteco/api/employees/50', { body: { name: 'Ana Souza' } });
    expect(await commandsOf(front)).toEqual([userLine('50', 'Ana Souza')]);
    expect(await employee('50')).toMatchObject({ name: 'Ana Souza', source: 'erp' });
  });
});
