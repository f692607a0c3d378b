// @ts-check
// The timesheet page's periods, as dates "YYYY-MM-DD" in the viewer's calendar. Weeks start on Monday.

/** @param {Date} d */
export const isoDate = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/**
 * @param {'this-week' | 'last-week' | 'this-month' | 'last-month'} period
 * @param {Date} today
 * @returns {{ from: string, to: string }}
 */
export function periodDates(period, today) {
  const y = today.getFullYear();
  const m = today.getMonth();
  const d = today.getDate();
  if (period === 'this-month') return { from: isoDate(new Date(y, m, 1)), to: isoDate(new Date(y, m + 1, 0)) };
  if (period === 'last-month') return { from: isoDate(new Date(y, m - 1, 1)), to: isoDate(new Date(y, m, 0)) };
  const sinceMonday = (today.getDay() + 6) % 7;
  const back = period === 'last-week' ? 7 : 0;
  return { from: isoDate(new Date(y, m, d - sinceMonday - back)), to: isoDate(new Date(y, m, d - sinceMonday - back + 6)) };
}

/** "7:20" from seconds. @param {number} seconds */
export function hoursMinutes(seconds) {
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Flags HR should look at (overnight and open are facts, not problems). */
export const PROBLEM_FLAGS = ['double_tap', 'key_mismatch', 'missing_out', 'missing_in', 'manual'];

/** @type {Record<string, string>} */
export const FLAG_LABELS = {
  double_tap: 'double tap',
  key_mismatch: 'wrong key',
  missing_out: 'no out',
  missing_in: 'no in',
  overnight: 'overnight',
  open: 'still in',
  manual: 'corrected',
};
