// The page's period picker: weeks from Monday, months whole, in the viewer's calendar.
import { describe, expect, it } from 'vitest';
import { hoursMinutes, periodDates } from '../../web/timesheet-periods.js';

describe('timesheet periods', () => {
  const wednesday = new Date(2026, 2, 4, 15, 0); // 4 March 2026
  it.each([
    ['this-week', { from: '2026-03-02', to: '2026-03-08' }],
    ['last-week', { from: '2026-02-23', to: '2026-03-01' }],
    ['this-month', { from: '2026-03-01', to: '2026-03-31' }],
    ['last-month', { from: '2026-02-01', to: '2026-02-28' }],
  ] as const)('%s', (period, expected) => expect(periodDates(period, wednesday)).toEqual(expected));

  it('a Sunday belongs to the week that began on Monday; January\'s last month is December', () => {
    expect(periodDates('this-week', new Date(2026, 2, 8))).toEqual({ from: '2026-03-02', to: '2026-03-08' });
    expect(periodDates('last-month', new Date(2026, 0, 15))).toEqual({ from: '2025-12-01', to: '2025-12-31' });
  });

  it('hours as h:mm', () => {
    expect(hoursMinutes(26400)).toBe('7:20');
    expect(hoursMinutes(0)).toBe('0:00');
    expect(hoursMinutes(30 * 3600 + 59)).toBe('30:01');
  });
});
