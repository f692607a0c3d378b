// The live page's snapshot JSON and the pages' static assets (the page itself is served by server/pages).
import { Router } from 'express';
import { ONLINE_WINDOW_MS } from '../api/devices.ts';
import type { Authenticator, Principal } from '../auth/principal.ts';
import { LIVE_PAGE_PATH } from '../auth/session-cookie.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { AppError } from '../http/errors.ts';
import { WEB_DIR } from '../pages/layout.ts';
import type { LiveSnapshot } from './events.ts';
import { firstLoad, olderPunches, parseBefore } from './first-load.ts';
import { allDevices, shopDay } from './today.ts';

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
  const [punches, devices] = await Promise.all([firstLoad(deps.db, day), allDevices(deps.db, now, deps.zone)]);
  return { day: day.day, zone: deps.zone, onlineWindowMs: ONLINE_WINDOW_MS, ...punches, devices, viewer: { subject: viewer.subject, role: viewer.role } };
}

export function liveRoutes(deps: LiveRouteDeps): Router {
  const router = Router();

  router.get(`${LIVE_PAGE_PATH}/data`, deps.auth.require('staff'), async (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (req.query.before === undefined) {
      res.json(await liveSnapshot(deps, res.locals.principal as Principal));
      return;
    }
    // An older page of the day the page shows.
    const before = parseBefore(req.query.before);
    if (!before) throw new AppError(400, 'invalid_request', 'before must be <instant>_<id> of the oldest punch shown, e.g. 2026-12-02T08:00:00.000Z_41');
    res.json(await olderPunches(deps.db, shopDay(deps.clock.now(), deps.zone), before));
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
