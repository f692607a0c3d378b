// GET /employees/attendance/history/data: the history page's rows (any signed-in staff, or a token).
import { Router } from 'express';
import type { Authenticator } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { shopDay } from '../live/today.ts';
import { PAGE_PATHS } from '../pages/layout.ts';
import { historyQuery, punchHistory } from './history.ts';

export function historyRoutes(deps: { db: Db; auth: Authenticator; clock: Clock; zone: string }): Router {
  const router = Router();
  router.get(`${PAGE_PATHS.history}/data`, deps.auth.require('staff'), async (req, res) => {
    const query = historyQuery.parse(req.query);
    const today = shopDay(deps.clock.now(), deps.zone).day;
    res.set('Cache-Control', 'no-store').json(await punchHistory(deps.db, query, today));
  });
  return router;
}
