// Helpers for the live page's tests: a clock's ATTLOG upload, a signed-in cookie, a typed socket.
import jwt from 'jsonwebtoken';
import { DateTime } from 'luxon';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, LivePunch, ServerToClientEvents } from '../../server/live/events.ts';
import { TEST_JWT_SECRET } from '../support/receiver.ts';

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export const SHOP_ZONE = 'Europe/Paris';
export const CLOCK_SN = 'LIVE0001';
export const ADMIN = { user: 'boss', password: 'correct horse battery' };
export const LIVE_ENV = { DEVICE_SERIALS: CLOCK_SN, ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password };

/** "YYYY-MM-DD HH:MM:SS" in the shop's zone, `secondsAgo` before now: today's punches for the page. */
export function shopLocalTime(secondsAgo = 0): string {
  return DateTime.now().setZone(SHOP_ZONE).minus({ seconds: secondsAgo }).toFormat('yyyy-MM-dd HH:mm:ss');
}

/** A clock's push of punches, as the device sends it (status 0 = check-in, 1 = check-out; verify 1 = fingerprint). */
export async function clockPunches(url: string, punches: { pin: string; at: string; status?: number; verify?: number }[], sn = CLOCK_SN): Promise<Response> {
  const body = punches.map((p) => `${p.pin}\t${p.at}\t${p.status ?? 0}\t${p.verify ?? 1}\t0\t0\t0\n`).join('');
  const res = await fetch(`${url}/iclock/cdata?SN=${sn}&table=ATTLOG&Stamp=9999`, { method: 'POST', body, headers: { 'Content-Type': 'text/plain' } });
  await res.text();
  return res;
}

/** A clock's upload of its user list (OPERLOG USER records), which names the PINs. */
export async function clockUsers(url: string, users: { pin: string; name: string }[], sn = CLOCK_SN): Promise<Response> {
  const body = users.map((u) => `USER PIN=${u.pin}\tName=${u.name}\tPri=0\tPasswd=\tCard=\tGrp=1\tTZ=0000000000000000\tVerify=0\n`).join('');
  const res = await fetch(`${url}/iclock/cdata?SN=${sn}&table=OPERLOG&OpStamp=9999`, { method: 'POST', body: Buffer.from(body, 'utf8') });
  await res.text();
  return res;
}

/** A host ERP's token: HS256 with the receiver's JWT_SECRET, valid 10 minutes unless `exp` is given. */
export function signJwt(claims: object, options: jwt.SignOptions = {}, secret: jwt.Secret = TEST_JWT_SECRET): string {
  const expiry = 'exp' in claims ? {} : { expiresIn: 600 };
  return jwt.sign(claims, secret, { algorithm: 'HS256', ...expiry, ...options });
}

/** The `zk_session=…` pair from a sign-in response, ready for a Cookie header. */
export function sessionPair(setCookie: string | string[] | undefined): string {
  const cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const found = cookies.find((c) => c.startsWith('zk_session='));
  if (!found) throw new Error(`no zk_session cookie in ${JSON.stringify(cookies)}`);
  return found.split(';')[0]!;
}

export async function signIn(url: string, user = ADMIN.user, password = ADMIN.password): Promise<string> {
  const res = await fetch(`${url}/employees/login`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ username: user, password }),
  });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  return sessionPair(res.headers.getSetCookie());
}

/** Connects with a cookie or an auth token; resolves once connected, rejects with the refusal. */
export function connectLive(url: string, credentials: { cookie?: string; token?: string }, options: { autoConnect?: boolean } = {}): Promise<LiveClient> {
  const socket: LiveClient = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(credentials.token ? { auth: { token: credentials.token } } : {}),
    ...(credentials.cookie ? { extraHeaders: { Cookie: credentials.cookie } } : {}),
    autoConnect: options.autoConnect ?? true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Collects every punch the socket receives; `waitFor` resolves when a matching one has arrived. */
export function collectPunches(socket: LiveClient) {
  const seen: LivePunch[] = [];
  const waiters: { match: (p: LivePunch) => boolean; resolve: (p: LivePunch) => void }[] = [];
  socket.on('punches', (punches) => {
    for (const p of punches) {
      seen.push(p);
      for (const w of [...waiters]) {
        if (w.match(p)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    }
  });
  return {
    seen,
    waitFor(match: (p: LivePunch) => boolean, timeoutMs = 5_000): Promise<LivePunch> {
      const already = seen.find(match);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching punch arrived in time')), timeoutMs);
        waiters.push({ match, resolve: (p) => (clearTimeout(timer), resolve(p)) });
      });
    },
  };
}

export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
