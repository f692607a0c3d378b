// Every admin route: 401 without credentials, 403 for a staff JWT, allowed for the API token and for an
// admin-role JWT. Unknown serials, pins and command ids are 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { api, approvedClock, type Caller } from '../devices/talking-clock.ts';

let t: TestReceiver;
let commandId: number;

beforeAll(async () => {
  t = await startTestReceiver();
  await approvedClock(t, 'AUTHCLOCK01');
  commandId = (await api(t, 'POST', '/zkteco/api/devices/AUTHCLOCK01/commands', { body: { command: 'INFO' } })).body.id;
  await api(t, 'POST', '/zkteco/api/employees', { body: { pin: '1', name: 'Kept' } });
});
afterAll(() => t.close());

interface Route {
  method: string;
  path: string;
  body?: unknown;
  csv?: string;
}

/** Paths are built when the test runs: the command id exists only after beforeAll. */
const routes: [string, () => Route][] = [
  ['GET /devices', () => ({ method: 'GET', path: '/zkteco/api/devices' })],
  ['POST /devices/:sn/approve', () => ({ method: 'POST', path: '/zkteco/api/devices/AUTHCLOCK01/approve' })],
  ['POST /devices/:sn/reject', () => ({ method: 'POST', path: '/zkteco/api/devices/AUTHCLOCK01/reject' })],
  ['PATCH /devices/:sn', () => ({ method: 'PATCH', path: '/zkteco/api/devices/AUTHCLOCK01', body: { name: 'Front door' } })],
  ['POST /devices/:sn/commands', () => ({ method: 'POST', path: '/zkteco/api/devices/AUTHCLOCK01/commands', body: { command: 'CHECK' } })],
  ['GET /devices/:sn/commands', () => ({ method: 'GET', path: '/zkteco/api/devices/AUTHCLOCK01/commands' })],
  ['GET /devices/:sn/commands/:id', () => ({ method: 'GET', path: `/zkteco/api/devices/AUTHCLOCK01/commands/${commandId}` })],
  ['POST /devices/:sn/recover', () => ({ method: 'POST', path: '/zkteco/api/devices/AUTHCLOCK01/recover', body: { from: '2025-12-06', to: '2025-12-06' } })],
  ['GET /employees', () => ({ method: 'GET', path: '/zkteco/api/employees' })],
  ['GET /employees/:pin', () => ({ method: 'GET', path: '/zkteco/api/employees/1' })],
  ['POST /employees', () => ({ method: 'POST', path: '/zkteco/api/employees', body: { pin: '2', name: 'New' } })],
  ['PATCH /employees/:pin', () => ({ method: 'PATCH', path: '/zkteco/api/employees/1', body: { name: 'Renamed' } })],
  ['DELETE /employees/:pin', () => ({ method: 'DELETE', path: '/zkteco/api/employees/1' })],
  ['POST /employees/import', () => ({ method: 'POST', path: '/zkteco/api/employees/import', csv: 'pin,name,card\n3,Imported,\n' })],
];

const call = (r: Route, as: Caller) => api(t, r.method, r.path, { body: r.body, csv: r.csv, as });

describe('authorization on every admin route', () => {
  it.each(routes)('%s: 401 without credentials, 403 for staff', async (_name, route) => {
    const r = route();
    expect((await call(r, 'none')).status).toBe(401);
    const staff = await call(r, 'staff');
    expect(staff.status).toBe(403);
    expect(staff.body.error).toBe('forbidden');
  });

  it('the API token and an admin-role JWT are admins', async () => {
    expect((await api(t, 'GET', '/zkteco/api/employees', { as: 'admin' })).status).toBe(200);
    expect((await api(t, 'GET', '/zkteco/api/employees', { as: 'admin-jwt' })).status).toBe(200);
    expect((await api(t, 'POST', '/zkteco/api/devices/AUTHCLOCK01/commands', { body: { command: 'INFO' }, as: 'admin-jwt' })).status).toBe(201);
  });

  it('nothing was changed by the refused calls', async () => {
    const employees = (await api(t, 'GET', '/zkteco/api/employees')).body.items;
    expect(employees.map((e: { pin: string; name: string }) => `${e.pin}:${e.name}`)).toEqual(['1:Kept']);
    const device = (await api(t, 'GET', '/zkteco/api/devices')).body.items.find((d: { sn: string }) => d.sn === 'AUTHCLOCK01');
    expect(device).toMatchObject({ state: 'approved', name: null });
  });
});

describe('commands API errors', () => {
  it('404 for an unknown serial or a command id of another device', async () => {
    expect((await api(t, 'POST', '/zkteco/api/devices/NOPE/commands', { body: { command: 'INFO' } })).status).toBe(404);
    expect((await api(t, 'GET', `/zkteco/api/devices/NOPE/commands/${commandId}`)).status).toBe(404);
    await approvedClock(t, 'AUTHCLOCK02');
    expect((await api(t, 'GET', `/zkteco/api/devices/AUTHCLOCK02/commands/${commandId}`)).status).toBe(404);
    expect((await api(t, 'GET', '/zkteco/api/devices/AUTHCLOCK01/commands/abc')).status).toBe(404);
    expect((await api(t, 'GET', '/zkteco/api/devices/AUTHCLOCK01/commands/999999')).status).toBe(404);
  });

  it('400 names the command field: missing, empty, or more than one line', async () => {
    for (const body of [{}, { command: '' }, { command: 'INFO\nC:1:CLEAR DATA' }, { command: 5 }]) {
      const res = await api(t, 'POST', '/zkteco/api/devices/AUTHCLOCK01/commands', { body });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^command:/);
    }
  });

  it('lists a device\'s commands newest first, filtered by status', async () => {
    await approvedClock(t, 'AUTHCLOCK04');
    const first = (await api(t, 'POST', '/zkteco/api/devices/AUTHCLOCK04/commands', { body: { command: 'INFO' } })).body.id;
    const second = (await api(t, 'POST', '/zkteco/api/devices/AUTHCLOCK04/commands', { body: { command: 'SET_TIME' } })).body.id;
    const all = (await api(t, 'GET', '/zkteco/api/devices/AUTHCLOCK04/commands')).body.items;
    // After the two: the employee list queued when the clock was approved.
    expect(all.slice(0, 2).map((c: { id: number; command: string }) => [c.id, c.command])).toEqual([[second, 'CHECK'], [first, 'INFO']]);
    expect(all[2].command).toMatch(/^DATA UPDATE USERINFO PIN=1\t/);
    expect((await api(t, 'GET', '/zkteco/api/devices/AUTHCLOCK04/commands?status=done')).body.items).toEqual([]);
    expect((await api(t, 'GET', '/zkteco/api/devices/AUTHCLOCK04/commands?status=lost')).status).toBe(400);
    expect((await api(t, 'GET', '/zkteco/api/devices/NOPE/commands')).status).toBe(404);
  });

  it('a rejected device takes no commands (409)', async () => {
    await approvedClock(t, 'AUTHCLOCK03');
    await api(t, 'POST', '/zkteco/api/devices/AUTHCLOCK03/reject');
    expect((await api(t, 'POST', '/zkteco/api/devices/AUTHCLOCK03/commands', { body: { command: 'INFO' } })).status).toBe(409);
  });
});
