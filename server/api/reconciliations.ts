// Admin routes for the count check: run it now for a day, and read each day's outcome per clock.
import { Router } from 'express';
import { z } from 'zod';
import { actorOf, recordAudit } from '../audit/audit-log.ts';
import type { Authenticator } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import type { DeviceRegistry } from '../devices/registry.ts';
import { AppError } from '../http/errors.ts';
import { previousLocalDay, type Reconciler } from '../reconcile/reconciler.ts';

const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'must be a real date');
const runSchema = z.object({ date: dateSchema.optional() }).strict();
const listSchema = z.object({ limit: z.coerce.number().int().min(1).max(366).default(31) });

export function reconciliationRoutes(deps: { db: Db; auth: Authenticator; registry: DeviceRegistry; reconciler: Reconciler; clock: Clock }): Router {
  const router = Router();
  const admin = deps.auth.require('admin');
  const approvedDevice = async (sn: string) => {
    const device = await deps.db.device.findUnique({ where: { sn } });
    if (!device) throw new AppError(404, 'not_found', `Unknown device ${sn}`);
    return device;
  };

  router.post('/zkteco/api/devices/:sn/reconcile', admin, async (req, res) => {
    const { date } = runSchema.parse(req.body ?? {});
    const device = await approvedDevice(String(req.params.sn));
    if (device.state !== 'approved') throw new AppError(409, 'not_approved', `Device ${device.sn} is ${device.state}: approve it before checking its counts`);
    const day = date ?? previousLocalDay(deps.clock.now(), deps.registry.zoneOf(device)).yesterday;
    const row = await deps.reconciler.run(device.sn, day, res.locals.principal.subject);
    await recordAudit(deps.db, actorOf(res), { action: 'command.reconcile', entity: 'command', entityId: row.verifyCommandId === null ? device.sn : String(row.verifyCommandId), after: { device_sn: device.sn, date: day, command_id: row.verifyCommandId } });
    res.status(202).json({ command_id: row.verifyCommandId, date: day, status: row.status });
  });

  router.get('/zkteco/api/devices/:sn/reconciliations', admin, async (req, res) => {
    const { limit } = listSchema.parse(req.query);
    const device = await approvedDevice(String(req.params.sn));
    await deps.reconciler.advance();
    const rows = await deps.db.reconciliation.findMany({ where: { deviceSn: device.sn }, orderBy: { date: 'desc' }, take: limit });
    res.json({
      items: rows.map((r) => ({
        date: r.date,
        device_count: r.deviceCount,
        stored_count: r.storedCount,
        recovered: r.recovered,
        status: r.status,
        verify_command_id: r.verifyCommandId,
        query_command_id: r.queryCommandId,
        requested_by: r.requestedBy,
        updated_at: r.updatedAt.toISOString(),
      })),
    });
  });
  return router;
}
