// Corrections that never rewrite history (admin): a manual punch says who added it and why; a void
// marks a punch, which stays stored. Each writes its audit entry in the same transaction.
import { Router } from 'express';
import { z } from 'zod';
import { punchJson } from '../api/attendance.ts';
import { resolveApiDevices } from '../api/api-devices.ts';
import { actorOf, recordAudit } from '../audit/audit-log.ts';
import type { Authenticator } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/open.ts';
import { pinField } from '../devices/employee-fields.ts';
import { DeviceNotFound, type DeviceRegistry } from '../devices/registry.ts';
import { AppError } from '../http/errors.ts';
import type { IngestBus } from '../ingest/events.ts';
import { toPunchEvent } from '../ingest/punches.ts';
import { localToInstant, normaliseLocalTime } from '../protocol/time.ts';

export interface CorrectionDeps {
  config: Pick<Config, 'deviceSerials'>;
  db: Db;
  auth: Authenticator;
  bus: IngestBus;
  registry: DeviceRegistry;
  clock: Clock;
}

const reasonField = z
  .string({ error: 'is required: say why' })
  .transform((v) => v.replace(/[\x00-\x1f\x7f]+/g, ' ').trim())
  .pipe(z.string().min(1, 'is required: say why').max(500, 'must be at most 500 characters'));

const manualSchema = z.strictObject({
  pin: pinField,
  time: z.string({ error: 'is required' }).transform((value, ctx) => {
    const local = normaliseLocalTime(value);
    if (!local) ctx.addIssue({ code: 'custom', message: 'must be a device-local time "YYYY-MM-DD HH:MM:SS"' });
    return local ?? z.NEVER;
  }),
  device_sn: z.string().trim().min(1).max(64).optional(),
  punch_type: z.enum(['in', 'out', 'unknown'], { error: 'must be "in", "out" or "unknown"' }).default('unknown'),
  reason: reasonField,
});

const voidSchema = z.strictObject({ reason: reasonField });

/** A manual punch where the employee already has one on that clock at that time. */
export class PunchExists extends Error {}

export function correctionRoutes(deps: CorrectionDeps): Router {
  const router = Router();
  const admin = deps.auth.require('admin');

  router.post('/zkteco/api/attendance/manual', admin, async (req, res) => {
    const input = manualSchema.parse(req.body ?? {});
    const actor = actorOf(res);
    let device: { sn: string; zone: string };
    if (input.device_sn) {
      const found = await deps.db.device.findUnique({ where: { sn: input.device_sn } });
      if (!found) throw new DeviceNotFound(input.device_sn);
      device = { sn: found.sn, zone: deps.registry.zoneOf(found) };
    } else [device] = (await resolveApiDevices(deps, [undefined])) as [{ sn: string; zone: string }];
    const now = deps.clock.now();
    const punch = await deps.db.$transaction(async (tx) => {
      const key = { deviceSn: device.sn, pin: input.pin, localTime: input.time };
      if (await tx.punch.findFirst({ where: key, select: { id: true } })) {
        throw new PunchExists(`Employee ${input.pin} already has a punch at ${input.time} on ${device.sn}`);
      }
      const created = await tx.punch.create({
        data: {
          deviceSn: device.sn,
          pin: input.pin,
          localTime: input.time,
          instant: localToInstant(input.time, device.zone),
          punchType: input.punch_type,
          source: 'manual',
          receivedAt: now,
          addedBy: actor.subject,
          addReason: input.reason,
        },
      });
      await recordAudit(tx, actor, { action: 'punch.manual', entity: 'punch', entityId: String(created.id), reason: input.reason, after: punchJson(created) }, now);
      return created;
    });
    deps.bus.emit('punches', [toPunchEvent(punch)]);
    res.status(201).json(punchJson(punch));
  });

  router.post('/zkteco/api/attendance/:id/void', admin, async (req, res) => {
    const id = String(req.params.id);
    if (!/^\d{1,18}$/.test(id)) throw new AppError(404, 'not_found', `Unknown punch ${id}`);
    const { reason } = voidSchema.parse(req.body ?? {});
    const actor = actorOf(res);
    const now = deps.clock.now();
    const punch = await deps.db.$transaction(async (tx) => {
      const before = await tx.punch.findUnique({ where: { id: BigInt(id) } });
      if (!before) throw new AppError(404, 'not_found', `Unknown punch ${id}`);
      // Only the first void wins: a concurrent one finds the row already marked.
      const marked = await tx.punch.updateMany({ where: { id: before.id, voidedAt: null }, data: { voidedAt: now, voidedBy: actor.subject, voidReason: reason } });
      if (marked.count === 0) throw new AppError(409, 'already_void', `Punch ${id} is already void`);
      const after = await tx.punch.findUniqueOrThrow({ where: { id: before.id } });
      await recordAudit(tx, actor, { action: 'punch.void', entity: 'punch', entityId: id, reason, before: punchJson(before), after: punchJson(after) }, now);
      return after;
    });
    deps.bus.emit('voided', { ids: [id], pins: [punch.pin] });
    res.json(punchJson(punch));
  });

  return router;
}
