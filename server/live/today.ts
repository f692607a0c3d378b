// What the live page shows, read from the database: today's punches (with names), the devices.
import { DateTime } from 'luxon';
import { API_DEVICE_SN } from '../api/api-devices.ts';
import { ONLINE_WINDOW_MS } from '../api/devices.ts';
import type { Device, Punch } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import { formatOffset, zoneMismatch } from '../devices/clock-offset.ts';
import type { PunchEvent } from '../ingest/events.ts';
import type { CatchUpCursor, LiveDevice, LivePunch } from './events.ts';

/** Rows committed after a newer row (concurrent uploads) still arrive within this margin of receipt. */
const OUT_OF_ORDER_MARGIN_MS = 60_000;

/** A shop's day can hold many punches; the page shows at most this many. */
const MAX_PUNCHES = 5_000;

// Codes of the newer (2.4) firmware table, protocol.md §5.1; the raw code is shown for the rest.
const VERIFY_LABELS: Record<number, string> = { 0: 'any', 1: 'fingerprint', 2: 'PIN', 3: 'password', 4: 'card', 15: 'face', 200: 'other' };

export function verifyLabel(code: number | null): string {
  if (code === null) return '—';
  const known = VERIFY_LABELS[code];
  if (known) return known;
  if (code >= 5 && code <= 14) return 'combined';
  if (code >= 16 && code <= 20) return 'face + other';
  if (code >= 21 && code <= 24) return 'finger vein';
  if (code >= 25 && code <= 29) return 'palm';
  return `code ${code}`;
}

export interface ShopDay {
  day: string;
  start: Date;
  end: Date;
}

export function shopDay(now: Date, zone: string): ShopDay {
  const start = DateTime.fromJSDate(now, { zone }).startOf('day');
  return { day: start.toFormat('yyyy-MM-dd'), start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate() };
}

/** `zone`: DEVICE_TIMEZONE (or the server's), for a clock with no zone of its own. */
export function liveDevice(device: Device, now: Date, zone: string): LiveDevice {
  const lastSeen = device.lastSeenAt;
  return {
    sn: device.sn,
    name: device.name,
    state: device.state,
    lastSeen: lastSeen?.toISOString() ?? null,
    online: lastSeen ? now.getTime() - lastSeen.getTime() < ONLINE_WINDOW_MS : false,
    driftSeconds: device.driftSeconds,
    pseudo: device.sn === API_DEVICE_SN,
    zoneMismatch: zoneMismatch(device, device.timezone ?? zone),
    observedOffset: device.clockOffsetMinutes === null ? null : formatOffset(device.clockOffsetMinutes),
  };
}

type PunchLike = Pick<Punch, 'deviceSn' | 'pin' | 'localTime' | 'punchType' | 'verify' | 'source'> & {
  id: string;
  instant: string;
  receivedAt: string;
};

/** Where names come from: the database for a snapshot, the in-memory directory for a live event. */
export interface Names {
  employeeName(pin: string): string | null;
  deviceName(sn: string): string;
}

function toLivePunch(p: PunchLike, names: Names): LivePunch {
  return {
    id: p.id,
    deviceSn: p.deviceSn,
    device: names.deviceName(p.deviceSn),
    pin: p.pin,
    name: names.employeeName(p.pin),
    localTime: p.localTime,
    instant: p.instant,
    punchType: p.punchType as LivePunch['punchType'],
    verifyLabel: verifyLabel(p.verify),
    source: p.source,
    receivedAt: p.receivedAt,
  };
}

/** Adds employee and device names: one query each for the whole batch. */
export async function withNames(db: Db, punches: PunchLike[]): Promise<LivePunch[]> {
  if (punches.length === 0) return [];
  const pins = [...new Set(punches.map((p) => p.pin))];
  const sns = [...new Set(punches.map((p) => p.deviceSn))];
  const [employees, devices] = await Promise.all([
    db.employee.findMany({ where: { pin: { in: pins }, deletedAt: null }, select: { pin: true, name: true } }),
    db.device.findMany({ where: { sn: { in: sns } }, select: { sn: true, name: true } }),
  ]);
  const nameOf = new Map(employees.map((e) => [e.pin, e.name || null]));
  const deviceOf = new Map(devices.map((d) => [d.sn, d.name || d.sn]));
  const names: Names = { employeeName: (pin) => nameOf.get(pin) ?? null, deviceName: (sn) => deviceOf.get(sn) ?? sn };
  return punches.map((p) => toLivePunch(p, names));
}

export const fromRow = (p: Punch): PunchLike => ({ ...p, id: String(p.id), instant: p.instant.toISOString(), receivedAt: p.receivedAt.toISOString() });

/** Punches just announced by ingest, named, keeping only those of the shop's current day. */
export function livePunches(events: readonly PunchEvent[], day: ShopDay, names: Names): LivePunch[] {
  return events
    .filter((e) => {
      const t = Date.parse(e.instant);
      return t >= day.start.getTime() && t < day.end.getTime();
    })
    .map((e) => toLivePunch(e, names));
}

/** Today's punches, newest first; with a cursor only those the page may have missed. */
export async function todaysPunches(db: Db, day: ShopDay, cursor?: CatchUpCursor): Promise<LivePunch[]> {
  const missed: object[] = [];
  if (cursor?.afterId && /^\d+$/.test(cursor.afterId)) missed.push({ id: { gt: BigInt(cursor.afterId) } });
  const since = cursor?.since ? Date.parse(cursor.since) : NaN;
  if (!Number.isNaN(since)) missed.push({ receivedAt: { gte: new Date(since - OUT_OF_ORDER_MARGIN_MS) } });
  const rows = await db.punch.findMany({
    // A voided punch leaves the page, and so "who is in".
    where: { instant: { gte: day.start, lt: day.end }, voidedAt: null, ...(missed.length > 0 ? { OR: missed } : {}) },
    orderBy: [{ instant: 'desc' }, { id: 'desc' }],
    take: MAX_PUNCHES,
  });
  return withNames(db, rows.map(fromRow));
}

export async function allDevices(db: Db, now: Date, zone: string): Promise<LiveDevice[]> {
  const devices = await db.device.findMany({ orderBy: { sn: 'asc' } });
  return devices.map((d) => liveDevice(d, now, zone));
}
