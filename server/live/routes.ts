// The live page: a host ERP's one-time ?token= handoff, the page itself, its snapshot JSON and assets.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router, type Request, type Response } from 'express';
import { ONLINE_WINDOW_MS } from '../api/devices.ts';
import { refusedTokenPage } from '../auth/pages.ts';
import type { Authenticator, Principal } from '../auth/principal.ts';
import { clearSessionCookie, LIVE_PAGE_PATH, setSessionCookie, signInUrl } from '../auth/session-routes.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { AppError } from '../http/errors.ts';
import type { LiveSnapshot } from './events.ts';
import { allDevices, shopDay, todaysPunches } from './today.ts';

export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const ASSET = /^[\w-]+\.(css|js|svg|png)$/;

export interface LiveRouteDeps {
  db: Db;
  auth: Authenticator;
  clock: Clock;
  /** The shop's zone: which day "today" is. */
  zone: string;
}

export async function liveSnapshot(deps: LiveRouteDeps, viewer: Principal): Promise<LiveSnapshot> {
  const now = deps.clock.now();
  const day = shopDay(now, deps.zone);
  const [punches, devices] = await Promise.all([todaysPunches(deps.db, day), allDevices(deps.db, now)]);
  return { day: day.day, zone: deps.zone, onlineWindowMs: ONLINE_WINDOW_MS, punches, devices, viewer: { subject: viewer.subject, role: viewer.role } };
}

/** The request's URL without `token`, so the JWT leaves the address bar and the history. */
function withoutToken(req: Request): string {
  const url = new URL(req.originalUrl, 'http://receiver.invalid');
  url.searchParams.delete('token');
  return url.pathname + url.search;
}

function refuse(res: Response, reason: string): void {
  res.status(401).type('html').set('Cache-Control', 'no-store').send(refusedTokenPage(reason));
}

export function liveRoutes(deps: LiveRouteDeps): Router {
  const router = Router();

  router.get(LIVE_PAGE_PATH, (req, res) => {
    const token = req.query.token;
    if (token !== undefined) {
      if (typeof token !== 'string' || token === '') return refuse(res, 'The link carries no usable token.');
      try {
        const claims = deps.auth.verifyJwt(token);
        setSessionCookie(req, res, deps.auth, { sub: claims.sub, role: claims.role });
      } catch (err) {
        return refuse(res, err instanceof AppError ? err.message : 'The token could not be verified.');
      }
      res.set('Referrer-Policy', 'no-referrer');
      return res.redirect(303, withoutToken(req));
    }
    let principal: Principal | undefined;
    try {
      principal = deps.auth.principalOf(req);
    } catch {
      // An expired or foreign session cookie: drop it and ask for a fresh sign-in.
      clearSessionCookie(req, res);
    }
    if (!principal) return res.redirect(303, signInUrl(req.originalUrl));
    res.set('Cache-Control', 'no-store').sendFile('live.html', { root: WEB_DIR });
  });

  router.get(`${LIVE_PAGE_PATH}/data`, deps.auth.require('staff'), async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await liveSnapshot(deps, res.locals.principal as Principal));
  });

  router.get('/employees/assets/:file', (req, res, next) => {
    const file = String(req.params.file);
    if (!ASSET.test(file)) return next();
    res.sendFile(file, { root: WEB_DIR, maxAge: '5m' }, (err) => {
      if (err && !res.headersSent) next();
    });
  });

  return router;
}
