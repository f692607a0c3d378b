// The live page's snapshot JSON and the pages' static assets (the page itself is served by server/pages).
import { Router } from 'express';
import { ONLINE_WINDOW_MS } from '../api/devices.ts';
import type { Authenticator, Principal } from '../auth/principal.ts';
import { LIVE_PAGE_PATH } from '../auth/session-cookie.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { WEB_DIR } from '../pages/layout.ts';
import type { LiveSnapshot } from './events.ts';
import { allDevices, shopDay, todaysPunches } from './today.ts';

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
  const [punches, devices] = await Promise.all([todaysPunches(deps.db, day), allDevices(deps.db, now, deps.zone)]);
  return { day: day.day, zone: deps.zone, onlineWindowMs: ONLINE_WINDOW_MS, punches, devices, viewer: { subject: viewer.subject, role: viewer.role } };
}

export function liveRoutes(deps: LiveRouteDeps): Router {
  const router = Router();

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
