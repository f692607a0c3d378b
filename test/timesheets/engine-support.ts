// The pairing engine's table: punches written as the clock shows them, days as HR reads them.
import { localToInstant } from '../../server/protocol/time.ts';
import type { Day, PairingRules, Shift, TimesheetPunch } from '../../server/timesheets/rules.ts';

export const PARIS = 'Europe/Paris';

export interface PunchSpec {
  at: string;
  key?: 'in' | 'out' | 'unknown';
  sn?: string;
  zone?: string;
  manual?: boolean;
}

/** `['2026-03-02 09:00:00', 'in']` or `{ at, key, sn, zone, manual }`; instants from the clock's own zone. */
export type P = [string, ('in' | 'out' | 'unknown')?] | PunchSpec;

export function punches(list: readonly P[]): TimesheetPunch[] {
  return list.map((p, i) => {
    const spec: PunchSpec = Array.isArray(p) ? { at: p[0], key: p[1] } : p;
    const zone = spec.zone ?? PARIS;
    return {
      id: String(i + 1),
      deviceSn: spec.sn ?? 'FRONT',
      localTime: spec.at,
      instant: localToInstant(spec.at, zone).getTime(),
      punchType: spec.key ?? 'unknown',
      zone,
      manual: spec.manual ?? false,
    };
  });
}

export interface Case {
  name: string;
  punches: P[];
  rules?: Partial<PairingRules>;
  /** UTC ISO; default far after every punch (nothing is still open). */
  now?: string;
  shift?: Shift;
  days: ExpectedDay[];
}

/** [in, out, seconds] of each session, then the day's flags; shift figures only when a case has a shift. */
export interface ExpectedDay {
  date: string;
  worked: number;
  sessions: [string | null, string | null, number][];
  flags?: string[];
  late?: number;
  early?: number;
  overtime?: number;
}

export function summary(days: Day[], withShift: boolean): ExpectedDay[] {
  return days.map((d) => ({
    date: d.date,
    worked: d.worked_seconds,
    sessions: d.sessions.map((s) => [s.in, s.out, s.seconds] as [string | null, string | null, number]),
    flags: d.flags,
    ...(withShift ? { late: d.late_seconds, early: d.early_leave_seconds, overtime: d.overtime_seconds } : {}),
  }));
}

export const H = 3600;
