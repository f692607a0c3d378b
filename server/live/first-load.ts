// The live page's first load and its older pages: one query each, only the columns the page shows,
// names joined in the database. A shop's whole day is never sent at once: the newest page, who is in,
// each employee's last punch time (so a late upload cannot put someone back "in") and the day's count.
import { Prisma } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import type { FirstLoad, LivePunch, PunchPage } from './events.ts';
import { verifyLabel, type ShopDay } from './today.ts';

/** Punches per page: the first screenful and then some; older ones come as the user scrolls. */
export const PAGE_SIZE = 200;

interface Row {
  id: string;
  device_sn: string;
  device: string;
  pin: string;
  name: string | null;
  local_time: string;
  instant: string;
  punch_type: LivePunch['punchType'];
  verify: number | null;
  source: string;
  received_at: string;
}

const toLive = (r: Row): LivePunch => ({
  id: r.id,
  deviceSn: r.device_sn,
  device: r.device,
  pin: r.pin,
  name: r.name,
  localTime: r.local_time,
  instant: r.instant,
  punchType: r.punch_type,
  verifyLabel: verifyLabel(r.verify),
  source: r.source,
  receivedAt: r.received_at,
});

/** One row as JSON, named; instants in the ISO form `Date.toISOString()` gives (the page compares them as text). */
const rowJson = Prisma.sql`json_build_object(
  'id', t.id::text, 'device_sn', t.device_sn, 'device', COALESCE(NULLIF(d.name, ''), t.device_sn),
  'pin', t.pin, 'name', NULLIF(e.name, ''), 'local_time', t.local_time,
  'instant', to_char(t.instant AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'punch_type', t.punch_type, 'verify', t.verify, 'source', t.source,
  'received_at', to_char(t.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

const named = Prisma.sql`LEFT JOIN devices d ON d.sn = t.device_sn LEFT JOIN employees e ON e.pin = t.pin AND e.deleted_at IS NULL`;

const today = (day: ShopDay) =>
  Prisma.sql`SELECT id, device_sn, pin, local_time, instant, punch_type, verify, source, received_at
             FROM punches WHERE instant >= ${day.start} AND instant < ${day.end} AND voided_at IS NULL`;

export async function firstLoad(db: Db, day: ShopDay): Promise<FirstLoad> {
  const [row] = await db.$queryRaw<[{ total: bigint; max_id: string | null; page: Row[] | null; present: Row[] | null; last_at: Record<string, string> | null }]>`
    WITH today AS (${today(day)}),
         page AS (SELECT * FROM today ORDER BY instant DESC, id DESC LIMIT ${PAGE_SIZE + 1}),
         latest AS (SELECT DISTINCT ON (pin) * FROM today ORDER BY pin, instant DESC, id DESC)
    SELECT (SELECT count(*) FROM today) AS total,
           (SELECT max(id)::text FROM today) AS max_id,
           (SELECT json_agg(${rowJson} ORDER BY t.instant DESC, t.id DESC) FROM page t ${named}) AS page,
           (SELECT json_agg(${rowJson}) FROM latest t ${named} WHERE t.punch_type = 'in') AS present,
           (SELECT json_object_agg(t.pin, to_char(t.instant AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) FROM latest t) AS last_at`;
  const page = row?.page ?? [];
  return {
    punches: page.slice(0, PAGE_SIZE).map(toLive),
    more: page.length > PAGE_SIZE,
    total: Number(row?.total ?? 0),
    maxId: row?.max_id ?? null,
    present: (row?.present ?? []).map(toLive),
    lastAt: row?.last_at ?? {},
  };
}

/** Where an older page starts: just after the oldest punch the page holds (`<instant>_<id>`). */
export function parseBefore(value: unknown): { instant: Date; id: bigint } | null {
  const match = typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z)_(\d{1,19})$/.exec(value) : null;
  if (!match) return null;
  const instant = new Date(match[1]!);
  return Number.isNaN(instant.getTime()) ? null : { instant, id: BigInt(match[2]!) };
}

export async function olderPunches(db: Db, day: ShopDay, before: { instant: Date; id: bigint }): Promise<PunchPage> {
  const [row] = await db.$queryRaw<[{ page: Row[] | null }]>`
    WITH page AS (SELECT * FROM (${today(day)}) today WHERE (instant, id) < (${before.instant}, ${before.id})
                  ORDER BY instant DESC, id DESC LIMIT ${PAGE_SIZE + 1})
    SELECT json_agg(${rowJson} ORDER BY t.instant DESC, t.id DESC) AS page FROM page t ${named}`;
  const page = row?.page ?? [];
  return { punches: page.slice(0, PAGE_SIZE).map(toLive), more: page.length > PAGE_SIZE };
}
