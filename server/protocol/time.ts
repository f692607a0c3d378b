// Device-local times: validated, normalised, and turned into instants with the device's IANA zone.
import { DateTime, IANAZone } from 'luxon';

const LOCAL_TIME = /^(\d{4})[-/](\d{2})[-/](\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/** "YYYY-MM-DD HH:MM:SS" for a real calendar time (T or / separators tolerated), else null. */
export function normaliseLocalTime(text: string): string | null {
  const m = LOCAL_TIME.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null;
  return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`;
}

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/**
 * The UTC instant of a device-local time in `zone`. A time skipped by a spring DST change moves forward;
 * a repeated autumn time takes the earlier offset (protocol.md §8.3).
 */
export function localToInstant(localTime: string, zone: string): Date {
  // Luxon already resolves both cases this way; tests pin it (test/protocol/time.test.ts).
  return DateTime.fromFormat(localTime, 'yyyy-MM-dd HH:mm:ss', { zone }).toJSDate();
}

/** Device-local "YYYY-MM-DD HH:MM:SS" of an instant in `zone`. */
export function instantToLocal(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
}

/** Offset of `zone` from UTC at `at`, in minutes. */
export function zoneOffsetMinutes(zone: string, at: Date): number {
  return DateTime.fromJSDate(at, { zone }).offset;
}
