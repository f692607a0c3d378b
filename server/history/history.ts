// Attendance history for the pages: punches of any day or range (device-local dates), searched by name
// or PIN, filtered by clock, a page at a time; void and manual punches included and marked.
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Prisma } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import type { LivePunch } from '../live/events.ts';
import { fromRow, withNames } from '../live/today.ts';

export const PAGE_SIZE = 50;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const date = z.string().regex(DATE, 'must be YYYY-MM-DD').refine((d) => DateTime.fromISO(d).isValid, 'is not a date');

export const historyQuery = z.object({
  from: date.optional(),
  to: date.optional(),
  q: z.string().trim().max(100).optional(),
  device_sn: z.string().trim().max(64).optional(),
  page: z.coerce.number().int().min(1).default(1),
});

export interface HistoryPunch extends LivePunch {
  void: boolean;
  voidReason: string | null;
}

export interface HistoryPage {
  from: string;
  to: string;
  page: number;
  pages: number;
  total: number;
  items: HistoryPunch[];
  devices: { sn: string; name: string | null }[];
}

export async function punchHistory(db: Db, query: z.infer<typeof historyQuery>, today: string): Promise<HistoryPage> {
  let from = query.from ?? query.to ?? today;
  let to = query.to ?? query.from ?? today;
  if (from > to) [from, to] = [to, from];
  const where: Prisma.PunchWhereInput = { localTime: { gte: `${from} 00:00:00`, lte: `${to} 23:59:59` } };
  if (query.device_sn) where.deviceSn = query.device_sn;
  if (query.q) {
    const named = await db.employee.findMany({ where: { name: { contains: query.q, mode: 'insensitive' } }, select: { pin: true } });
    where.pin = { in: [query.q, ...named.map((e) => e.pin)] };
  }
  const [total, rows, devices] = await Promise.all([
    db.punch.count({ where }),
    db.punch.findMany({ where, orderBy: [{ localTime: 'desc' }, { id: 'desc' }], skip: (query.page - 1) * PAGE_SIZE, take: PAGE_SIZE }),
    db.device.findMany({ orderBy: { sn: 'asc' }, select: { sn: true, name: true } }),
  ]);
  const named = await withNames(db, rows.map(fromRow));
  const items = named.map((p, i) => ({ ...p, void: rows[i]!.voidedAt !== null, voidReason: rows[i]!.voidReason }));
  return { from, to, page: query.page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), total, items, devices };
}
