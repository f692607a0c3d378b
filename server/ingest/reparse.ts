// Journal replay: punch uploads (ATTLOG, RTLOG) read again from the journal through the current parser,
// after a parser fix. Idempotent: a punch already stored is not stored again. Other tables carry state a
// later change supersedes (a clock's user record, a command result), so they are not replayed.
import { z } from 'zod';
import type { Db } from '../db/open.ts';
import { fieldRule, serialProblem } from '../protocol/fields.ts';
import type { UploadApplier } from './apply.ts';

export interface ReparseReport {
  uploads: number;
  punches_added: number;
  lines_rejected: number;
}

/** An instant: ISO 8601 with an offset, or a date (that whole UTC day, from its start or to its end). */
const instant = (endOfDay: boolean) =>
  z.string().transform((text, ctx) => {
    const value = text.trim();
    const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T${endOfDay ? '23:59:59.999' : '00:00:00'}Z` : value;
    const at = new Date(date);
    if (!/^\d{4}-\d{2}-\d{2}(T.+(Z|[+-]\d{2}:?\d{2}))$/.test(date) || Number.isNaN(at.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 time with an offset, or a date YYYY-MM-DD' });
      return z.NEVER;
    }
    return at;
  });

/** `--sn`, `--from`, `--to` of `npm run reparse` and the body of POST /zkteco/api/uploads/reparse. */
export const reparseRangeSchema = z
  .strictObject({
    sn: z
      .string()
      .trim()
      .superRefine(fieldRule(serialProblem))
      .optional(),
    from: instant(false).optional(),
    to: instant(true).optional(),
  })
  .refine((r) => !r.from || !r.to || r.from <= r.to, { message: 'must not be before from', path: ['to'] });

export type ReparseRange = z.infer<typeof reparseRangeSchema>;

const BATCH = 100;

/** Re-applies the punch uploads of approved clocks received in the range (by `received_at`), oldest first. */
export async function reparseUploads(deps: { db: Db; applier: UploadApplier }, range: ReparseRange): Promise<ReparseReport> {
  const report: ReparseReport = { uploads: 0, punches_added: 0, lines_rejected: 0 };
  let after = -1n;
  for (;;) {
    const batch = await deps.db.upload.findMany({
      where: {
        id: { gt: after },
        table: { in: ['ATTLOG', 'RTLOG'] },
        outcome: { notIn: ['held', 'ignored'] },
        ...(range.sn ? { sn: range.sn } : {}),
        receivedAt: { ...(range.from ? { gte: range.from } : {}), ...(range.to ? { lte: range.to } : {}) },
      },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
    const devices = new Map(
      (await deps.db.device.findMany({ where: { sn: { in: [...new Set(batch.map((u) => u.sn))] }, state: 'approved' } })).map((d) => [d.sn, d]),
    );
    for (const upload of batch) {
      const device = devices.get(upload.sn);
      const outcome = device ? await deps.applier.reapplyPunches(upload, device) : null;
      if (!outcome) continue;
      report.uploads++;
      report.punches_added += outcome.punchesAdded;
      report.lines_rejected += outcome.errors.length;
    }
    if (batch.length < BATCH) return report;
    after = batch.at(-1)!.id;
  }
}
