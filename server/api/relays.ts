// Relays report in with their token; staff and admins read the list (the live page shows each backlog).
import { Router } from 'express';
import type { Authenticator } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { AppError } from '../http/errors.ts';
import { heartbeatSchema, recordHeartbeat, relayJson } from '../relays/relays.ts';

export function relayRoutes(deps: { db: Db; auth: Authenticator; clock: Clock }): Router {
  const router = Router();
  router.post('/zkteco/api/relays/heartbeat', deps.auth.require('admin'), async (req, res) => {
    if (res.locals.principal?.kind !== 'token') throw new AppError(403, 'forbidden', 'Relays report with an API token (RELAY_TOKEN)');
    const report = heartbeatSchema.parse(req.body ?? {});
    const relay = await recordHeartbeat(deps.db, report, deps.clock.now(), req.ip);
    res.json(relayJson(relay, deps.clock.now()));
  });
  router.get('/zkteco/api/relays', deps.auth.require('staff'), async (_req, res) => {
    const relays = await deps.db.relay.findMany({ orderBy: { name: 'asc' } });
    const now = deps.clock.now();
    res.json({ items: relays.map((r) => relayJson(r, now)) });
  });
  return router;
}
