// What a simulated clock stores and says: its users and punches, as ATTLOG / OPERLOG USER lines.
import { DateTime } from 'luxon';

export interface SimUser {
  pin: string;
  name: string;
  privilege: number;
  card: string;
}

export interface SimPunch {
  pin: string;
  /** Device-local `YYYY-MM-DD HH:MM:SS`, as the clock writes it (no offset). */
  time: string;
  status: number;
  verify: number;
}

/** Names with accents and other scripts, so the receiver's decoding is exercised on every run. */
const NAMES = [
  'José Müller', 'Zoë Çelik', 'Ana Núñez', 'François Lefèvre', 'Søren Ødegård',
  'Łukasz Żółć', 'Ines Gonçalves', 'Björn Ångström', '陈伟', 'Nguyễn Thị Hằng',
];

export function makeUsers(count: number, firstPin = 1): SimUser[] {
  return Array.from({ length: count }, (_, i) => {
    const base = NAMES[i % NAMES.length]!;
    const round = Math.floor(i / NAMES.length);
    return { pin: String(firstPin + i), name: round === 0 ? base : `${base} ${round + 1}`, privilege: 0, card: '' };
  });
}

export interface PunchPlan {
  pins: readonly string[];
  count: number;
  timeZone: string;
  /** Device-local time of the last punch; default: now in `timeZone`. */
  end?: string;
  spacingSeconds?: number;
}

/**
 * `count` punches, `spacingSeconds` apart, ending at `end`, users in turn; each user alternates in (0)
 * and out (1). Times are distinct, so every punch is a distinct (pin, time) row at the receiver.
 */
export function makePunches(plan: PunchPlan): SimPunch[] {
  if (plan.pins.length === 0) throw new Error('a clock needs users before it can record punches');
  const spacing = plan.spacingSeconds ?? 60;
  const end = plan.end
    ? DateTime.fromFormat(plan.end, 'yyyy-MM-dd HH:mm:ss', { zone: 'UTC' })
    : DateTime.now().setZone(plan.timeZone).setZone('UTC', { keepLocalTime: true });
  if (!end.isValid) throw new Error(`invalid end time ${plan.end}`);
  return Array.from({ length: plan.count }, (_, i) => {
    const userTurn = Math.floor(i / plan.pins.length);
    return {
      pin: plan.pins[i % plan.pins.length]!,
      // Local times are wall-clock strings: arithmetic in UTC keeps them free of DST jumps.
      time: end.minus({ seconds: (plan.count - 1 - i) * spacing }).toFormat('yyyy-MM-dd HH:mm:ss'),
      status: userTurn % 2 === 0 ? 0 : 1,
      verify: 1,
    };
  });
}

/** The standard 7-field ATTLOG record (protocol.md §5.1). */
export function attlogLine(p: SimPunch): string {
  return [p.pin, p.time, String(p.status), String(p.verify), '0', '0', '0'].join('\t');
}

export function attlogBody(punches: readonly SimPunch[]): string {
  return punches.map((p) => `${attlogLine(p)}\n`).join('');
}

/** A full OPERLOG USER record; names lose TAB/CR/LF like a real clock's keypad never produces them. */
export function userLine(u: SimUser): string {
  const name = u.name.replace(/[\t\r\n]/g, ' ');
  return `USER PIN=${u.pin}\tName=${name}\tPri=${u.privilege}\tPasswd=\tCard=${u.card}\tGrp=1\tTZ=0000000000000000\tVerify=0`;
}

export function userBody(users: readonly SimUser[]): string {
  return users.map((u) => `${userLine(u)}\n`).join('');
}

export interface ServerCommand {
  id: string;
  command: string;
}

/** `C:<id>:<command>` lines of a getrequest reply; `OK` (or anything else) carries none. */
export function parseCommandLines(text: string): ServerCommand[] {
  const out: ServerCommand[] = [];
  for (let line of text.split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const m = /^C:([^:]{1,16}):(.*)$/.exec(line);
    if (m) out.push({ id: m[1]!, command: m[2]! });
  }
  return out;
}

/** `Key=Value` lines of a handshake options block (the first line, `GET OPTION FROM:`, is skipped). */
export function parseOptionsBlock(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0 && !line.startsWith('GET OPTION')) out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return out;
}
