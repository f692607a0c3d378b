// What the pairing engine reads and writes: punches of one employee in, days of sessions out. No I/O.

export type PairingMode = 'sequence' | 'key';

export interface PairingRules {
  pairing: PairingMode;
  /** A punch this soon after the previous kept one is a double tap (dropped). */
  doubleTapSeconds: number;
  /** A session longer than this is not closed: it ends missing_out. */
  maxSessionHours: number;
}

export const DEFAULT_RULES: PairingRules = { pairing: 'sequence', doubleTapSeconds: 60, maxSessionHours: 14 };

export interface TimesheetPunch {
  id: string;
  deviceSn: string;
  /** Device-local "YYYY-MM-DD HH:MM:SS" as the clock showed it: its date is the punch's day. */
  localTime: string;
  /** UTC milliseconds: worked time is measured on instants, so DST nights count their real length. */
  instant: number;
  punchType: 'in' | 'out' | 'unknown';
  /** IANA zone of the punch's clock (shift times are read in it). */
  zone: string;
  manual: boolean;
}

/** "HH:MM" wall times in the clock's zone; an end before the start ends the next day. */
export interface Shift {
  start: string;
  end: string;
  grace_minutes: number;
}

export const FLAGS = ['double_tap', 'key_mismatch', 'missing_out', 'missing_in', 'overnight', 'open', 'manual'] as const;
export type Flag = (typeof FLAGS)[number];

export interface Session {
  in: string | null;
  out: string | null;
  seconds: number;
  /** Punch ids, so a page can void the punch behind a time. */
  in_id: string | null;
  out_id: string | null;
}

export interface Day {
  date: string;
  worked_seconds: number;
  first_in: string | null;
  last_out: string | null;
  sessions: Session[];
  flags: Flag[];
  late_seconds: number;
  early_leave_seconds: number;
  overtime_seconds: number;
}
