// The pairing engine, table-tested: every rule of CONTRACT "Timesheets" as a named case. No I/O.
import { describe, expect, it } from 'vitest';
import { timesheetDays } from '../../server/timesheets/days.ts';
import { DEFAULT_RULES } from '../../server/timesheets/rules.ts';
import { H, punches, summary, type Case } from './engine-support.ts';

const LATER = '2027-01-01T00:00:00Z';
const NINE_TO_FIVE = { start: '09:00', end: '17:00', grace_minutes: 5 };
const NIGHT = { start: '22:00', end: '06:00', grace_minutes: 0 };

const cases: Case[] = [
  // Sequence pairing (the default)
  { name: 'sequence: a plain day in then out', punches: [['2026-03-02 09:00:00', 'in'], ['2026-03-02 17:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 17:00:00', 8 * H]], flags: [] }] },
  { name: 'sequence: two sessions around lunch add up', punches: [['2026-03-02 08:00:00', 'in'], ['2026-03-02 12:00:00', 'out'], ['2026-03-02 13:00:00', 'in'], ['2026-03-02 17:30:00', 'out']],
    days: [{ date: '2026-03-02', worked: 8.5 * H, sessions: [['2026-03-02 08:00:00', '2026-03-02 12:00:00', 4 * H], ['2026-03-02 13:00:00', '2026-03-02 17:30:00', 4.5 * H]], flags: [] }] },
  { name: 'sequence: clocks without punch-state keys (unknown) alternate open, close', punches: [['2026-03-02 09:00:00'], ['2026-03-02 12:00:00'], ['2026-03-02 13:00:00'], ['2026-03-02 17:00:00']],
    days: [{ date: '2026-03-02', worked: 7 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 12:00:00', 3 * H], ['2026-03-02 13:00:00', '2026-03-02 17:00:00', 4 * H]], flags: [] }] },
  { name: 'sequence: a closing punch keyed in still closes, flagged key_mismatch', punches: [['2026-03-02 09:00:00', 'in'], ['2026-03-02 17:00:00', 'in']],
    days: [{ date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 17:00:00', 8 * H]], flags: ['key_mismatch'] }] },
  { name: 'sequence: an opening punch keyed out still opens, flagged key_mismatch', punches: [['2026-03-02 09:00:00', 'out'], ['2026-03-02 17:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 17:00:00', 8 * H]], flags: ['key_mismatch'] }] },
  { name: 'sequence: an odd punch at the end of a past day ends missing_out with 0 s', punches: [['2026-03-02 09:00:00', 'in'], ['2026-03-02 12:00:00', 'out'], ['2026-03-02 13:00:00', 'in']],
    days: [{ date: '2026-03-02', worked: 3 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 12:00:00', 3 * H], ['2026-03-02 13:00:00', null, 0]], flags: ['missing_out'] }] },
  { name: 'sequence: a forgotten punch-out does not turn the next morning into a departure', punches: [['2026-03-02 09:00:00', 'in'], ['2026-03-03 08:30:00', 'in'], ['2026-03-03 17:00:00', 'out']],
    days: [
      { date: '2026-03-02', worked: 0, sessions: [['2026-03-02 09:00:00', null, 0]], flags: ['missing_out'] },
      { date: '2026-03-03', worked: 8.5 * H, sessions: [['2026-03-03 08:30:00', '2026-03-03 17:00:00', 8.5 * H]], flags: [] },
    ] },

  // Double tap
  { name: 'double tap: a second punch 30 s later is dropped and flagged', punches: [['2026-03-02 09:00:00', 'in'], ['2026-03-02 09:00:30', 'in'], ['2026-03-02 17:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 17:00:00', 8 * H]], flags: ['double_tap'] }] },
  { name: 'double tap: 59 s later is still a double tap', punches: [['2026-03-02 17:00:00', 'out'], ['2026-03-02 09:00:00', 'in'], ['2026-03-02 17:00:59', 'out']],
    days: [{ date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 17:00:00', 8 * H]], flags: ['double_tap'] }] },
  { name: 'double tap: exactly 60 s later is a real punch', punches: [['2026-03-02 09:00:00', 'in'], ['2026-03-02 09:01:00', 'out']],
    days: [{ date: '2026-03-02', worked: 60, sessions: [['2026-03-02 09:00:00', '2026-03-02 09:01:00', 60]], flags: [] }] },
  { name: 'double tap: measured from the last kept punch, not the dropped one', punches: [['2026-03-02 09:00:00', 'in'], ['2026-03-02 09:00:40', 'in'], ['2026-03-02 09:01:20', 'out']],
    days: [{ date: '2026-03-02', worked: 80, sessions: [['2026-03-02 09:00:00', '2026-03-02 09:01:20', 80]], flags: ['double_tap'] }] },
  { name: 'double tap: a burst of three keeps the first only', punches: [['2026-03-02 09:00:00', 'in'], ['2026-03-02 09:00:20', 'in'], ['2026-03-02 09:00:50', 'in'], ['2026-03-02 17:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 17:00:00', 8 * H]], flags: ['double_tap'] }] },
  { name: 'double tap: across two clocks (badged at both doors) counts once', punches: [{ at: '2026-03-02 09:00:00', key: 'in', sn: 'FRONT' }, { at: '2026-03-02 09:00:10', key: 'in', sn: 'BACK' }, { at: '2026-03-02 17:00:00', key: 'out', sn: 'BACK' }],
    days: [{ date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 17:00:00', 8 * H]], flags: ['double_tap'] }] },
  { name: 'double tap: an overnight session\'s doubled out flags the day the session counts for', punches: [['2026-03-02 22:00:00', 'in'], ['2026-03-03 06:00:00', 'out'], ['2026-03-03 06:00:15', 'out']],
    days: [{ date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 22:00:00', '2026-03-03 06:00:00', 8 * H]], flags: ['double_tap', 'overnight'] }] },
  { name: 'double tap: TIMESHEET_DOUBLE_TAP_SECONDS=0 keeps every punch', rules: { doubleTapSeconds: 0 }, punches: [['2026-03-02 09:00:00', 'in'], ['2026-03-02 09:00:30', 'out']],
    days: [{ date: '2026-03-02', worked: 30, sessions: [['2026-03-02 09:00:00', '2026-03-02 09:00:30', 30]], flags: [] }] },

  // The 14-hour rule
  { name: '14 h: a punch exactly 14 h after the open one closes it', punches: [['2026-03-02 06:00:00', 'in'], ['2026-03-02 20:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 14 * H, sessions: [['2026-03-02 06:00:00', '2026-03-02 20:00:00', 14 * H]], flags: [] }] },
  { name: '14 h + 1 s: the open session ends missing_out and that punch opens a new one', punches: [['2026-03-02 06:00:00', 'in'], ['2026-03-02 20:00:01', 'out']],
    days: [{ date: '2026-03-02', worked: 0, sessions: [['2026-03-02 06:00:00', null, 0], ['2026-03-02 20:00:01', null, 0]], flags: ['key_mismatch', 'missing_out'] }] },
  { name: '14 h: TIMESHEET_MAX_SESSION_HOURS=16 lets a 15 h session close', rules: { maxSessionHours: 16 }, punches: [['2026-03-02 06:00:00', 'in'], ['2026-03-02 21:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 15 * H, sessions: [['2026-03-02 06:00:00', '2026-03-02 21:00:00', 15 * H]], flags: [] }] },

  // Overnight, open, missing ends
  { name: 'overnight: a night session counts for the day it started', punches: [['2026-03-02 22:00:00', 'in'], ['2026-03-03 06:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 22:00:00', '2026-03-03 06:00:00', 8 * H]], flags: ['overnight'] }] },
  { name: 'overnight: night after night, each night on its own start day', punches: [['2026-03-02 22:00:00', 'in'], ['2026-03-03 06:00:00', 'out'], ['2026-03-03 22:00:00', 'in'], ['2026-03-04 06:30:00', 'out']],
    days: [
      { date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 22:00:00', '2026-03-03 06:00:00', 8 * H]], flags: ['overnight'] },
      { date: '2026-03-03', worked: 8.5 * H, sessions: [['2026-03-03 22:00:00', '2026-03-04 06:30:00', 8.5 * H]], flags: ['overnight'] },
    ] },
  { name: 'open: a session opened 2 h before now is open with 0 s so far', now: '2026-03-02T10:00:00Z', punches: [['2026-03-02 09:00:00', 'in']],
    days: [{ date: '2026-03-02', worked: 0, sessions: [['2026-03-02 09:00:00', null, 0]], flags: ['open'] }] },
  { name: 'open: opened 13 h 59 min before now is still open', now: '2026-03-02T21:59:00Z', punches: [['2026-03-02 09:00:00', 'in']],
    days: [{ date: '2026-03-02', worked: 0, sessions: [['2026-03-02 09:00:00', null, 0]], flags: ['open'] }] },
  { name: 'open: opened 14 h before now is missing_out, not open', now: '2026-03-02T22:00:00Z', punches: [['2026-03-02 09:00:00', 'in']],
    days: [{ date: '2026-03-02', worked: 0, sessions: [['2026-03-02 09:00:00', null, 0]], flags: ['missing_out'] }] },
  { name: 'open: yesterday\'s forgotten out is missing_out while today\'s session is open', now: '2026-03-03T09:00:00Z', punches: [['2026-03-02 08:00:00', 'in'], ['2026-03-03 08:00:00', 'in']],
    days: [
      { date: '2026-03-02', worked: 0, sessions: [['2026-03-02 08:00:00', null, 0]], flags: ['missing_out'] },
      { date: '2026-03-03', worked: 0, sessions: [['2026-03-03 08:00:00', null, 0]], flags: ['open'] },
    ] },

  // Key pairing
  { name: 'key: in then out pairs', rules: { pairing: 'key' }, punches: [['2026-03-02 09:00:00', 'in'], ['2026-03-02 17:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 17:00:00', 8 * H]], flags: [] }] },
  { name: 'key: in, in, out: the first in ends missing_out, the second pairs', rules: { pairing: 'key' }, punches: [['2026-03-02 09:00:00', 'in'], ['2026-03-02 13:00:00', 'in'], ['2026-03-02 17:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 4 * H, sessions: [['2026-03-02 09:00:00', null, 0], ['2026-03-02 13:00:00', '2026-03-02 17:00:00', 4 * H]], flags: ['missing_out'] }] },
  { name: 'sequence on the same punches pairs the first two (key_mismatch) instead', punches: [['2026-03-02 09:00:00', 'in'], ['2026-03-02 13:00:00', 'in'], ['2026-03-02 17:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 4 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 13:00:00', 4 * H], ['2026-03-02 17:00:00', null, 0]], flags: ['key_mismatch', 'missing_out'] }] },
  { name: 'key: an out with nothing open stands alone as missing_in', rules: { pairing: 'key' }, punches: [['2026-03-02 17:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 0, sessions: [[null, '2026-03-02 17:00:00', 0]], flags: ['missing_in'] }] },
  { name: 'key: in, out, out: the second out is missing_in', rules: { pairing: 'key' }, punches: [['2026-03-02 09:00:00', 'in'], ['2026-03-02 12:00:00', 'out'], ['2026-03-02 17:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 3 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 12:00:00', 3 * H], [null, '2026-03-02 17:00:00', 0]], flags: ['missing_in'] }] },
  { name: 'key: an unknown key closes an open session, as in sequence', rules: { pairing: 'key' }, punches: [['2026-03-02 09:00:00', 'in'], ['2026-03-02 17:00:00', 'unknown']],
    days: [{ date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 17:00:00', 8 * H]], flags: [] }] },
  { name: 'key: an unknown key with nothing open opens, as in sequence', rules: { pairing: 'key' }, punches: [['2026-03-02 09:00:00', 'unknown'], ['2026-03-02 17:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 17:00:00', 8 * H]], flags: [] }] },
  { name: 'key: the 14-hour rule applies: a late out is missing_out then missing_in', rules: { pairing: 'key' }, punches: [['2026-03-02 06:00:00', 'in'], ['2026-03-02 20:00:01', 'out']],
    days: [{ date: '2026-03-02', worked: 0, sessions: [['2026-03-02 06:00:00', null, 0], [null, '2026-03-02 20:00:01', 0]], flags: ['missing_out', 'missing_in'] }] },
  { name: 'key: a missing_in counts for the date of its own punch', rules: { pairing: 'key' }, punches: [['2026-03-02 09:00:00', 'in'], ['2026-03-02 17:00:00', 'out'], ['2026-03-03 17:00:00', 'out']],
    days: [
      { date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 17:00:00', 8 * H]], flags: [] },
      { date: '2026-03-03', worked: 0, sessions: [[null, '2026-03-03 17:00:00', 0]], flags: ['missing_in'] },
    ] },
  { name: 'key: a night shift pairs across midnight', rules: { pairing: 'key' }, punches: [['2026-03-02 22:00:00', 'in'], ['2026-03-03 06:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 22:00:00', '2026-03-03 06:00:00', 8 * H]], flags: ['overnight'] }] },

  // DST and zones: worked time from instants, days from each clock's own local date
  { name: 'DST Europe/Paris spring: the 22:00–06:00 night of 29 March is 7 h', punches: [['2026-03-28 22:00:00', 'in'], ['2026-03-29 06:00:00', 'out']],
    days: [{ date: '2026-03-28', worked: 7 * H, sessions: [['2026-03-28 22:00:00', '2026-03-29 06:00:00', 7 * H]], flags: ['overnight'] }] },
  { name: 'DST Europe/Paris autumn: the 22:00–06:00 night of 25 October is 9 h', punches: [['2026-10-24 22:00:00', 'in'], ['2026-10-25 06:00:00', 'out']],
    days: [{ date: '2026-10-24', worked: 9 * H, sessions: [['2026-10-24 22:00:00', '2026-10-25 06:00:00', 9 * H]], flags: ['overnight'] }] },
  { name: 'DST Europe/Paris: a day shift on the change day is its plain 8 h', punches: [['2026-03-29 09:00:00', 'in'], ['2026-03-29 17:00:00', 'out']],
    days: [{ date: '2026-03-29', worked: 8 * H, sessions: [['2026-03-29 09:00:00', '2026-03-29 17:00:00', 8 * H]], flags: [] }] },
  { name: 'DST America/New_York spring: the 22:00–06:00 night of 8 March is 7 h', punches: [{ at: '2026-03-07 22:00:00', key: 'in', zone: 'America/New_York' }, { at: '2026-03-08 06:00:00', key: 'out', zone: 'America/New_York' }],
    days: [{ date: '2026-03-07', worked: 7 * H, sessions: [['2026-03-07 22:00:00', '2026-03-08 06:00:00', 7 * H]], flags: ['overnight'] }] },
  { name: '+05:30 (Asia/Kolkata): a day shift in a half-hour zone', punches: [{ at: '2026-03-02 09:00:00', key: 'in', zone: 'Asia/Kolkata' }, { at: '2026-03-02 17:30:00', key: 'out', zone: 'Asia/Kolkata' }],
    days: [{ date: '2026-03-02', worked: 8.5 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 17:30:00', 8.5 * H]], flags: [] }] },
  { name: '+05:30: an early punch whose UTC date is the day before counts for its local date', punches: [{ at: '2026-03-02 02:00:00', key: 'in', zone: 'Asia/Kolkata' }, { at: '2026-03-02 10:00:00', key: 'out', zone: 'Asia/Kolkata' }],
    days: [{ date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 02:00:00', '2026-03-02 10:00:00', 8 * H]], flags: [] }] },
  { name: 'New York evening punch (next day in UTC) counts for its local date', punches: [{ at: '2026-03-02 20:00:00', key: 'in', zone: 'America/New_York' }, { at: '2026-03-02 23:30:00', key: 'out', zone: 'America/New_York' }],
    days: [{ date: '2026-03-02', worked: 3.5 * H, sessions: [['2026-03-02 20:00:00', '2026-03-02 23:30:00', 3.5 * H]], flags: [] }] },

  // Cross-clock
  { name: 'cross-clock: in at the front door, out at the back door', punches: [{ at: '2026-03-02 09:00:00', key: 'in', sn: 'FRONT' }, { at: '2026-03-02 17:00:00', key: 'out', sn: 'BACK' }],
    days: [{ date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 17:00:00', 8 * H]], flags: [] }] },
  { name: 'cross-clock in two zones: Paris in, London out, paired on instants', punches: [{ at: '2026-03-02 09:00:00', key: 'in', sn: 'PARIS1' }, { at: '2026-03-02 16:00:00', key: 'out', sn: 'LONDON1', zone: 'Europe/London' }],
    days: [{ date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 16:00:00', 8 * H]], flags: [] }] },

  // Manual punches
  { name: 'manual: a day with a manual punch is flagged manual', punches: [['2026-03-02 09:00:00', 'in'], { at: '2026-03-02 17:00:00', key: 'out', manual: true }],
    days: [{ date: '2026-03-02', worked: 8 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 17:00:00', 8 * H]], flags: ['manual'] }] },
  { name: 'manual: a manual punch fills a forgotten out', punches: [['2026-03-02 09:00:00', 'in'], { at: '2026-03-02 17:30:00', key: 'out', manual: true }, ['2026-03-03 09:00:00', 'in'], ['2026-03-03 17:00:00', 'out']],
    days: [
      { date: '2026-03-02', worked: 8.5 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 17:30:00', 8.5 * H]], flags: ['manual'] },
      { date: '2026-03-03', worked: 8 * H, sessions: [['2026-03-03 09:00:00', '2026-03-03 17:00:00', 8 * H]], flags: [] },
    ] },

  // Shifts: late, early leave, overtime
  { name: 'shift: on time within grace: no late, no early leave, no overtime', shift: NINE_TO_FIVE, punches: [['2026-03-02 09:04:00', 'in'], ['2026-03-02 16:56:00', 'out']],
    days: [{ date: '2026-03-02', worked: 7 * H + 52 * 60, sessions: [['2026-03-02 09:04:00', '2026-03-02 16:56:00', 7 * H + 52 * 60]], flags: [], late: 0, early: 0, overtime: 0 }] },
  { name: 'shift: exactly start + grace is not late', shift: NINE_TO_FIVE, punches: [['2026-03-02 09:05:00', 'in'], ['2026-03-02 17:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 7 * H + 55 * 60, sessions: [['2026-03-02 09:05:00', '2026-03-02 17:00:00', 7 * H + 55 * 60]], flags: [], late: 0, early: 0, overtime: 0 }] },
  { name: 'shift: 10 min late counts from the start, not from the grace', shift: NINE_TO_FIVE, punches: [['2026-03-02 09:10:00', 'in'], ['2026-03-02 17:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 7 * H + 50 * 60, sessions: [['2026-03-02 09:10:00', '2026-03-02 17:00:00', 7 * H + 50 * 60]], flags: [], late: 600, early: 0, overtime: 0 }] },
  { name: 'shift: leaving at 16:30 is 30 min early leave', shift: NINE_TO_FIVE, punches: [['2026-03-02 09:00:00', 'in'], ['2026-03-02 16:30:00', 'out']],
    days: [{ date: '2026-03-02', worked: 7.5 * H, sessions: [['2026-03-02 09:00:00', '2026-03-02 16:30:00', 7.5 * H]], flags: [], late: 0, early: 1800, overtime: 0 }] },
  { name: 'shift: 08:00–18:00 is 2 h overtime, early arrival is not late', shift: NINE_TO_FIVE, punches: [['2026-03-02 08:00:00', 'in'], ['2026-03-02 18:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 10 * H, sessions: [['2026-03-02 08:00:00', '2026-03-02 18:00:00', 10 * H]], flags: [], late: 0, early: 0, overtime: 2 * H }] },
  { name: 'shift: late uses the first opening and early leave the last closing of the day', shift: NINE_TO_FIVE, punches: [['2026-03-02 09:20:00', 'in'], ['2026-03-02 12:00:00', 'out'], ['2026-03-02 13:00:00', 'in'], ['2026-03-02 16:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 2 * H + 40 * 60 + 3 * H, sessions: [['2026-03-02 09:20:00', '2026-03-02 12:00:00', 2 * H + 40 * 60], ['2026-03-02 13:00:00', '2026-03-02 16:00:00', 3 * H]], flags: [], late: 1200, early: H, overtime: 0 }] },
  { name: 'shift ending after midnight (22:00–06:00): late, overtime, no early leave', shift: NIGHT, punches: [['2026-03-02 22:15:00', 'in'], ['2026-03-03 06:30:00', 'out']],
    days: [{ date: '2026-03-02', worked: 8 * H + 15 * 60, sessions: [['2026-03-02 22:15:00', '2026-03-03 06:30:00', 8 * H + 15 * 60]], flags: ['overnight'], late: 900, early: 0, overtime: 900 }] },
  { name: 'shift ending after midnight: leaving at 05:00 is 1 h early leave', shift: NIGHT, punches: [['2026-03-02 22:00:00', 'in'], ['2026-03-03 05:00:00', 'out']],
    days: [{ date: '2026-03-02', worked: 7 * H, sessions: [['2026-03-02 22:00:00', '2026-03-03 05:00:00', 7 * H]], flags: ['overnight'], late: 0, early: H, overtime: 0 }] },
  { name: 'shift over the Paris spring DST night is 7 h long: a full night is no overtime', shift: NIGHT, punches: [['2026-03-28 22:00:00', 'in'], ['2026-03-29 06:00:00', 'out']],
    days: [{ date: '2026-03-28', worked: 7 * H, sessions: [['2026-03-28 22:00:00', '2026-03-29 06:00:00', 7 * H]], flags: ['overnight'], late: 0, early: 0, overtime: 0 }] },
  { name: 'shift: a day with only a missing_out session has lateness but no early leave', shift: NINE_TO_FIVE, punches: [['2026-03-02 09:30:00', 'in']],
    days: [{ date: '2026-03-02', worked: 0, sessions: [['2026-03-02 09:30:00', null, 0]], flags: ['missing_out'], late: 1800, early: 0, overtime: 0 }] },
];

describe('pairing engine', () => {
  it('has at least 40 named cases', () => expect(cases.length).toBeGreaterThanOrEqual(40));

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const rules = { ...DEFAULT_RULES, ...c.rules };
    const days = timesheetDays(punches(c.punches), rules, Date.parse(c.now ?? LATER), c.shift ?? null);
    expect(summary(days, Boolean(c.shift))).toEqual(c.days.map((d) => ({ flags: [], ...d })));
  });
});

describe('arrival order', () => {
  const week = punches([
    ['2026-03-02 09:00:00', 'in'], ['2026-03-02 09:00:20', 'in'], ['2026-03-02 12:00:00', 'out'], { at: '2026-03-02 13:00:00', key: 'in', sn: 'BACK' },
    ['2026-03-02 17:00:00', 'out'], ['2026-03-03 22:00:00', 'in'], ['2026-03-04 06:00:00', 'out'], { at: '2026-03-05 09:00:00', key: 'in', sn: 'BACK' },
    // Same instant on two clocks: the order between them must not come from arrival (database ids).
    { at: '2026-03-05 17:00:00', key: 'out', sn: 'BACK' }, { at: '2026-03-05 17:00:00', key: 'out', sn: 'FRONT' }, ['2026-03-06 08:00:00', 'in'],
  ]);
  const rules = DEFAULT_RULES;
  const now = Date.parse(LATER);
  const expected = timesheetDays(week, rules, now, NINE_TO_FIVE);

  // A deterministic shuffle (xorshift), different per seed; ids are re-assigned so arrival order changes them too.
  const shuffled = (seed: number) => {
    let x = seed;
    const random = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
    const list = [...week];
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    return list.map((p, i) => ({ ...p, id: String(100 + i) }));
  };
  const withoutIds = (days: ReturnType<typeof timesheetDays>) => days.map((d) => ({ ...d, sessions: d.sessions.map(({ in: i, out, seconds }) => ({ i, out, seconds })) }));

  it.each([1, 7, 42, 1234, 99991])('shuffled arrival (seed %i) gives the same days', (seed) => {
    expect(withoutIds(timesheetDays(shuffled(seed), rules, now, NINE_TO_FIVE))).toEqual(withoutIds(expected));
  });

  it('reversed arrival gives the same days', () => {
    expect(withoutIds(timesheetDays([...week].reverse(), rules, now, NINE_TO_FIVE))).toEqual(withoutIds(expected));
  });

  it('a late upload of a forgotten punch re-pairs only the day it touches', () => {
    const before = timesheetDays(punches([['2026-03-02 09:00:00', 'in'], ['2026-03-03 09:00:00', 'in'], ['2026-03-03 17:00:00', 'out']]), rules, now, null);
    const after = timesheetDays(punches([['2026-03-02 09:00:00', 'in'], ['2026-03-03 09:00:00', 'in'], ['2026-03-03 17:00:00', 'out'], ['2026-03-02 17:00:00', 'out']]), rules, now, null);
    expect(before[0]!.flags).toEqual(['missing_out']);
    expect(after[0]).toMatchObject({ worked_seconds: 8 * H, flags: [] });
    expect(withoutIds(after.slice(1))).toEqual(withoutIds(before.slice(1)));
  });
});
