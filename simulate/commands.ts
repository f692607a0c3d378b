// How the simulated clock answers server commands (protocol.md §6.3–6.4): it changes its own memory,
// says what it must upload first, and returns the result line(s) for POST /iclock/devicecmd.
import { keyValues } from '../server/protocol/operlog.ts';
import { normaliseLocalTime } from '../server/protocol/time.ts';
import type { ClockMemory } from './memory.ts';
import { attlogBody, userBody, type ServerCommand, type SimUser } from './records.ts';

export interface PendingUpload {
  table: 'ATTLOG' | 'OPERLOG';
  body: string;
  /** Extra query text appended to the upload URL (`CmdId=..` for query answers). */
  query: string;
}

export interface CommandAnswer {
  command: ServerCommand;
  returnCode: number;
  /** Result text for devicecmd: the `ID=..&Return=..&CMD=..` line, plus key=value lines for INFO. */
  result: string;
  /** Uploads the clock sends before it posts the result (query answers). */
  uploads: PendingUpload[];
  /** REBOOT or CHECK: the clock handshakes again after posting its results. */
  handshakeAgain: boolean;
}

export interface ClockIdentity {
  sn: string;
  firmware: string;
  ipAddress: string;
  /** Lines per upload when answering a query with many records. */
  batch: number;
}

/** Unknown syntax: what real firmware answers to `USER ADD` and other spellings it does not know [O]. */
export const UNKNOWN_COMMAND = -1002;

function line(id: string, code: number, cmd: string, extra = ''): string {
  return `ID=${id}&Return=${code}&CMD=${cmd}${extra}`;
}

export function answerCommand(memory: ClockMemory, who: ClockIdentity, command: ServerCommand): CommandAnswer {
  const { id } = command;
  const text = command.command.trim();
  const answer = (returnCode: number, result: string, uploads: PendingUpload[] = [], handshakeAgain = false): CommandAnswer =>
    ({ command, returnCode, result, uploads, handshakeAgain });

  if (text === 'INFO') {
    const facts = [
      `~DeviceName=Simulated clock ${who.sn}`, `FWVersion=${who.firmware}`, `IPAddress=${who.ipAddress}`,
      `UserCount=${memory.users.size}`, `TransactionCount=${memory.log.length}`, 'FPCount=0', 'FaceCount=0',
      ...Object.entries(memory.options).map(([k, v]) => `${k}=${v}`),
    ];
    return answer(0, [line(id, 0, 'INFO'), ...facts].join('\n'));
  }
  if (text === 'CHECK') return answer(0, line(id, 0, 'CHECK'), [], true);
  if (text === 'REBOOT') return answer(0, line(id, 0, 'REBOOT'), [], true);
  if (text === 'LOG' || text === 'RELOAD OPTIONS') return answer(0, line(id, 0, text));
  if (text === 'CLEAR LOG') {
    memory.clearLog();
    return answer(0, line(id, 0, 'CLEAR_LOG'));
  }
  const setOption = /^SET OPTION\s+([^=\s]+)=(.*)$/.exec(text);
  if (setOption) {
    memory.options[setOption[1]!] = setOption[2]!;
    memory.save();
    return answer(0, line(id, 0, 'SET OPTION'));
  }
  const sum = /^VERIFY SUM ATTLOG\s+(.*)$/s.exec(text);
  if (sum) {
    const range = timeRange(sum[1]!);
    if (!range) return answer(-1, line(id, -1, 'VERIFY SUM'));
    return answer(0, line(id, 0, 'VERIFY SUM', `&AttlogSum=${memory.between(range[0], range[1]).length}`));
  }
  const data = /^DATA (UPDATE|DELETE|QUERY) (\w+)\s*(.*)$/s.exec(text);
  if (!data) return answer(UNKNOWN_COMMAND, line(id, UNKNOWN_COMMAND, text.split(' ')[0] ?? ''));
  const [, verb, table, rest] = data as unknown as [string, string, string, string];
  const kv = keyValues(rest);
  const pin = kv.get('pin')?.trim();

  if (table === 'USERINFO' && verb === 'UPDATE') {
    if (!pin) return answer(-1, line(id, -1, 'DATA'));
    // The whole record is replaced: fields left out are reset, as real firmware does [O].
    const pri = Number(kv.get('pri') ?? '0');
    const user: SimUser = { pin, name: kv.get('name') ?? '', privilege: Number.isFinite(pri) ? pri : 0, card: kv.get('card') ?? '' };
    memory.enroll([user]);
    return answer(0, line(id, 0, 'DATA'));
  }
  if (table === 'USERINFO' && verb === 'DELETE') {
    if (!pin) return answer(-1, line(id, -1, 'DATA'));
    memory.remove(pin);
    return answer(0, line(id, 0, 'DATA'));
  }
  if (table === 'USERINFO' && verb === 'QUERY') {
    const users = [...memory.users.values()].filter((u) => !pin || u.pin === pin);
    if (users.length === 0) return answer(-10, line(id, -10, 'DATA'));
    return answer(0, line(id, 0, 'DATA'), [{ table: 'OPERLOG', body: userBody(users), query: '' }]);
  }
  if (table === 'ATTLOG' && verb === 'QUERY') {
    const range = timeRange(rest);
    if (!range) return answer(-1, line(id, -1, 'DATA'));
    const found = memory.between(range[0], range[1]);
    // -1 to an ATTLOG query means "no records in range" on real clocks [O].
    if (found.length === 0) return answer(-1, line(id, -1, 'DATA'));
    const packs = Math.ceil(found.length / who.batch);
    const uploads: PendingUpload[] = Array.from({ length: packs }, (_, i) => ({
      table: 'ATTLOG',
      body: attlogBody(found.slice(i * who.batch, (i + 1) * who.batch)),
      query: `Count=${found.length}&PackCnt=${packs}&PackIdx=${i + 1}&CmdId=${encodeURIComponent(id)}`,
    }));
    return answer(0, line(id, 0, 'DATA'), uploads);
  }
  return answer(UNKNOWN_COMMAND, line(id, UNKNOWN_COMMAND, 'DATA'));
}

/** StartTime/EndTime of a query, in either the space or the `T` form; null when absent or invalid. */
function timeRange(rest: string): [string, string] | null {
  const kv = keyValues(rest);
  const start = normaliseLocalTime(kv.get('starttime') ?? '');
  const end = normaliseLocalTime(kv.get('endtime') ?? '');
  return start && end ? [start, end] : null;
}
