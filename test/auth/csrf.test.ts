// Cross-site requests cannot ride the admin's cookie: a state-changing cookie request needs the page's
// CSRF token, the JSON API takes only JSON bodies, Bearer clients need neither; pages carry the token
// and security headers with a CSP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestReceiver } from '../support/receiver.ts';
import { ADMIN, asBrowser, csrfOf, receiverWithStaff, signedIn, type Browser } from '../support/session.ts';

let r: TestReceiver;
let admin: Browser;
beforeAll(async () => {
  r = await receiverWithStaff();
  admin = await signedIn(r.url, ADMIN.user, ADMIN.password);
});
afterAll(() => r?.close());

const employee = (pin: string) => r.database.prisma.employee.findUnique({ where: { pin } });

describe('the attack of today: a page on another site posts with the admin cookie', () => {
  it('a text/plain form post to /zkteco/api/employees creates nobody', async () => {
    // What <form enctype="text/plain" action=".../zkteco/api/employees" method="post"> sends.
    const res = await fetch(`${r.url}/zkteco/api/employees`, {
      method: 'POST',
      headers: { Cookie: admin.cookie, 'Content-Type': 'text/plain', Origin: 'https://evil.example' },
      body: '{"pin":"666","name":"Intruder","x":"=1"}',
    });
    expect([403, 415]).toContain(res.status);
    expect(await employee('666')).toBeNull();
  });

  it('a form post approving a clock or sending REBOOT is refused', async () => {
    await fetch(`${r.url}/iclock/cdata?SN=PEND0001&options=all`).then((res) => res.text());
    for (const [path, body] of [
      ['/zkteco/api/devices/PEND0001/approve', ''],
      ['/zkteco/api/devices/PEND0001/commands', 'command=REBOOT'],
    ] as const) {
      const res = await fetch(r.url + path, { method: 'POST', headers: { Cookie: admin.cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body });
      expect([403, 415]).toContain(res.status);
    }
    expect((await r.database.prisma.device.findUnique({ where: { sn: 'PEND0001' } }))?.state).toBe('pending');
    expect(await r.database.prisma.command.count({ where: { deviceSn: 'PEND0001' } })).toBe(0);
  });
});

describe('CSRF token on cookie sessions', () => {
  it('a JSON request with the cookie but without the token is 403, with a wrong one 403, with it 201', async () => {
    const send = (pin: string, csrf: string | null) => fetch(`${r.url}/zkteco/api/employees`, { method: 'POST', ...asBrowser(admin, { pin, name: 'Token Test' }, csrf) });
    const missing = await send('701', null);
    expect(missing.status).toBe(403);
    expect((await missing.json()).error).toBe('csrf');
    expect((await send('702', 'not-the-token')).status).toBe(403);
    expect((await send('703', admin.csrf)).status).toBe(201);
    expect(await employee('701')).toBeNull();
    expect(await employee('702')).toBeNull();
  });

  it("another session's token does not fit this session", async () => {
    const other = await signedIn(r.url, ADMIN.user, ADMIN.password);
    const res = await fetch(`${r.url}/zkteco/api/employees`, { method: 'POST', ...asBrowser(admin, { pin: '704', name: 'X' }, other.csrf) });
    expect(res.status).toBe(403);
  });

  it('reading needs no token', async () => {
    expect((await fetch(`${r.url}/zkteco/api/employees`, asBrowser(admin, undefined, null))).status).toBe(200);
  });

  it('Bearer clients are unaffected: no token needed', async () => {
    const res = await fetch(`${r.url}/zkteco/api/employees`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${r.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ pin: '705', name: 'Script' }),
    });
    expect(res.status).toBe(201);
  });

  it('every page carries its session token in <meta name="csrf-token">', async () => {
    for (const path of ['/employees/attendance/live', '/employees/attendance/history', '/employees/attendance/timesheets', '/employees/admin/clocks', '/employees/admin/employees', '/employees/admin/staff', '/employees/account/password']) {
      const html = await (await fetch(r.url + path, { headers: { Cookie: admin.cookie } })).text();
      expect(csrfOf(html), path).toBe(admin.csrf);
      // The sign-out form posts it too.
      expect(html, path).toContain(`name="_csrf" value="${admin.csrf}"`);
    }
  });
});

describe('the JSON API takes JSON bodies only', () => {
  it('415 for a body that is not application/json, Bearer or not; the CSV import takes text/csv', async () => {
    const auth = { Authorization: `Bearer ${r.token}` };
    const post = (path: string, type: string, body: string) => fetch(r.url + path, { method: 'POST', headers: { ...auth, 'Content-Type': type }, body });
    const plain = await post('/zkteco/api/attendance', 'text/plain', '{"user_id":1,"timestamp":"2025-12-07 08:30:15","punch_type":"in"}');
    expect(plain.status).toBe(415);
    expect((await plain.json()).message).toMatch(/application\/json/);
    expect((await post('/zkteco/api/employees', 'application/x-www-form-urlencoded', 'pin=9&name=x')).status).toBe(415);
    expect((await post('/zkteco/api/employees/import', 'text/plain', 'pin,name\n9,x\n')).status).toBe(415);
    expect((await post('/zkteco/api/employees/import', 'text/csv', 'pin,name\n9,Nine\n')).status).toBe(200);
    expect((await post('/zkteco/api/attendance', 'application/json; charset=utf-8', '{"user_id":1,"timestamp":"2025-12-07 08:30:15","punch_type":"in"}')).status).toBe(201);
  });
});

describe('security headers', () => {
  it('pages and API answer with a CSP, no framing by other sites, nosniff', async () => {
    for (const path of ['/employees/login', '/employees/attendance/live', '/zkteco/api/employees']) {
      const res = await fetch(r.url + path, { headers: { Cookie: admin.cookie }, redirect: 'manual' });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'self'");
      expect(csp, path).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
    }
  });

  it('a clock gets none of them: its replies stay as protocol.md shows', async () => {
    const res = await fetch(`${r.url}/iclock/getrequest?SN=PEND0001`);
    expect(res.headers.get('content-security-policy')).toBeNull();
  });
});
