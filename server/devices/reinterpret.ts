// A clock's punches were read in the wrong zone: from a device-local time on, their instants are computed
// again in its new zone. Only punches from the journal (the clock's own uploads) are: their local time is
// what the clock showed. An API punch may have come with its own offset, so it keeps its instant.
import type { Db } from '../db/open.ts';
import { localToInstant } from '../protocol/time.ts';

const BATCH = 2_000;

/** Recomputes the instants of `sn`'s journaled punches at or after `fromLocal` in `zone`; returns how many changed. */
export async function reinterpretPunches(db: Db, sn: string, fromLocal: string, zone: string): Promise<number> {
  let changed = 0;
  let afterId = 0n;
  for (;;) {
    const rows = await db.punch.findMany({
      where: { deviceSn: sn, localTime: { gte: fromLocal }, uploadId: { not: null }, id: { gt: afterId } },
      select: { id: true, localTime: true, instant: true },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
    const moved = rows
      .map((r) => ({ id: r.id, before: r.instant, after: localToInstant(r.localTime, zone) }))
      .filter((r) => r.after.getTime() !== r.before.getTime());
    if (moved.length > 0) {
      await db.$executeRaw`UPDATE punches p SET instant = m.instant
        FROM unnest(${moved.map((r) => String(r.id))}::bigint[], ${moved.map((r) => r.after.toISOString())}::timestamptz[]) AS m(id, instant)
        WHERE p.id = m.id`;
    }
    changed += moved.length;
    if (rows.length < BATCH) return changed;
    afterId = rows.at(-1)!.id;
  }
}
