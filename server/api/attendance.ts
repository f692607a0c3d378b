// POST/GET /zkteco/api/attendance: the seed's JSON punches in, the stored punches out.
import { Router } from 'express';
import { z } from 'zod';
import type { Authenticator } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Prisma, Punch } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import type { DeviceRegistry } from '../devices/registry.ts';
import type { IngestBus } from '../ingest/events.ts';
import { insertPunchRows, punchKey, punchRows, type PunchRow } from '../ingest/punches.ts';
import { instantToLocal } from '../protocol/time.ts';
import { AppError } from '../http/errors.ts';
import { attendanceQuery, MAX_BATCH, punchSchema, type PunchInput } from './attendance-input.ts';
import { cursorPage, decodeCursor } from './cursor.ts';
import { resolveApiDevices } from './api-devices.ts';

export interface AttendanceDeps {
  config: Config;
  db: Db;
  bus: IngestBus;
  auth: Authenticator;
  registry: DeviceRegistry;
  clock: Clock;
}

const batchSchema = z.array(punchSchema).min(1, 'a batch needs at least one punch').max(MAX_BATCH, `a batch holds at most ${MAX_BATCH} punches`);

export function punchJson(p: Punch) {
  return {
    id: String(p.id),
    user_id: p.pin,
    device_sn: p.deviceSn,
    timestamp: p.localTime,
    utc: p.instant.toISOString(),
    punch_type: p.punchType,
    status: p.status,
    verify: p.verify,
    source: p.source,
    received_at: p.receivedAt.toISOString(),
    void: p.voidedAt !== null,
    void_reason: p.voidReason,
    voided_by: p.voidedBy,
    voided_at: p.voidedAt?.toISOString() ?? null,
    // A manual punch (source "manual") says who added it and why.
    added_by: p.addedBy,
    reason: p.addReason,
  };
}

export function attendanceRoutes(deps: AttendanceDeps): Router {
  const router = Router();

  router.post('/zkteco/api/attendance', deps.auth.require('staff'), async (req, res) => {
    if (req.body === undefined || typeof req.body !== 'object' || req.body === null) {
      throw new AppError(400, 'invalid_request', 'Body must be a JSON object or an array of objects (Content-Type: application/json)');
    }
    const items: PunchInput[] = Array.isArray(req.body) ? batchSchema.parse(req.body) : [punchSchema.parse(req.body)];
    const now = deps.clock.now();
    const devices = await resolveApiDevices(deps, items.map((i) => i.device_sn));
    const rows: PunchRow[] = items.flatMap((item, index) => {
      const device = devices[index]!;
      const local = item.timestamp.local ?? instantToLocal(item.timestamp.instant!, device.zone);
      const ctx = { deviceSn: device.sn, zone: device.zone, source: 'api' as const, receivedAt: now };
      return punchRows(ctx, [{ pin: item.user_id, localTime: local, instant: item.timestamp.instant, status: item.status ?? null, verify: item.verify ?? null, workcode: null, punchType: item.punch_type }]);
    });
    const unique = new Map(rows.map((r) => [`${r.deviceSn}\u0000${punchKey(r)}`, r]));
    const created = await insertPunchRows(deps.db, deps.bus, [...unique.values()]);
    const createdKeys = new Set(created.map((p) => `${p.deviceSn}\u0000${punchKey(p)}`));
    const missing = [...unique.values()].filter((r) => !createdKeys.has(`${r.deviceSn}\u0000${punchKey(r)}`));
    const existing = missing.length
      ? await deps.db.punch.findMany({ where: { OR: missing.map((r) => ({ deviceSn: r.deviceSn, pin: r.pin, localTime: r.localTime })) } })
      : [];
    res.status(created.length > 0 ? 201 : 200).json({
      created: created.length,
      already_stored: existing.length,
      punches: [...created.map((p) => ({ ...punchJson(p), stored: 'created' })), ...existing.map((p) => ({ ...punchJson(p), stored: 'existing' }))],
    });
  });

  router.get('/zkteco/api/attendance', deps.auth.require('staff'), async (req, res) => {
    const q = attendanceQuery.parse(req.query);
    const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
    const where: Prisma.PunchWhereInput = {
      ...(q.user_id ? { pin: q.user_id } : {}),
      ...(q.device_sn ? { deviceSn: q.device_sn } : {}),
      ...(q.include_void ? {} : { voidedAt: null }),
      instant: { ...(q.from ? { gte: new Date(q.from) } : {}), ...(q.to ? { lte: new Date(q.to) } : {}) },
      ...(cursor ? { OR: [{ instant: { lt: cursor.instant } }, { instant: cursor.instant, id: { lt: cursor.id } }] } : {}),
    };
    const page = await deps.db.punch.findMany({ where, orderBy: [{ instant: 'desc' }, { id: 'desc' }], take: q.limit + 1 });
    const { items, next_cursor } = cursorPage(page, q.limit, (p) => p);
    res.json({ items: items.map(punchJson), next_cursor });
  });

  return router;
}
