// API input out to hurt: a NUL or an oversized field anywhere is a 400 naming the field, never a 500, and
// nothing is stored from it; a CSV import reports the bad line and applies the others.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { api } from '../devices/talking-clock.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';

const SN = 'APIHOSTILE1';
let t: TestReceiver;

beforeAll(async () => {
  t = await startTestReceiver({ env: { DEVICE_SERIALS: SN } });
  await fetch(`${t.url}/iclock/cdata?SN=${SN}&options=all`);
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.database.withSession((s) => s.exec('TRUNCATE punches, employees, commands RESTART IDENTITY CASCADE'));
});

const NUL = '\u0000';
const punch = { user_id: 1, timestamp: '2025-12-07 08:30:15', punch_type: 'in' };
const cursorOf = (instant: string, id: string) => Buffer.from(JSON.stringify([instant, id])).toString('base64url');

describe('a NUL or an oversized field is a 400 naming it', () => {
  it.each(([
    ['POST', '/zkteco/api/attendance', { ...punch, user_id: `1${NUL}` }, 'user_id'],
    ['POST', '/zkteco/api/attendance', [punch, { ...punch, user_id: '2', device_sn: `${SN}${NUL}` }], '[1].device_sn'],
    ['POST', '/zkteco/api/attendance', { ...punch, user_id: '9'.repeat(6000) }, 'user_id'],
    ['POST', '/zkteco/api/attendance', { ...punch, user_id: '1\x7f' }, 'user_id'],
    ['POST', '/zkteco/api/attendance', { ...punch, timestamp: '0000-01-01 00:00:00' }, 'timestamp'],
    ['POST', '/zkteco/api/attendance', { ...punch, timestamp: '1969-12-31T23:59:59Z' }, 'timestamp'],
    ['POST', '/zkteco/api/employees', { pin: '1', name: `Eve${NUL}` }, 'name'],
    ['POST', '/zkteco/api/employees', { pin: '1', name: 'Eve\x1b[2J' }, 'name'],
    ['POST', '/zkteco/api/employees', { pin: '1', name: 'e'.repeat(6000) }, 'name'],
    ['POST', `/zkteco/api/devices/${SN}/commands`, { command: `INFO${NUL}` }, 'command'],
    ['POST', `/zkteco/api/devices/${SN}/commands`, { command: 'DATA UPDATE USERINFO PIN=1\x1bName=x' }, 'command'],
    ['PATCH', `/zkteco/api/devices/${SN}`, { name: `Door${NUL}` }, 'name'],
  ] as [string, string, unknown, string][]).map(([method, path, body, field]) => [`${method} ${path} with a bad ${field}: ${JSON.stringify(body).slice(0, 60)}`, method, path, body, field] as const))('%s', async (_title, method, path, body, field) => {
    const res = await api(t, method, path, { body });
    expect(res.status).toBe(400);
    expect(res.body.message.startsWith(`${field}:`)).toBe(true);
    expect(await t.database.prisma.punch.count()).toBe(0);
    expect(await t.database.prisma.employee.count()).toBe(0);
  });

  it.each(([
    [`/zkteco/api/attendance?user_id=1${encodeURIComponent(NUL)}`, 'user_id'],
    [`/zkteco/api/attendance?device_sn=${'A'.repeat(6000)}`, 'device_sn'],
    [`/zkteco/api/attendance?cursor=${cursorOf('2025-12-07T08:00:00.000Z', '1'.padEnd(27, '0'))}`, 'cursor'],
    [`/zkteco/api/attendance?cursor=${cursorOf('+275760-09-13T00:00:00.000Z', '1')}`, 'cursor'],
    ['/zkteco/api/employees/1%00', 'path'],
    [`/zkteco/api/devices/${SN}%00/commands`, 'path'],
  ] as [string, string][]).map(([path, field]) => [`GET ${path.slice(0, 80)} → 400 naming ${field}`, path, field] as const))('%s', async (_title, path, field) => {
    const res = await api(t, 'GET', path);
    expect(res.status).toBe(400);
    expect(res.body.message.startsWith(`${field}:`)).toBe(true);
  });
});

describe('CSV import with a NUL', () => {
  it('reports the bad line and applies the others', async () => {
    const csv = ['pin,name,card', '1,Ann,1', `2,Bob${NUL},2`, '3,Cid,3'].join('\n');
    const res = await api(t, 'POST', '/zkteco/api/employees/import', { csv });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, errors: [{ line: 3, reason: expect.stringMatching(/^name .*control characters/) }] });
    const pins = (await t.database.prisma.employee.findMany({ orderBy: { pin: 'asc' } })).map((e) => e.pin);
    expect(pins).toEqual(['1', '3']);
  });
});
