// Reading the UTC offset a clock shows from its real-time punches, the zone it may be told, the start-up
// warning: pure code, table-tested.
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config.ts';
import { formatOffset, offsetToTell, readClockOffset, shownOffsetSeconds, unsetZoneWarning, zoneMismatch } from '../../server/devices/clock-offset.ts';

describe('readClockOffset', () => {
  it.each([
    // samples (seconds ahead of UTC), the zone's offset (min) -> offset shown (min), drift (s)
    [[3598, 3601, 3597], 60, 60, 1],
    [[-2, -3], 0, 0, -2],
    [[3300], 60, 60, -300], // five minutes slow is drift, not another zone
    [[3600], 0, 60, 0], // a Paris clock read in UTC
    [[3610, 3605], 0, 60, 5],
    [[0], 60, 0, 0], // a clock showing UTC in a Paris zone
    [[19800], 60, 330, 0], // India
    [[20700], 330, 345, 0], // Nepal in an India zone (15 minutes off and more is another zone)
    [[7200, 3600], 60, 60, 0], // the sample nearest the zone counts (a clock just set right)
    [[-10800 - 70], -180, -180, -70],
  ])('%j in a zone at %i min shows %i min, drift %i s', (samples, zone, offset, drift) => {
    expect(readClockOffset(samples, zone)).toEqual({ offsetMinutes: offset, driftSeconds: drift });
  });

  it('a sample is the device-local time of a punch minus its arrival', () => {
    expect(shownOffsetSeconds('2025-12-07 08:31:00', new Date('2025-12-07T07:31:05Z'))).toBe(3595);
  });
});

describe('zone mismatch and the offset a clock is told', () => {
  const measuredInWinter = { clockOffsetMinutes: 60, clockOffsetAt: new Date('2025-12-07T07:31:00Z') };
  it.each([
    [measuredInWinter, 'Europe/Paris', false],
    [measuredInWinter, 'UTC', true],
    [{ clockOffsetMinutes: 120, clockOffsetAt: new Date('2025-07-01T06:00:00Z') }, 'Europe/Paris', false],
    [{ clockOffsetMinutes: null, clockOffsetAt: null }, 'UTC', false],
  ])('%j in %s: mismatch %s', (device, zone, mismatch) => {
    expect(zoneMismatch(device, zone)).toBe(mismatch);
  });

  it('a chosen zone gives its offset now; none gives what the clock shows; nothing measured gives none', () => {
    const july = new Date('2025-07-01T06:00:00Z');
    expect(offsetToTell('Europe/Paris', measuredInWinter, july)).toBe(120);
    expect(offsetToTell(null, measuredInWinter, july)).toBe(60);
    expect(offsetToTell(null, { clockOffsetMinutes: null, clockOffsetAt: null }, july)).toBeNull();
  });

  it.each([[60, '+01:00'], [-210, '-03:30'], [0, '+00:00'], [345, '+05:45']])('%i min is written %s', (minutes, text) => {
    expect(formatOffset(minutes)).toBe(text);
  });
});

describe('DEVICE_TIMEZONE: set explicitly or not', () => {
  const now = new Date('2025-12-07T07:31:00Z');
  it('unset on a server in UTC: read in UTC, chosen by nobody, and a warning at start', () => {
    const config = readConfig({}, 'Etc/UTC');
    expect(config).toMatchObject({ deviceTimezone: 'Etc/UTC', deviceTimezoneSet: false });
    expect(unsetZoneWarning(config, now)).toMatch(/runs in UTC .*DEVICE_TIMEZONE is unset/);
    expect(readConfig({ DEVICE_TIMEZONE: '' }, 'UTC').deviceTimezoneSet).toBe(false);
  });

  it('set, even to UTC, or a server in a zone of its own: no warning', () => {
    expect(readConfig({ DEVICE_TIMEZONE: 'Europe/Paris' }, 'UTC')).toMatchObject({ deviceTimezone: 'Europe/Paris', deviceTimezoneSet: true });
    expect(unsetZoneWarning(readConfig({ DEVICE_TIMEZONE: 'UTC' }, 'UTC'), now)).toBeNull();
    expect(unsetZoneWarning(readConfig({}, 'Europe/London'), now)).toBeNull();
  });
});
