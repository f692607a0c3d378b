// Stores punches idempotently: multi-row INSERT … ON CONFLICT DO NOTHING, keyed on (device serial, PIN,
// device-local time), in chunks that let other requests run in between. Announces only the rows that are new.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Punch } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import { punchTypeOf, type ParsedPunch, type PunchType } from '../protocol/attlog.ts';
import { localToInstant } from '../protocol/time.ts';
import type { IngestBus, PunchEvent } from './events.ts';

export interface PunchToStore extends ParsedPunch {
  /** The API may say in/out itself; devices leave it to the status code. */
  punchType?: PunchType;
  /** Known instant (ISO input with an offset); else computed from the zone. */
  instant?: Date;
}

export interface StoreContext {
  deviceSn: string;
  zone: string;
  source: 'device' | 'relay' | 'api';
  uploadId?: bigint;
  receivedAt: Date;
}

export const punchKey = (p: { pin: string; localTime: string }) => `${p.pin}\u0000${p.localTime}`;

export function toPunchEvent(p: Punch): PunchEvent {
  return {
    id: String(p.id),
    deviceSn: p.deviceSn,
    pin: p.pin,
    localTime: p.localTime,
    instant: p.instant.toISOString(),
    punchType: p.punchType as PunchEvent['punchType'],
    status: p.status,
    verify: p.verify,
    source: p.source,
    receivedAt: p.receivedAt.toISOString(),
  };
}

/** Set only by corrections (server/corrections): an ingested punch is neither void nor manual. */
const UNCORRECTED = { voidedAt: null, voidedBy: null, voidReason: null, addedBy: null, addReason: null } as const;

export type PunchRow = Omit<Punch, 'id' | keyof typeof UNCORRECTED>;

/** Rows for one device's punches; in-body duplicates collapse (first wins). */
export function punchRows(ctx: StoreContext, punches: readonly PunchToStore[]): PunchRow[] {
  const seen = new Set<string>();
  const rows: PunchRow[] = [];
  for (const p of punches) {
    const key = punchKey(p);
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({
      deviceSn: ctx.deviceSn,
      pin: p.pin,
      localTime: p.localTime,
      instant: p.instant ?? localToInstant(p.localTime, ctx.zone),
      status: p.status,
      punchType: p.punchType ?? punchTypeOf(p.status),
      verify: p.verify,
      workcode: p.workcode,
      source: ctx.source,
      uploadId: ctx.uploadId ?? null,
      receivedAt: ctx.receivedAt,
    });
  }
  return rows;
}

/**
 * One INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING for all rows: atomic, and eleven array
 * parameters instead of eleven per row (Prisma's createMany costs ~10× more per row). Only the keys come
 * back: the rest of each new row is what we sent. Announces the new rows after commit.
 */
export async function insertPunchRows(db: Db, bus: IngestBus, rows: readonly PunchRow[]): Promise<Punch[]> {
  if (rows.length === 0) return [];
  const col = <T>(pick: (r: PunchRow) => T) => rows.map(pick);
  const inserted = await db.$queryRaw<{ id: bigint; device_sn: string; pin: string; local_time: string }[]>`
    INSERT INTO punches (device_sn, pin, local_time, instant, status, punch_type, verify, workcode, source, upload_id, received_at)
    SELECT * FROM unnest(
      ${col((r) => r.deviceSn)}::text[], ${col((r) => r.pin)}::text[], ${col((r) => r.localTime)}::text[],
      ${col((r) => r.instant.toISOString())}::timestamptz[], ${col((r) => r.status)}::int[], ${col((r) => r.punchType)}::text[],
      ${col((r) => r.verify)}::int[], ${col((r) => r.workcode)}::text[], ${col((r) => r.source)}::text[],
      ${col((r) => (r.uploadId === null ? null : String(r.uploadId)))}::bigint[], ${col((r) => r.receivedAt.toISOString())}::timestamptz[])
    ON CONFLICT (device_sn, pin, local_time) DO NOTHING
    RETURNING id, device_sn, pin, local_time`;
  const byKey = new Map(rows.map((r) => [`${r.deviceSn}\u0000${punchKey(r)}`, r]));
  const created: Punch[] = inserted
    .map((r) => ({ ...byKey.get(`${r.device_sn}\u0000${punchKey({ pin: r.pin, localTime: r.local_time })}`)!, ...UNCORRECTED, id: BigInt(r.id) }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  if (created.length > 0) bus.emit('punches', created.map(toPunchEvent));
  return created;
}

/**
 * Rows per statement. One statement costs a few milliseconds of the main thread (the embedded database
 * runs on it too); between statements every other request (a clock's poll) gets its turn.
 */
export const CHUNK = 500;

/** Stores a device's punches CHUNK rows at a time, yielding to the event loop between statements. */
export async function storePunches(db: Db, bus: IngestBus, ctx: StoreContext, punches: readonly PunchToStore[]): Promise<Punch[]> {
  const rows = punchRows(ctx, punches);
  const created: Punch[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    if (i > 0) await nextTurn();
    for (const p of await insertPunchRows(db, bus, rows.slice(i, i + CHUNK))) created.push(p);
  }
  return created;
}
