// A signed-in browser for tests: the session cookie from the sign-in form and the CSRF token its pages carry.
import { startTestReceiver, type TestReceiver } from './receiver.ts';

export interface Browser {
  cookie: string;
  csrf: string;
}

/** The `zk_session=…` pair of a response's Set-Cookie headers. */
export function sessionCookieOf(res: Response): string {
  const found = res.headers.getSetCookie().find((c) => c.startsWith('zk_session='));
  if (!found) throw new Error(`no zk_session cookie (status ${res.status})`);
  return found.split(';')[0]!;
}

/** The <meta name="csrf-token"> of a page. */
export function csrfOf(html: string): string {
  const m = /<meta name="csrf-token" content="([^"]+)">/.exec(html);
  if (!m) throw new Error('page has no csrf-token meta');
  return m[1]!;
}

export async function signInForm(url: string, username: string, password: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/employees/login`, { method: 'POST', redirect: 'manual', headers, body: new URLSearchParams({ username, password }) });
}

/** Signs in through the form and reads the CSRF token from the live page, as a browser would. */
export async function signedIn(url: string, username: string, password: string): Promise<Browser> {
  const res = await signInForm(url, username, password);
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  const cookie = sessionCookieOf(res);
  const page = await fetch(`${url}/employees/attendance/live`, { headers: { Cookie: cookie } });
  return { cookie, csrf: csrfOf(await page.text()) };
}

/** A call as the pages make it: the cookie, the CSRF header, a JSON body. */
export function asBrowser(b: Browser, body?: unknown, csrf: string | null = b.csrf): RequestInit & { headers: Record<string, string> } {
  return {
    headers: { Cookie: b.cookie, ...(csrf === null ? {} : { 'X-CSRF-Token': csrf }), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    redirect: 'manual',
  };
}

export const ADMIN = { user: 'boss', password: 'correct horse battery' };
export const STAFF = { user: 'ana', password: 'front desk 42' };

/** A receiver with the ADMIN account and a STAFF account. */
export async function receiverWithStaff(env: Record<string, string> = {}): Promise<TestReceiver> {
  const r = await startTestReceiver({ env: { ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password, ...env } });
  const res = await fetch(`${r.url}/zkteco/api/staff`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${r.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: STAFF.user, password: STAFF.password, role: 'staff' }),
  });
  if (res.status !== 201) throw new Error(`staff account: ${res.status} ${await res.text()}`);
  return r;
}
