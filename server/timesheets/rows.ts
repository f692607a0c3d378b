// One row per employee and day, the same for CSV and XLSX: numbers stay numbers, text stays text.
import type { Day, Session } from './rules.ts';
import type { EmployeeTimesheet, Timesheet } from './report.ts';

export const TIMESHEET_COLUMNS = [
  'pin', 'name', 'date', 'first_in', 'last_out', 'worked_hours', 'sessions', 'late_minutes', 'early_leave_minutes', 'overtime_minutes', 'flags',
] as const;

export const TOTALS_COLUMNS = ['pin', 'name', 'days', 'worked_hours'] as const;

export type Cell = string | number;

/** Hours with two decimals, as a number. */
export const hours = (seconds: number) => Math.round(seconds / 36) / 100;
export const minutes = (seconds: number) => Math.round(seconds / 60);

/** "09:00-12:00 13:00-?" : each session's wall times; "?" for a missing end; an overnight end keeps its date. */
export function sessionsText(day: Day): string {
  const time = (at: string | null, date: string) => (at === null ? '?' : at.slice(0, 10) === date ? at.slice(11, 16) : `${at.slice(0, 10)} ${at.slice(11, 16)}`);
  return day.sessions.map((s: Session) => `${time(s.in, day.date)}-${time(s.out, day.date)}`).join(' ');
}

export function dayRow(e: EmployeeTimesheet, d: Day): Cell[] {
  return [
    e.pin, e.name, d.date, d.first_in ?? '', d.last_out ?? '', hours(d.worked_seconds), sessionsText(d),
    minutes(d.late_seconds), minutes(d.early_leave_seconds), minutes(d.overtime_seconds), d.flags.join('|'),
  ];
}

export function* timesheetRows(t: Timesheet): Generator<Cell[]> {
  for (const e of t.employees) for (const d of e.days) yield dayRow(e, d);
}

export function totalsRow(e: EmployeeTimesheet): Cell[] {
  return [e.pin, e.name, e.days.length, hours(e.worked_seconds)];
}

/** `timesheet_2026-03-01_2026-03-31[_pin-7].csv`: the period in the name. */
export function timesheetFilename(t: Pick<Timesheet, 'from' | 'to'>, pin: string | undefined, ext: 'csv' | 'xlsx'): string {
  return `timesheet_${t.from}_${t.to}${pin ? `_pin-${pin}` : ''}.${ext}`;
}
