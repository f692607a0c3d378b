// OPERLOG bodies (protocol.md §5.2): tagged lines; only USER records carry data we keep.
import { decodeDeviceText, splitByteLines } from './decode.ts';
import type { RejectedLine } from './attlog.ts';
import { cardProblem, nameProblem, pinProblem } from './fields.ts';

export interface DeviceUser {
  pin: string;
  name: string;
  privilege: number;
  card: string;
}

export interface OperlogParse {
  users: DeviceUser[];
  /** Records by tag (OPLOG, USER, FP, FACE, USERPIC, ...), for the upload report. */
  tags: Record<string, number>;
  rejected: RejectedLine[];
  lines: number;
}

/** `Key=Value` pairs of a TAB-separated record, keys lower-cased; `null` values read as empty. */
export function keyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const piece of text.split('\t')) {
    const eq = piece.indexOf('=');
    if (eq <= 0) continue;
    const value = piece.slice(eq + 1);
    out.set(piece.slice(0, eq).trim().toLowerCase(), value === 'null' ? '' : value);
  }
  return out;
}

function parseUser(rest: string): DeviceUser | string {
  const kv = keyValues(rest);
  const pin = (kv.get('pin') ?? '').trim();
  if (!pin) return 'USER record without PIN';
  const name = (kv.get('name') ?? '').trim();
  const card = (kv.get('card') ?? '').trim();
  const problem = pinProblem(pin) ?? nameProblem(name) ?? cardProblem(card);
  if (problem) return problem;
  const pri = (kv.get('pri') ?? kv.get('privilege') ?? '0').trim();
  return { pin, name, privilege: /^\d{1,3}$/.test(pri) ? Number(pri) : 0, card };
}

export function parseOperlog(body: Uint8Array): OperlogParse {
  const users = new Map<string, DeviceUser>();
  const tags: Record<string, number> = {};
  const rejected: RejectedLine[] = [];
  let lines = 0;
  splitByteLines(body).forEach((bytes, index) => {
    let text = decodeDeviceText(bytes);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() === '') return;
    lines++;
    const space = text.indexOf(' ');
    const tag = (space < 0 ? text : text.slice(0, space)).trim().toUpperCase();
    tags[tag] = (tags[tag] ?? 0) + 1;
    if (tag !== 'USER') return;
    const user = parseUser(text.slice(space + 1));
    // Passwords (`Passwd=`) are never kept nor echoed: the rejected text stops at the tag.
    if (typeof user === 'string') rejected.push({ line: index + 1, text: 'USER …', reason: user });
    else users.set(user.pin, user);
  });
  return { users: [...users.values()], tags, rejected, lines };
}
