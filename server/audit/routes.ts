// GET /zkteco/api/audit: the audit log, newest first, filtered by time and entity (admin).
import { Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Authenticator } from '../auth/principal.ts';
import type { Prisma } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import { cursorPage, decodeCursor } from '../api/cursor.ts';
import { auditJson } from './audit-log.ts';

/** An ISO 8601 instant with an offset, or a date: that whole day in the shop's zone (`to` runs through its end). */
const bound = (zone: string, end: boolean) =>
  z.string().transform((text, ctx) => {
    const value = text.trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const day = DateTime.fromISO(value, { zone });
      if (day.isValid) return end ? { lt: day.plus({ days: 1 }).toJSDate() } : { gte: day.toJSDate() };
    } else if (z.iso.datetime({ offset: true }).safeParse(value).success) return end ? { lte: new Date(value) } : { gte: new Date(value) };
    ctx.addIssue({ code: 'custom', message: 'must be a date YYYY-MM-DD or an ISO 8601 time with an offset' });
    return z.NEVER;
  });

export function auditRoutes(deps: { db: Db; auth: Authenticator; zone: string }): Router {
  const router = Router();
  const query = z.object({
    from: bound(deps.zone, false).optional(),
    to: bound(deps.zone, true).optional(),
    entity: z.enum(['punch', 'employee', 'device', 'command']).optional(),
    entity_id: z.string().trim().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().optional(),
  });

  router.get('/zkteco/api/audit', deps.auth.require('admin'), async (req, res) => {
    const q = query.parse(req.query);
    const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
    const where: Prisma.AuditEntryWhereInput = {
      ...(q.entity ? { entity: q.entity } : {}),
      ...(q.entity_id ? { entityId: q.entity_id } : {}),
      at: { ...q.from, ...q.to },
      ...(cursor ? { OR: [{ at: { lt: cursor.instant } }, { at: cursor.instant, id: { lt: cursor.id } }] } : {}),
    };
    const page = await deps.db.auditEntry.findMany({ where, orderBy: [{ at: 'desc' }, { id: 'desc' }], take: q.limit + 1 });
    const { items, next_cursor } = cursorPage(page, q.limit, (e) => ({ instant: e.at, id: e.id }));
    res.json({ items: items.map(auditJson), next_cursor });
  });
  return router;
}
