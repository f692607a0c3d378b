// A host ERP hands a signed-in user over with ?token=<JWT> on a page URL: the token is checked, used up
// (its jti, or its hash when it has none, is kept until it expires, so a replayed link is refused), and
// swapped for a session cookie; the browser is sent to the same URL without the token.
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { AppError } from '../http/errors.ts';
import { refusedTokenPage } from './pages.ts';
import type { Authenticator } from './principal.ts';
import { startSession } from './session-cookie.ts';

/** The request's URL without `token`, so the JWT leaves the address bar and the history. */
function withoutToken(req: Request): string {
  const url = new URL(req.originalUrl, 'http://receiver.invalid');
  url.searchParams.delete('token');
  return url.pathname + url.search;
}

function refuse(res: Response, reason: string): void {
  res.status(401).type('html').set('Cache-Control', 'no-store').send(refusedTokenPage(reason));
}

/** Marks the token used; false when it was used before. */
async function useOnce(db: Db, clock: Clock, id: string, expiresAt: Date): Promise<boolean> {
  await db.usedHandoffToken.deleteMany({ where: { expiresAt: { lt: clock.now() } } });
  const inserted = await db.$executeRaw`INSERT INTO used_handoff_tokens (jti, expires_at) VALUES (${id}, ${expiresAt}) ON CONFLICT (jti) DO NOTHING`;
  return inserted === 1;
}

/** Handles a request carrying ?token=; true when it answered (redirect or refusal). */
export async function handOff(deps: { db: Db; auth: Authenticator; clock: Clock }, req: Request, res: Response): Promise<boolean> {
  const token = req.query.token;
  if (token === undefined) return false;
  if (typeof token !== 'string' || token === '') {
    refuse(res, 'The link carries no usable token.');
    return true;
  }
  let claims;
  try {
    claims = deps.auth.verifyJwt(token);
  } catch (err) {
    refuse(res, err instanceof AppError ? err.message : 'The token could not be verified.');
    return true;
  }
  const id = claims.jti ?? `sha256:${createHash('sha256').update(token).digest('hex')}`;
  if (!(await useOnce(deps.db, deps.clock, id, new Date(claims.exp * 1000)))) {
    refuse(res, 'This sign-in link was already used: each link works once.');
    return true;
  }
  await startSession(req, res, deps.auth, { subject: claims.sub, role: claims.role, via: 'handoff' });
  res.set('Referrer-Policy', 'no-referrer');
  res.redirect(303, withoutToken(req));
  return true;
}
