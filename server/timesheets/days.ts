// Sessions grouped into days, with totals, flags and the shift figures (late, early leave, overtime). Pure.
import { localToInstant } from '../protocol/time.ts';
import { pairPunches, sessionJson, type PairedSession } from './pairing.ts';
import { FLAGS, type Day, type Flag, type PairingRules, type Shift, type TimesheetPunch } from './rules.ts';

/** The calendar day after "YYYY-MM-DD". */
export function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The shift's start and end instants on `date`, read in the clock's zone; an end before the start is the next day. */
export function shiftWindow(shift: Shift, date: string, zone: string): { start: number; end: number } {
  const start = localToInstant(`${date} ${shift.start}:00`, zone).getTime();
  const endDate = shift.end < shift.start ? nextDate(date) : date;
  return { start, end: localToInstant(`${endDate} ${shift.end}:00`, zone).getTime() };
}

function shiftFigures(day: Omit<Day, 'late_seconds' | 'early_leave_seconds' | 'overtime_seconds'>, sessions: PairedSession[], shift: Shift | null) {
  if (!shift) return { late_seconds: 0, early_leave_seconds: 0, overtime_seconds: 0 };
  const anyPunch = sessions[0]!.open ?? sessions[0]!.close!;
  const window = shiftWindow(shift, day.date, anyPunch.zone);
  const grace = shift.grace_minutes * 60_000;
  const firstOpening = sessions.find((s) => s.open)?.open;
  const lastClosing = sessions.findLast((s) => s.close)?.close;
  const late = firstOpening ? firstOpening.instant - window.start : 0;
  const early = lastClosing ? window.end - lastClosing.instant : 0;
  return {
    late_seconds: late > grace ? Math.round(late / 1000) : 0,
    early_leave_seconds: early > grace ? Math.round(early / 1000) : 0,
    overtime_seconds: Math.max(0, day.worked_seconds - Math.round((window.end - window.start) / 1000)),
  };
}

function dayOf(date: string, sessions: PairedSession[], shift: Shift | null): Day {
  const flags = new Set<Flag>(sessions.flatMap((s) => [...s.flags]));
  const base = {
    date,
    worked_seconds: sessions.reduce((sum, s) => sum + s.seconds, 0),
    first_in: sessions.find((s) => s.open)?.open!.localTime ?? null,
    last_out: sessions.findLast((s) => s.close)?.close!.localTime ?? null,
    sessions: sessions.map(sessionJson),
    flags: FLAGS.filter((f) => flags.has(f)),
  };
  return { ...base, ...shiftFigures(base, sessions, shift) };
}

/** One employee's days, oldest first; days without punches are left out. */
export function timesheetDays(punches: readonly TimesheetPunch[], rules: PairingRules, now: number, shift: Shift | null): Day[] {
  const byDate = new Map<string, PairedSession[]>();
  for (const session of pairPunches(punches, rules, now)) {
    const list = byDate.get(session.date);
    if (list) list.push(session);
    else byDate.set(session.date, [session]);
  }
  return [...byDate.keys()].sort().map((date) => dayOf(date, byDate.get(date)!, shift));
}
