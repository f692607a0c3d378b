// Device-local times: validated, normalised, and turned into instants with the device's IANA zone.
import { DateTime, IANAZone } from 'luxon';

const LOCAL_TIME = /^(\d{4})[-/](\d{2})[-/](\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/** Clocks count from 1970 at the earliest; `0000-01-01` is a blank clock, not a time (and JS reads years < 100 as 19xx). */
export const EARLIEST_YEAR = 1970;

/** "YYYY-MM-DD HH:MM:SS" for a real calendar time from 1970 on (T or / separators tolerated), else null. */
export function normaliseLocalTime(text: string): string | null {
  const m = LOCAL_TIME.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  if (y < EARLIEST_YEAR || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null;
  return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`;
}

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

const offsetAt = (zone: string, ms: number) => DateTime.fromMillis(ms, { zone }).offset;

/**
 * The UTC instant of a device-local time in `zone`. A repeated autumn time takes the earlier offset
 * (its first occurrence); a time skipped in spring moves forward by the gap (protocol.md §8.3).
 */
export function localToInstant(localTime: string, zone: string): Date {
  const hourKey = `${zone}|${localTime.slice(0, 13)}`;
  const secondsIntoHour = Number(localTime.slice(14, 16)) * 60 + Number(localTime.slice(17, 19));
  let hourStart = hourCache.get(hourKey);
  if (hourStart === undefined) {
    const start = computeInstant(`${localTime.slice(0, 13)}:00:00`, zone).getTime();
    const end = computeInstant(`${localTime.slice(0, 13)}:59:59`, zone).getTime();
    // No offset change inside the hour (nearly always): one entry serves its 3,600 seconds.
    hourStart = end - start === 3_599_000 ? start : null;
    if (hourCache.size >= 20_000) hourCache.clear();
    hourCache.set(hourKey, hourStart);
  }
  if (hourStart !== null) return new Date(hourStart + secondsIntoHour * 1000);
  return computeInstant(localTime, zone);
}

/** Start instant per (zone, local hour); null for an hour a DST change cuts, converted second by second. */
const hourCache = new Map<string, number | null>();

function computeInstant(localTime: string, zone: string): Date {
  const [date, time] = localTime.split(' ') as [string, string];
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi, s] = time.split(':').map(Number) as [number, number, number];
  const naive = Date.UTC(y, mo - 1, d, h, mi, s);
  const day = 86_400_000;
  const offsets = new Set([offsetAt(zone, naive - day), offsetAt(zone, naive), offsetAt(zone, naive + day)]);
  const valid = [...offsets].map((o) => naive - o * 60_000).filter((ms) => offsetAt(zone, ms) * 60_000 === naive - ms);
  if (valid.length > 0) return new Date(Math.min(...valid));
  return new Date(naive - offsetAt(zone, naive - day) * 60_000);
}

/** Device-local "YYYY-MM-DD HH:MM:SS" of an instant in `zone`. */
export function instantToLocal(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
}

/** Local "YYYY-MM-DD HH:MM:SS" of an instant on a clock set to a fixed offset from UTC. */
export function localTimeAtOffset(instant: Date, offsetMinutes: number): string {
  return new Date(instant.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Offset of `zone` from UTC at `at`, in minutes. */
export function zoneOffsetMinutes(zone: string, at: Date): number {
  return DateTime.fromJSDate(at, { zone }).offset;
}
