// Reply bodies for devices (protocol.md §4.2, §5, §6.1). Pure text; the HTTP layer adds headers.
import { countRecordLines } from './lines.ts';

/** Tables acknowledged with a record count; every other table gets a plain `OK`. */
const COUNTED_TABLES = new Set(['ATTLOG', 'OPERLOG', 'BIODATA', 'IDCARD']);

export function uploadReply(table: string, body: Uint8Array): string {
  return uploadAck(table, countRecordLines(body));
}

/** The acknowledgement of `lines` record lines of a table. */
export function uploadAck(table: string, lines: number): string {
  return COUNTED_TABLES.has(table.toUpperCase()) ? `OK:${lines}` : 'OK';
}

/** TimeZone option: whole hours as hours, :30/:45 zones in minutes (protocol.md §4.5). */
export function timeZoneOption(offsetMinutes: number): string {
  return offsetMinutes % 60 === 0 ? String(offsetMinutes / 60) : String(offsetMinutes);
}

export interface OptionsReplyInput {
  sn: string;
  /** Last cursor received per table (ATTLOG, OPERLOG, ATTPHOTO, ...); `None` when unknown. */
  stamps: Readonly<Record<string, string>>;
  /** TimeZone option; null leaves it out: no zone was chosen and the clock's own offset is not known yet. */
  offsetMinutes: number | null;
  delaySeconds?: number;
  errorDelaySeconds?: number;
}

export const SERVER_PUSH_VERSION = '2.4.1';

export function deviceOptionsReply(input: OptionsReplyInput): string {
  const stamp = (table: string) => input.stamps[table] ?? 'None';
  return [
    `GET OPTION FROM: ${input.sn}`,
    `ATTLOGStamp=${stamp('ATTLOG')}`,
    `OPERLOGStamp=${stamp('OPERLOG')}`,
    `ATTPHOTOStamp=${stamp('ATTPHOTO')}`,
    `ErrorDelay=${input.errorDelaySeconds ?? 30}`,
    `Delay=${input.delaySeconds ?? 10}`,
    'TransTimes=00:00;14:05',
    'TransInterval=1',
    'TransFlag=TransData AttLog\tOpLog\tEnrollUser\tChgUser',
    ...(input.offsetMinutes === null ? [] : [`TimeZone=${timeZoneOption(input.offsetMinutes)}`]),
    'Realtime=1',
    'Encrypt=0',
    `ServerVer=${SERVER_PUSH_VERSION}`,
    `PushProtVer=${SERVER_PUSH_VERSION}`,
    '',
  ].join('\n');
}

export interface OutgoingCommand {
  id: string | number;
  command: string;
}

/** `C:<id>:<command>` lines; REBOOT is moved last because nothing after it reaches the device. */
export function commandLines(commands: readonly OutgoingCommand[]): string {
  if (commands.length === 0) return 'OK';
  const ordered = [...commands.filter((c) => c.command !== 'REBOOT'), ...commands.filter((c) => c.command === 'REBOOT')];
  return ordered.map((c) => `C:${c.id}:${c.command}\n`).join('');
}

/** Parses an upload acknowledgement (`OK`, `OK:<n>`, `OK: <n>`); null when it is not one. */
export function parseUploadAck(text: string): { count: number | null } | null {
  const m = /^OK(?::\s*(\d+))?\s*$/.exec(text.trim());
  return m ? { count: m[1] === undefined ? null : Number(m[1]) } : null;
}
