// 3.x access-control real-time events (protocol.md §10): key=value records; pin=0 is a device event.
import type { AttlogParse } from './attlog.ts';
import { pinProblem, printable } from './fields.ts';
import { recordLines } from './lines.ts';
import { keyValues } from './operlog.ts';
import { normaliseLocalTime } from './time.ts';

const int = (value: string | undefined) => (value && /^-?\d{1,9}$/.test(value.trim()) ? Number(value) : null);

export function parseRtlog(text: string): AttlogParse {
  const lines = recordLines(text);
  const result: AttlogParse = { punches: [], rejected: [], lines: lines.length };
  for (const { lineNo, text: line } of lines) {
    const kv = keyValues(line);
    const pin = (kv.get('pin') ?? '').trim();
    if (pin === '0') continue;
    const localTime = normaliseLocalTime(kv.get('time') ?? '');
    const reason = !pin || !localTime ? 'rtlog record without pin or valid time' : pinProblem(pin);
    if (reason) {
      result.rejected.push({ line: lineNo, text: printable(line.slice(0, 200)), reason });
      continue;
    }
    result.punches.push({ pin, localTime: localTime!, status: int(kv.get('inoutstatus')), verify: int(kv.get('verifytype')), workcode: null });
  }
  return result;
}
