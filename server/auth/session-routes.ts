// Staff sign-in and sign-out: a form at /employees/login that sets the zk_session cookie.
import express, { Router, type CookieOptions, type Request, type Response } from 'express';
import type { Db } from '../db/open.ts';
import { signInPage } from './pages.ts';
import { SESSION_COOKIE, type Authenticator, type Role } from './principal.ts';
import { checkStaffPassword } from './staff.ts';

export const SIGN_IN_PATH = '/employees/login';
export const SIGN_OUT_PATH = '/employees/logout';
export const LIVE_PAGE_PATH = '/employees/attendance/live';

/** A working shift and then some; after it the page sends the user back to the form. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

function cookieOptions(req: Request): CookieOptions {
  // Secure only over https (req.secure honours X-Forwarded-Proto from a local proxy), so plain-http
  // shop installs still work.
  return { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' };
}

export function setSessionCookie(req: Request, res: Response, auth: Authenticator, claims: { sub: string; role: Role }): void {
  const value = auth.signSession(claims, SESSION_TTL_SECONDS);
  res.cookie(SESSION_COOKIE, value, { ...cookieOptions(req), maxAge: SESSION_TTL_SECONDS * 1000 });
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

function sendHtml(res: Response, status: number, html: string): void {
  res.status(status).type('html').set('Cache-Control', 'no-store').send(html);
}

export function sessionRoutes(deps: { db: Db; auth: Authenticator }): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  router.get(SIGN_IN_PATH, (req, res) => {
    const notice = req.query.signed_out === '1' ? 'You are signed out.' : undefined;
    sendHtml(res, 200, signInPage({ next: safeNext(req.query.next), notice }));
  });

  router.post(SIGN_IN_PATH, form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const next = safeNext(body.next);
    const account = username && password ? await checkStaffPassword(deps.db, username, password) : undefined;
    if (!account) {
      sendHtml(res, 401, signInPage({ next, username, error: 'Wrong username or password.' }));
      return;
    }
    setSessionCookie(req, res, deps.auth, { sub: account.username, role: account.role });
    res.redirect(303, next);
  });

  router.post(SIGN_OUT_PATH, (req, res) => {
    clearSessionCookie(req, res);
    res.redirect(303, `${SIGN_IN_PATH}?signed_out=1`);
  });

  return router;
}
