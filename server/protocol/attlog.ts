// ATTLOG records (protocol.md §5.1): positional, TAB-separated, only fields 1–4 interpreted.
import { FIELD_LIMITS, pinProblem, printable, workcodeProblem } from './fields.ts';
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
  const pinWrong = pinProblem(pin);
  if (pinWrong) return pinWrong;
  const localTime = normaliseLocalTime(fields[1]!);
  if (!localTime) return `invalid time "${fields[1]!.slice(0, 40)}"`;
  // An over-long workcode is cut (as before), not worth a punch; a control character marks a corrupt line.
  const workcode = (fields[4]?.trim() ?? '').slice(0, FIELD_LIMITS.workcode);
  const workcodeWrong = workcodeProblem(workcode);
  if (workcodeWrong) return workcodeWrong;
  return { pin, localTime, status: optionalInt(fields[2]), verify: optionalInt(fields[3]), workcode: workcode || null };
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
