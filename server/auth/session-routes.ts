// Staff sign-in and sign-out: a form at /employees/login that starts a server-side session (cookie),
// limited to 10 failures per 15 minutes per username and per address; sign-out ends the session.
import express, { Router, type Response } from 'express';
import type { Db } from '../db/open.ts';
import { AppError } from '../http/errors.ts';
import { assertCsrf } from './csrf.ts';
import { signInPage } from './pages.ts';
import type { Authenticator } from './principal.ts';
import { clearSessionCookie, safeNext, SIGN_IN_PATH, SIGN_OUT_PATH, startSession } from './session-cookie.ts';
import { SignInLimit } from './sign-in-limit.ts';
import { checkStaffPassword } from './staff.ts';

function sendHtml(res: Response, status: number, html: string): void {
  res.status(status).type('html').set('Cache-Control', 'no-store').send(html);
}

export function sessionRoutes(deps: { db: Db; auth: Authenticator }): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  const limit = new SignInLimit();

  router.get(SIGN_IN_PATH, (req, res) => {
    const notice = req.query.signed_out === '1' ? 'You are signed out.' : undefined;
    sendHtml(res, 200, signInPage({ next: safeNext(req.query.next), notice }));
  });

  router.post(SIGN_IN_PATH, form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const next = safeNext(body.next);
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    // Checked before the password: while blocked, even the right password is not tried.
    const blocked = await limit.blocked(username, address);
    if (blocked) {
      res.set('Retry-After', String(blocked.retryAfterSeconds));
      sendHtml(res, 429, signInPage({ next, username, error: blocked.message }));
      return;
    }
    const account = username && password ? await checkStaffPassword(deps.db, username, password) : undefined;
    if (!account) {
      await limit.failed(username, address);
      sendHtml(res, 401, signInPage({ next, username, error: 'Wrong username or password.' }));
      return;
    }
    await startSession(req, res, deps.auth, { subject: account.username, role: account.role, via: 'password' });
    res.redirect(303, next);
  });

  router.post(SIGN_OUT_PATH, form, async (req, res) => {
    let principal;
    try {
      principal = await deps.auth.principalOf(req);
    } catch (err) {
      // A session that already ended: nothing to end, only the cookie to drop.
      if (!(err instanceof AppError)) throw err;
    }
    if (principal?.session) {
      assertCsrf(req, principal);
      await deps.auth.sessions.end(principal.session.id);
    }
    clearSessionCookie(req, res);
    res.redirect(303, `${SIGN_IN_PATH}?signed_out=1`);
  });

  return router;
}
