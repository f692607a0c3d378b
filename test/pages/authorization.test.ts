// Who may open what: each page without a session goes to sign-in (its JSON answers 401), a staff
// session gets 403 on the admin pages and routes, an admin gets everything; `/` goes to the live page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestReceiver } from '../support/receiver.ts';
import { ADMIN, asBrowser, receiverWithStaff, signedIn, STAFF, type Browser } from '../support/session.ts';

let r: TestReceiver;
let admin: Browser;
let staff: Browser;
beforeAll(async () => {
  r = await receiverWithStaff();
  admin = await signedIn(r.url, ADMIN.user, ADMIN.password);
  staff = await signedIn(r.url, STAFF.user, STAFF.password);
});
afterAll(() => r?.close());

const STAFF_PAGES = ['/employees/attendance/live', '/employees/attendance/history', '/employees/attendance/timesheets', '/employees/account/password'];
const ADMIN_PAGES = ['/employees/admin/clocks', '/employees/admin/employees', '/employees/admin/staff'];

const get = (path: string, b?: Browser) => fetch(r.url + path, { redirect: 'manual', headers: b ? { Cookie: b.cookie } : {} });

describe('pages', () => {
  it('/ goes to the live page, which without a session goes to sign-in', async () => {
    const root = await get('/');
    expect(root.status).toBe(303);
    expect(root.headers.get('location')).toBe('/employees/attendance/live');
  });

  it.each([...STAFF_PAGES, ...ADMIN_PAGES])('%s: anonymous → sign-in form that comes back here', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/employees/login?next=${encodeURIComponent(path)}`);
  });

  it.each(STAFF_PAGES)('%s: open to staff and admins', async (path) => {
    expect((await get(path, staff)).status).toBe(200);
    expect((await get(path, admin)).status).toBe(200);
  });

  it.each(ADMIN_PAGES)('%s: 403 page for staff, open to admins, linked only for admins', async (path) => {
    const refused = await get(path, staff);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('This page is for admins');
    const page = await get(path, admin);
    expect(page.status).toBe(200);
    const live = async (b: Browser) => (await get('/employees/attendance/live', b)).text();
    expect(await live(admin)).toContain(`href="${path}"`);
    expect(await live(staff)).not.toContain(`href="${path}"`);
  });
});

describe('page data and staff routes', () => {
  const routes: { method: string; path: string; body?: unknown; admin: boolean }[] = [
    { method: 'GET', path: '/employees/attendance/live/data', admin: false },
    { method: 'GET', path: '/employees/attendance/history/data', admin: false },
    { method: 'GET', path: '/zkteco/api/attendance', admin: false },
    { method: 'GET', path: '/zkteco/api/staff', admin: true },
    { method: 'POST', path: '/zkteco/api/staff', body: { username: 'x', password: 'long enough 1' }, admin: true },
    { method: 'PATCH', path: '/zkteco/api/staff/nobody', body: { role: 'staff' }, admin: true },
    { method: 'DELETE', path: '/zkteco/api/staff/nobody', admin: true },
    { method: 'GET', path: '/zkteco/api/devices', admin: true },
    { method: 'POST', path: '/zkteco/api/employees', body: { pin: '1', name: 'One' }, admin: true },
  ];

  it.each(routes)('$method $path: 401 anonymous, staff session $admin ? 403 : ok', async (route) => {
    const anonymous = await fetch(r.url + route.path, {
      method: route.method,
      ...(route.body ? { body: JSON.stringify(route.body), headers: { 'Content-Type': 'application/json' } } : {}),
    });
    expect(anonymous.status).toBe(401);
    const asStaff = await fetch(r.url + route.path, { method: route.method, ...asBrowser(staff, route.body) });
    if (route.admin) expect(asStaff.status).toBe(403);
    else expect(asStaff.status).toBe(200);
    const asAdmin = await fetch(r.url + route.path, { method: route.method, ...asBrowser(admin, route.body) });
    expect([200, 201, 204, 404]).toContain(asAdmin.status);
  });
});
