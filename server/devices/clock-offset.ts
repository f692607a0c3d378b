// The UTC offset a clock shows, read from its real-time punches: the device-local time of a punch that
// arrived seconds after it was made, minus its arrival, is the clock's offset plus its drift. Pure.
import type { Config } from '../config.ts';
import type { Device } from '../db/generated/client.ts';
import { zoneOffsetMinutes } from '../protocol/time.ts';

/** Less than this from its zone's offset a clock is drifting; farther, it shows another zone (zones differ by quarter hours). */
export const DRIFT_NOT_ZONE_S = 15 * 60;

export interface ClockReading {
  /** The offset the clock shows, in minutes: its zone's when within 15 minutes of it, else the nearest quarter hour. */
  offsetMinutes: number;
  /** How far the clock is ahead (+) or behind (−) of that offset. */
  driftSeconds: number;
}

/** Seconds a clock's local time was ahead of UTC when its punch arrived. */
export function shownOffsetSeconds(localTime: string, receivedAt: Date): number {
  return (Date.parse(`${localTime.replace(' ', 'T')}Z`) - receivedAt.getTime()) / 1000;
}

const closestTo = (samples: readonly number[], target: number) => samples.reduce((a, b) => (Math.abs(b - target) < Math.abs(a - target) ? b : a));

/** Reads the offset and drift from recent samples (seconds ahead of UTC); the sample nearest the offset counts. */
export function readClockOffset(samples: readonly number[], zoneOffsetMin: number): ClockReading {
  const inZone = closestTo(samples, zoneOffsetMin * 60);
  if (Math.abs(inZone - zoneOffsetMin * 60) < DRIFT_NOT_ZONE_S) return { offsetMinutes: zoneOffsetMin, driftSeconds: Math.round(inZone - zoneOffsetMin * 60) };
  const offsetMinutes = Math.round(inZone / 900) * 15;
  return { offsetMinutes, driftSeconds: Math.round(closestTo(samples, offsetMinutes * 60) - offsetMinutes * 60) };
}

type Measured = Pick<Device, 'clockOffsetMinutes' | 'clockOffsetAt'>;

/** The clock shows an offset other than its zone's (at the time it was measured). */
export function zoneMismatch(device: Measured, zone: string): boolean {
  if (device.clockOffsetMinutes === null || !device.clockOffsetAt) return false;
  return device.clockOffsetMinutes !== zoneOffsetMinutes(zone, device.clockOffsetAt);
}

/** `+01:00`, `-03:30`: an offset in minutes as people write it. */
export function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * The TimeZone a clock may be told now: its chosen zone's offset; with no zone chosen, the offset it shows
 * itself (once measured), so nothing moves it; null when neither is known (the option is left out).
 */
export function offsetToTell(chosenZone: string | null, device: Measured, now: Date): number | null {
  if (chosenZone) return zoneOffsetMinutes(chosenZone, now);
  return device.clockOffsetMinutes;
}

/** A warning for the start-up banner: on a server in UTC with DEVICE_TIMEZONE unset, punches are read in UTC. */
export function unsetZoneWarning(config: Pick<Config, 'deviceTimezone' | 'deviceTimezoneSet'>, now: Date): string | null {
  if (config.deviceTimezoneSet) return null;
  const year = now.getUTCFullYear();
  const alwaysUtc = [0, 6].every((month) => zoneOffsetMinutes(config.deviceTimezone, new Date(Date.UTC(year, month, 15))) === 0);
  if (!alwaysUtc) return null;
  return `Warning: this server runs in UTC (${config.deviceTimezone}) and DEVICE_TIMEZONE is unset: punches of a clock without a zone are read as UTC, and no clock is told a time zone until you set one (DEVICE_TIMEZONE=Europe/Paris, or per clock at approval or with PATCH /zkteco/api/devices/:sn).`;
}
