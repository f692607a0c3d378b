// ATTLOG records (protocol.md §5.1): positional, TAB-separated, only fields 1–4 interpreted.
import { recordLines } from './lines.ts';
import { normaliseLocalTime } from './time.ts';

export type PunchType = 'in' | 'out' | 'unknown';

export interface ParsedPunch {
  pin: string;
  localTime: string;
  status: number | null;
  verify: number | null;
  workcode: string | null;
}

export interface RejectedLine {
  line: number;
  text: string;
  reason: string;
}

export interface AttlogParse {
  punches: ParsedPunch[];
  rejected: RejectedLine[];
  /** Non-blank lines, parsed or not: the count acknowledged to the device. */
  lines: number;
}

const MAX_PIN = 64;
const MAX_LINE_ECHO = 200;

/** Status 0/3/4 are entries, 1/2/5 exits; anything else (255 when keys are off) is unknown. */
export function punchTypeOf(status: number | null): PunchType {
  if (status === 0 || status === 3 || status === 4) return 'in';
  if (status === 1 || status === 2 || status === 5) return 'out';
  return 'unknown';
}

function optionalInt(field: string | undefined): number | null {
  if (field === undefined) return null;
  const value = field.trim();
  return /^-?\d{1,9}$/.test(value) ? Number(value) : null;
}

function fieldsOf(text: string): string[] {
  if (text.includes('\t')) return text.split('\t');
  // Defensive: space-separated records, with date and time rejoined (never seen from a real device).
  const parts = text.trim().split(/ +/);
  if (parts.length >= 3) return [parts[0]!, `${parts[1]} ${parts[2]}`, ...parts.slice(3)];
  return parts;
}

export function parseAttlogLine(text: string): ParsedPunch | string {
  const fields = fieldsOf(text);
  if (fields.length < 2) return 'not a tab-separated record';
  const pin = fields[0]!.trim();
  if (pin === '') return 'empty PIN';
  if (pin.length > MAX_PIN) return `PIN longer than ${MAX_PIN} characters`;
  if (/[\x00-\x1f]/.test(pin)) return 'PIN contains control characters';
  const localTime = normaliseLocalTime(fields[1]!);
  if (!localTime) return `invalid time "${fields[1]!.slice(0, 40)}"`;
  const workcode = fields[4]?.trim();
  return {
    pin,
    localTime,
    status: optionalInt(fields[2]),
    verify: optionalInt(fields[3]),
    workcode: workcode ? workcode.slice(0, 64) : null,
  };
}

/** A rejected line as it can be shown and stored (JSON text cannot hold NUL): control bytes but TAB become U+FFFD. */
export function printable(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '\ufffd');
}

export function parseAttlog(text: string): AttlogParse {
  const lines = recordLines(text);
  const punches: ParsedPunch[] = [];
  const rejected: RejectedLine[] = [];
  for (const { lineNo, text: line } of lines) {
    const parsed = parseAttlogLine(line);
    if (typeof parsed === 'string') rejected.push({ line: lineNo, text: printable(line.slice(0, MAX_LINE_ECHO)), reason: printable(parsed) });
    else punches.push(parsed);
  }
  return { punches, rejected, lines: lines.length };
}
