// The zk_session cookie: set when a session starts (sign-in form, handed-over token), cleared when it ends.
import type { CookieOptions, Request, Response } from 'express';
import { SESSION_COOKIE, type Authenticator, type Role } from './principal.ts';
import { SESSION_TTL_SECONDS, type Session } from './sessions.ts';

export const SIGN_IN_PATH = '/employees/login';
export const SIGN_OUT_PATH = '/employees/logout';
export const LIVE_PAGE_PATH = '/employees/attendance/live';

function cookieOptions(req: Request): CookieOptions {
  // Secure only over https (req.secure honours X-Forwarded-Proto from a local proxy), so plain-http
  // shop installs still work.
  return { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' };
}

/** Starts a server-side session and hands its cookie to the browser. */
export async function startSession(
  req: Request,
  res: Response,
  auth: Authenticator,
  claims: { subject: string; role: Role; via: 'password' | 'handoff' },
): Promise<Session> {
  const { cookie, session } = await auth.sessions.create(claims);
  res.cookie(SESSION_COOKIE, cookie, { ...cookieOptions(req), maxAge: SESSION_TTL_SECONDS * 1000 });
  return session;
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, cookieOptions(req));
}

/** Where to go after signing in: only a path on this site, never another host (open redirect). */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return LIVE_PAGE_PATH;
  return value;
}

export function signInUrl(next: string): string {
  return `${SIGN_IN_PATH}?next=${encodeURIComponent(next)}`;
}
