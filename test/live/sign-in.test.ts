// Staff sign-in: the ADMIN_USER account exists after start, the form sets a safe session cookie.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertStaffUser } from '../../server/auth/staff.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { ADMIN, LIVE_ENV, sessionPair } from './live-support.ts';

let r: TestReceiver;

beforeAll(async () => {
  r = await startTestReceiver({ env: LIVE_ENV });
  await upsertStaffUser(r.database.prisma, { username: 'ana', password: 'front desk 42', role: 'staff' });
});
afterAll(() => r?.close());

const signIn = (username: string, password: string, next?: string) =>
  request(r.url)
    .post('/employees/login')
    .type('form')
    .send({ username, password, ...(next ? { next } : {}) });

describe('staff sign-in', () => {
  it('keeps ADMIN_USER as an admin account with a bcrypt hash, never the password', async () => {
    const admin = await r.database.prisma.staffUser.findUnique({ where: { username: ADMIN.user } });
    expect(admin?.role).toBe('admin');
    expect(admin?.passwordHash).toMatch(/^\$2[aby]\$10\$/);
    expect(admin?.passwordHash).not.toContain(ADMIN.password);
  });

  it('shows the sign-in form', async () => {
    const res = await request(r.url).get('/employees/login');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('name="password"');
  });

  it('a good password sets an HttpOnly, SameSite=Lax session cookie and goes to the live page', async () => {
    const res = await signIn(ADMIN.user, ADMIN.password);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/employees/attendance/live');
    const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('zk_session='))!;
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/i);
  });

  it('the cookie is Secure when the request came over https (behind a local proxy)', async () => {
    const res = await signIn(ADMIN.user, ADMIN.password).set('X-Forwarded-Proto', 'https');
    const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('zk_session='))!;
    expect(cookie).toMatch(/; Secure/i);
  });

  it('a wrong password or an unknown user is refused with the form again and no cookie', async () => {
    for (const [user, password] of [
      [ADMIN.user, 'wrong'],
      ['nobody', ADMIN.password],
      [ADMIN.user, ''],
    ] as const) {
      const res = await signIn(user, password);
      expect(res.status).toBe(401);
      expect(res.text).toContain('Wrong username or password');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('a staff account signs in as staff: the live data is open, admin routes answer 403', async () => {
    const res = await signIn('ana', 'front desk 42');
    const cookie = sessionPair(res.headers['set-cookie']);
    const data = await request(r.url).get('/employees/attendance/live/data').set('Cookie', cookie);
    expect(data.status).toBe(200);
    expect(data.body.viewer).toEqual({ subject: 'ana', role: 'staff' });
    const devices = await request(r.url).get('/zkteco/api/devices').set('Cookie', cookie);
    expect(devices.status).toBe(403);
  });

  it('goes back to the page asked for, but never to another site', async () => {
    expect((await signIn(ADMIN.user, ADMIN.password, '/employees/attendance/live?x=1')).headers.location).toBe('/employees/attendance/live?x=1');
    expect((await signIn(ADMIN.user, ADMIN.password, '//evil.example/')).headers.location).toBe('/employees/attendance/live');
    expect((await signIn(ADMIN.user, ADMIN.password, 'https://evil.example/')).headers.location).toBe('/employees/attendance/live');
  });
});

describe('the live page without a session', () => {
  it('redirects to the sign-in form, which comes back to it', async () => {
    const res = await request(r.url).get('/employees/attendance/live');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/employees/login?next=%2Femployees%2Fattendance%2Flive');
  });

  it('a forged or stale cookie is dropped and sends to the form', async () => {
    const res = await request(r.url).get('/employees/attendance/live').set('Cookie', 'zk_session=not-a-jwt');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/employees\/login/);
    expect([res.headers['set-cookie']].flat().join()).toMatch(/zk_session=;/);
  });

  it('the snapshot JSON answers 401', async () => {
    expect((await request(r.url).get('/employees/attendance/live/data')).status).toBe(401);
  });

  it('with a session, the page is served', async () => {
    const cookie = sessionPair((await signIn(ADMIN.user, ADMIN.password)).headers['set-cookie']);
    const res = await request(r.url).get('/employees/attendance/live').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(res.text).toContain('/socket.io/socket.io.js');
  });
});

describe('sign-out', () => {
  it('clears the cookie and shows the form', async () => {
    const res = await request(r.url).post('/employees/logout');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/employees/login?signed_out=1');
    expect([res.headers['set-cookie']].flat().join()).toMatch(/zk_session=;.*Expires=Thu, 01 Jan 1970/);
  });
});
