// Sessions an intruder cannot keep: sign-out, a password change and an account's removal or demotion
// end the old sessions at once (open sockets included), and a ?token= sign-in link works only once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLive, signJwt, type LiveClient } from '../live/live-support.ts';
import type { TestReceiver } from '../support/receiver.ts';
import { ADMIN, asBrowser, receiverWithStaff, sessionCookieOf, signedIn, STAFF, type Browser } from '../support/session.ts';

let r: TestReceiver;
beforeAll(async () => {
  r = await receiverWithStaff();
});
afterAll(() => r?.close());

const liveData = (cookie: string) => fetch(`${r.url}/employees/attendance/live/data`, { headers: { Cookie: cookie } }).then((res) => res.status);
const bearer = (body?: unknown) => ({
  headers: { Authorization: `Bearer ${r.token}`, 'Content-Type': 'application/json' },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

/** Resolves when the server closes the socket. */
const closedByServer = (socket: LiveClient) => new Promise<string>((resolve) => socket.once('disconnect', resolve));

async function signOut(b: Browser, csrf: string | null = b.csrf) {
  return fetch(`${r.url}/employees/logout`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Cookie: b.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(csrf === null ? {} : { _csrf: csrf }),
  });
}

describe('sign-out', () => {
  it('ends the session: the old cookie no longer works, and its open socket is closed at once', async () => {
    const b = await signedIn(r.url, STAFF.user, STAFF.password);
    const socket = await connectLive(r.url, { cookie: b.cookie });
    const closed = closedByServer(socket);
    const res = await signOut(b);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/employees/login?signed_out=1');
    expect(await closed).toBe('io server disconnect');
    // The cookie an intruder copied before sign-out is dead: API, page and socket.
    expect(await liveData(b.cookie)).toBe(401);
    const page = await fetch(`${r.url}/employees/attendance/live`, { headers: { Cookie: b.cookie }, redirect: 'manual' });
    expect(page.status).toBe(303);
    await expect(connectLive(r.url, { cookie: b.cookie })).rejects.toThrow(/unauthorized/);
  });

  it('without its CSRF token is refused (403), and the session lives on', async () => {
    const b = await signedIn(r.url, STAFF.user, STAFF.password);
    expect((await signOut(b, null)).status).toBe(403);
    expect((await signOut(b, 'forged')).status).toBe(403);
    expect(await liveData(b.cookie)).toBe(200);
  });
});

describe('a password change', () => {
  it("by the user ends their other sessions (and sockets) at once, keeps the one that changed it", async () => {
    await fetch(`${r.url}/zkteco/api/staff`, { method: 'POST', ...bearer({ username: 'lea', password: 'old password 1', role: 'staff' }) });
    const stolen = await signedIn(r.url, 'lea', 'old password 1');
    const mine = await signedIn(r.url, 'lea', 'old password 1');
    const socket = await connectLive(r.url, { cookie: stolen.cookie });
    const closed = closedByServer(socket);
    const res = await fetch(`${r.url}/employees/account/password`, {
      method: 'POST',
      ...asBrowser(mine, { current_password: 'old password 1', new_password: 'new password 22' }),
    });
    expect(res.status).toBe(200);
    await closed;
    expect(await liveData(stolen.cookie)).toBe(401);
    expect(await liveData(mine.cookie)).toBe(200);
    await expect(signedIn(r.url, 'lea', 'old password 1')).rejects.toThrow(/401/);
    await signedIn(r.url, 'lea', 'new password 22');
  });

  it('needs the current password, a new one of 10 characters or more, and the CSRF token', async () => {
    const b = await signedIn(r.url, 'lea', 'new password 22');
    const post = (body: object, csrf?: string | null) => fetch(`${r.url}/employees/account/password`, { method: 'POST', ...asBrowser(b, body, csrf) });
    expect((await post({ current_password: 'wrong password', new_password: 'another one 333' })).status).toBe(400);
    expect((await post({ current_password: 'new password 22', new_password: 'short' })).status).toBe(400);
    expect((await post({ current_password: 'new password 22', new_password: 'another one 333' }, null)).status).toBe(403);
    expect(await liveData(b.cookie)).toBe(200);
  });

  it('by an admin ends every session of that account', async () => {
    const b = await signedIn(r.url, 'lea', 'new password 22');
    const res = await fetch(`${r.url}/zkteco/api/staff/lea`, { method: 'PATCH', ...bearer({ password: 'set by admin 1' }) });
    expect(res.status).toBe(200);
    expect(await liveData(b.cookie)).toBe(401);
  });
});

describe('an account removed or demoted', () => {
  it('removed: its sessions and sockets end at once', async () => {
    await fetch(`${r.url}/zkteco/api/staff`, { method: 'POST', ...bearer({ username: 'gone', password: 'leaving soon 1', role: 'staff' }) });
    const b = await signedIn(r.url, 'gone', 'leaving soon 1');
    const socket = await connectLive(r.url, { cookie: b.cookie });
    const closed = closedByServer(socket);
    const admin = await signedIn(r.url, ADMIN.user, ADMIN.password);
    expect((await fetch(`${r.url}/zkteco/api/staff/gone`, { method: 'DELETE', ...asBrowser(admin) })).status).toBe(204);
    await closed;
    expect(await liveData(b.cookie)).toBe(401);
  });

  it('demoted: the admin session ends; signing in again gives a staff session', async () => {
    await fetch(`${r.url}/zkteco/api/staff`, { method: 'POST', ...bearer({ username: 'demo', password: 'admin for now', role: 'admin' }) });
    const b = await signedIn(r.url, 'demo', 'admin for now');
    expect((await fetch(`${r.url}/zkteco/api/devices`, { headers: { Cookie: b.cookie } })).status).toBe(200);
    await fetch(`${r.url}/zkteco/api/staff/demo`, { method: 'PATCH', ...bearer({ role: 'staff' }) });
    expect((await fetch(`${r.url}/zkteco/api/devices`, { headers: { Cookie: b.cookie } })).status).toBe(401);
    const again = await signedIn(r.url, 'demo', 'admin for now');
    expect((await fetch(`${r.url}/zkteco/api/devices`, { headers: { Cookie: again.cookie } })).status).toBe(403);
  });
});

describe('a handed-over ?token= link', () => {
  const open = (token: string) => fetch(`${r.url}/employees/attendance/live?token=${encodeURIComponent(token)}`, { redirect: 'manual' });

  it('works once: a replay (same jti) gets no new session', async () => {
    const token = signJwt({ sub: 'erp-user-1', role: 'admin', jti: 'link-1' });
    const first = await open(token);
    expect(first.status).toBe(303);
    expect(await liveData(sessionCookieOf(first))).toBe(200);
    const replay = await open(token);
    expect(replay.status).toBe(401);
    expect(await replay.text()).toContain('already used');
    expect(replay.headers.getSetCookie()).toEqual([]);
  });

  it('works once without a jti too (the token itself is remembered)', async () => {
    const token = signJwt({ sub: 'erp-user-2', role: 'staff' });
    expect((await open(token)).status).toBe(303);
    expect((await open(token)).status).toBe(401);
  });

  it('its session ends at sign-out like any other', async () => {
    const first = await open(signJwt({ sub: 'erp-user-3', role: 'staff' }));
    const cookie = sessionCookieOf(first);
    const page = await fetch(`${r.url}/employees/attendance/live`, { headers: { Cookie: cookie } });
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(await page.text())![1]!;
    await signOut({ cookie, csrf });
    expect(await liveData(cookie)).toBe(401);
  });
});
