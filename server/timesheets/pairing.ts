// The pairing engine: one employee's punches (any clocks, any arrival order) → sessions → days. Pure.
// Everything comes from the stored punches, so a late upload re-pairs exactly what it touches.
import type { Flag, PairingRules, Session, TimesheetPunch } from './rules.ts';

/** A punch kept after the double-tap rule, with the flags it brings to its session's day. */
interface Kept {
  punch: TimesheetPunch;
  flags: Set<Flag>;
}

export interface PairedSession {
  /** The day it counts for: the opening punch's local date, or the lone punch's for missing_in. */
  date: string;
  open: TimesheetPunch | null;
  close: TimesheetPunch | null;
  seconds: number;
  flags: Set<Flag>;
}

/** Total order on instant, then fields that do not depend on arrival (never the database id). */
export function byInstant(a: TimesheetPunch, b: TimesheetPunch): number {
  return (
    a.instant - b.instant ||
    compare(a.deviceSn, b.deviceSn) ||
    compare(a.localTime, b.localTime) ||
    compare(a.punchType, b.punchType) ||
    compare(a.id, b.id)
  );
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const dateOf = (p: TimesheetPunch) => p.localTime.slice(0, 10);

/** Rule 1: a punch less than doubleTapSeconds after the previous kept one is dropped; its day is flagged. */
export function dropDoubleTaps(sorted: readonly TimesheetPunch[], doubleTapSeconds: number): Kept[] {
  const kept: Kept[] = [];
  for (const punch of sorted) {
    const last = kept.at(-1);
    if (last && punch.instant - last.punch.instant < doubleTapSeconds * 1000) {
      last.flags.add('double_tap');
      if (punch.manual) last.flags.add('manual');
      continue;
    }
    kept.push({ punch, flags: new Set(punch.manual ? ['manual'] : []) });
  }
  return kept;
}

const missingOut = (o: Kept): PairedSession => ({ date: dateOf(o.punch), open: o.punch, close: null, seconds: 0, flags: new Set([...o.flags, 'missing_out']) });

const missingIn = (c: Kept): PairedSession => ({ date: dateOf(c.punch), open: null, close: c.punch, seconds: 0, flags: new Set([...c.flags, 'missing_in']) });

function closed(o: Kept, c: Kept, mismatch: boolean): PairedSession {
  const flags = new Set([...o.flags, ...c.flags]);
  if (mismatch) flags.add('key_mismatch');
  if (dateOf(c.punch) !== dateOf(o.punch)) flags.add('overnight');
  // Instants, not wall times: a DST night counts its real length.
  return { date: dateOf(o.punch), open: o.punch, close: c.punch, seconds: Math.round((c.punch.instant - o.punch.instant) / 1000), flags };
}

function opened(k: Kept, mismatch: boolean): Kept {
  if (mismatch) k.flags.add('key_mismatch');
  return k;
}

/** Rules 2–5: pairs the kept punches into sessions; `now` decides open vs missing_out for the last one. */
export function pairPunches(punches: readonly TimesheetPunch[], rules: PairingRules, now: number): PairedSession[] {
  const kept = dropDoubleTaps([...punches].sort(byInstant), rules.doubleTapSeconds);
  const maxMs = rules.maxSessionHours * 3_600_000;
  const sequence = rules.pairing === 'sequence';
  const sessions: PairedSession[] = [];
  let open: Kept | null = null;
  for (const k of kept) {
    // The 14-hour rule, in both modes: a punch this late does not close the open session.
    if (open && k.punch.instant - open.punch.instant > maxMs) {
      sessions.push(missingOut(open));
      open = null;
    }
    const key = k.punch.punchType;
    if (!sequence && key === 'in') {
      if (open) sessions.push(missingOut(open));
      open = opened(k, false);
    } else if (!sequence && key === 'out') {
      sessions.push(open ? closed(open, k, false) : missingIn(k));
      open = null;
    } else if (open) {
      // Sequence (or an unknown key in key mode): the next punch closes, whatever key was pressed.
      sessions.push(closed(open, k, sequence && key === 'in'));
      open = null;
    } else {
      open = opened(k, sequence && key === 'out');
    }
  }
  if (open) {
    const still = now - open.punch.instant < maxMs;
    sessions.push(still ? { date: dateOf(open.punch), open: open.punch, close: null, seconds: 0, flags: new Set([...open.flags, 'open']) } : missingOut(open));
  }
  return sessions;
}

export function sessionJson(s: PairedSession): Session {
  return {
    in: s.open?.localTime ?? null,
    out: s.close?.localTime ?? null,
    seconds: s.seconds,
    in_id: s.open?.id ?? null,
    out_id: s.close?.id ?? null,
  };
}
