// Input out to hurt, from a clock or anyone posing as one: a line the database would refuse is rejected
// with its reason and the rest of the upload is stored; a serial no clock has is a final 400.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';

const SN = 'HOSTILE01';
let t: TestReceiver;

beforeAll(async () => {
  t = await startTestReceiver({ env: { DEVICE_SERIALS: SN } });
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.database.withSession((s) => s.exec('TRUNCATE punches, uploads, commands, employees, devices RESTART IDENTITY CASCADE'));
});

const post = (table: string, body: string, sn = SN) =>
  request(t.url).post(`/iclock/cdata?SN=${encodeURIComponent(sn)}&table=${table}&Stamp=1`).send(Buffer.from(body));
const punches = () => t.database.prisma.punch.findMany({ where: { deviceSn: SN }, orderBy: { id: 'asc' } });
const lastUpload = () => t.database.prisma.upload.findFirstOrThrow({ orderBy: { id: 'desc' } });

describe('a bad line costs only itself', () => {
  it.each([
    ['a NUL in the workcode', '1\t2025-12-07 08:00:00\t0\t1\t\u0000\n', /workcode contains control characters/],
    ['a NUL in the PIN', '1\u0000\t2025-12-07 08:00:00\t0\t1\n', /PIN contains control characters/],
    ['the year 0000', '1\t0000-01-01 00:00:00\t0\t1\n', /invalid time/],
  ])('ATTLOG with %s: OK:2, the valid line stored, the bad one reported', async (_what, bad, reason) => {
    const res = await post('ATTLOG', `${bad}2\t2025-12-07 08:01:00\t0\t1\n`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('OK:2');
    expect((await punches()).map((p) => [p.pin, p.localTime])).toEqual([['2', '2025-12-07 08:01:00']]);
    const upload = await lastUpload();
    expect(upload.outcome).toBe('partial');
    expect(upload.errors).toEqual([expect.objectContaining({ line: 1, reason: expect.stringMatching(reason) })]);
  });

  it('RTLOG with a PIN of 6,000 characters: the valid event stored', async () => {
    const body = `time=2025-12-07 08:45:10\tpin=${'7'.repeat(6000)}\tinoutstatus=0\tverifytype=1\ntime=2025-12-07 08:45:30\tpin=1001\tinoutstatus=1\tverifytype=1\n`;
    expect((await post('rtlog', body)).status).toBe(200);
    expect((await punches()).map((p) => p.pin)).toEqual(['1001']);
    expect((await lastUpload()).outcome).toBe('partial');
  });

  it('OPERLOG with a NUL in a card: the other user stored, the bad one never', async () => {
    const body = 'USER PIN=5\tName=Eve\tPri=14\tCard=123\u0000\nUSER PIN=6\tName=Ann\tPri=0\tCard=42\n';
    expect((await post('OPERLOG', body)).text).toBe('OK:2');
    const employees = await t.database.prisma.employee.findMany();
    expect(employees.map((e) => [e.pin, e.name, e.card])).toEqual([['6', 'Ann', '42']]);
    expect((await lastUpload()).errors).toEqual([expect.objectContaining({ line: 1, reason: 'card contains control characters' })]);
  });
});

describe('a serial no clock has', () => {
  it.each([
    ['a NUL', 'AEWD\u0000'],
    ['6,000 characters', 'A'.repeat(6000)],
    ['a line break', 'AEWD\nC:1:REBOOT'],
  ])('with %s is a 400 (final for a relay), for uploads and polls alike, and nothing is stored', async (_what, sn) => {
    const upload = await post('ATTLOG', '1\t2025-12-07 08:00:00\t0\t1\n', sn);
    expect(upload.status).toBe(400);
    expect(upload.text).toMatch(/serial/);
    expect((await request(t.url).get(`/iclock/getrequest?SN=${encodeURIComponent(sn)}`)).status).toBe(400);
    expect((await request(t.url).get(`/iclock/cdata?SN=${encodeURIComponent(sn)}&options=all`)).status).toBe(400);
    expect(await t.database.prisma.upload.count()).toBe(0);
    expect(await t.database.prisma.device.count()).toBe(0);
    await request(t.url).get('/healthz').expect(200);
  });

  it('a handshake whose facts hold a NUL is answered, the facts dropped', async () => {
    const res = await request(t.url).get(`/iclock/cdata?SN=${SN}&options=all&pushver=2.4%00&language=69`);
    expect(res.status).toBe(200);
    const device = await t.database.prisma.device.findUniqueOrThrow({ where: { sn: SN } });
    expect(device).toMatchObject({ pushVersion: null, language: '69' });
  });
});
