// Staff accounts over the admin API: create, list (never a hash), change role or password, delete;
// passwords of 10 characters or more; the last admin can be neither deleted nor demoted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { signedIn } from '../support/session.ts';

let r: TestReceiver;
beforeAll(async () => {
  // No ADMIN_USER: the generated first admin `admin` is the only admin.
  r = await startTestReceiver();
});
afterAll(() => r?.close());

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${r.url}/zkteco/api/staff${path}`, {
    method,
    headers: { Authorization: `Bearer ${r.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};

describe('staff accounts', () => {
  it('creates an account (201) that can sign in; lists it without any password or hash', async () => {
    const created = await call('POST', '', { username: 'maria', password: 'ten chars!', role: 'staff' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ username: 'maria', role: 'staff', created_at: expect.any(String) });
    await signedIn(r.url, 'maria', 'ten chars!');
    const list = await call('GET', '');
    expect(list.body.items.map((a: { username: string }) => a.username)).toEqual(['admin', 'maria']);
    expect(JSON.stringify(list.body)).not.toMatch(/hash|\$2[aby]\$/);
  });

  it('refuses a short password, a bad role, unknown fields, a taken username', async () => {
    expect((await call('POST', '', { username: 'bo', password: 'nine char' })).status).toBe(400);
    expect((await call('POST', '', { username: 'bo', password: 'long enough 1', role: 'root' })).status).toBe(400);
    expect((await call('POST', '', { username: 'bo', password: 'long enough 1', admin: true })).status).toBe(400);
    expect((await call('POST', '', { username: 'maria', password: 'long enough 1' })).status).toBe(409);
    const short = await call('PATCH', '/maria', { password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.message).toMatch(/password: must be at least 10 characters/);
  });

  it('the last admin can be neither deleted nor demoted (409); with a second admin it can', async () => {
    const deleted = await call('DELETE', '/admin');
    expect(deleted.status).toBe(409);
    expect(deleted.body.error).toBe('last_admin');
    expect((await call('PATCH', '/admin', { role: 'staff' })).status).toBe(409);
    expect((await call('PATCH', '/maria', { role: 'admin' })).status).toBe(200);
    expect((await call('PATCH', '/admin', { role: 'staff' })).status).toBe(200);
    expect((await call('DELETE', '/maria')).status).toBe(409);
    expect((await call('PATCH', '/admin', { role: 'admin' })).status).toBe(200);
  });

  it('a disabled admin (the generated one after ADMIN_USER was set) does not count as the one left', async () => {
    const before = await r.database.prisma.staffUser.findMany({ where: { role: 'admin' }, select: { username: true } });
    expect((await call('PATCH', '/maria', { role: 'admin' })).status).toBe(200);
    await r.database.prisma.staffUser.updateMany({ where: { username: { in: before.map((u) => u.username) } }, data: { disabledAt: new Date() } });
    try {
      expect((await call('DELETE', '/maria')).body?.error).toBe('last_admin');
      expect((await call('PATCH', '/maria', { role: 'staff' })).status).toBe(409);
    } finally {
      await r.database.prisma.staffUser.updateMany({ data: { disabledAt: null } });
      expect((await call('PATCH', '/maria', { role: 'staff' })).status).toBe(200);
    }
  });

  it('two admins demoting each other at once leave one admin', async () => {
    const both = await Promise.all([call('PATCH', '/admin', { role: 'staff' }), call('PATCH', '/maria', { role: 'staff' })]);
    expect(both.map((b) => b.status).sort()).toEqual([200, 409]);
    expect(await r.database.prisma.staffUser.count({ where: { role: 'admin' } })).toBe(1);
  });

  it('a new password works and the old one no longer does; DELETE is 204, then 404', async () => {
    await call('POST', '', { username: 'temp', password: 'first password' });
    expect((await call('PATCH', '/temp', { password: 'second password' })).status).toBe(200);
    await expect(signedIn(r.url, 'temp', 'first password')).rejects.toThrow(/401/);
    await signedIn(r.url, 'temp', 'second password');
    expect((await call('DELETE', '/temp')).status).toBe(204);
    expect((await call('DELETE', '/temp')).status).toBe(404);
    expect((await call('PATCH', '/temp', { role: 'admin' })).status).toBe(404);
  });
});
