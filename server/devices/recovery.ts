// Recovery of missed punches (protocol.md §5.3, §6.3): ask the clock for its log over a time range; the
// answer comes back as ordinary ATTLOG uploads tagged CmdId=<id> and goes through the idempotent ingest.
import type { Logger } from 'pino';
import type { Command, Device } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import { instantToLocal } from '../protocol/time.ts';
import { attlogQueryInTForm } from './command-policy.ts';
import type { CommandQueue } from './commands.ts';
import type { DeviceRegistry } from './registry.ts';

/** A clock silent for longer than this is asked for its log over the silence when it comes back. */
export const OUTAGE_RECOVERY_AFTER_MS = 60 * 60 * 1000;
/** Punches made just before the last contact may have been in flight: the window starts a bit earlier. */
const WINDOW_MARGIN_MS = 5 * 60 * 1000;

/** Device-local times in the 2.4 document's space form, tried first (§6.3). */
export function attlogQueryCommand(from: string, to: string): string {
  return `DATA QUERY ATTLOG StartTime=${from}\tEndTime=${to}`;
}

export function isAttlogQuery(command: string): boolean {
  return /^DATA QUERY ATTLOG\b/i.test(command);
}

export interface RecoveryCount {
  /** ATTLOG uploads that answered the query, and the lines they carried. */
  uploads: number;
  lines: number;
  /** Punches the answer stored that were not stored before. */
  recovered: number;
}

export class Recovery {
  constructor(private readonly deps: { db: Db; commands: CommandQueue; registry: DeviceRegistry; log: Logger }) {}

  /** Space-form times, unless this clock has shown it only reads the T form. */
  async request(sn: string, from: string, to: string): Promise<Command> {
    const command = attlogQueryCommand(from, to);
    const tForm = (await this.deps.commands.attlogQueryForm(sn)) === 'T' ? attlogQueryInTForm(command) : null;
    return this.deps.commands.enqueue(sn, tForm ?? command);
  }

  /** Called on contact: a clock back from more than an hour of silence is asked for that window. */
  async afterContact(device: Device, previousContact: Date | null, now: Date): Promise<Command | null> {
    if (!previousContact || device.state !== 'approved') return null;
    const silentMs = now.getTime() - previousContact.getTime();
    if (silentMs <= OUTAGE_RECOVERY_AFTER_MS) return null;
    const zone = this.deps.registry.zoneOf(device);
    const from = instantToLocal(new Date(previousContact.getTime() - WINDOW_MARGIN_MS), zone);
    const to = instantToLocal(now, zone);
    const command = await this.request(device.sn, from, to);
    this.deps.log.warn(
      { sn: device.sn, silentMinutes: Math.round(silentMs / 60_000), from, to, commandId: command.id },
      'clock back after an outage; asked for its log over the silence',
    );
    return command;
  }

  /** What the answers to one query brought (uploads whose query says CmdId=<id>). */
  async countFor(sn: string, commandId: number): Promise<RecoveryCount> {
    const pattern = `(^|&)\\s*cmdid\\s*=\\s*${commandId}\\s*(&|$)`;
    const [uploads] = await this.deps.db.$queryRaw<{ uploads: bigint; lines: bigint | null }[]>`
      SELECT count(*) AS uploads, sum(lines_total) AS lines FROM uploads
      WHERE sn = ${sn} AND table_name = 'ATTLOG' AND query ~* ${pattern}`;
    const [punches] = await this.deps.db.$queryRaw<{ recovered: bigint }[]>`
      SELECT count(*) AS recovered FROM punches p JOIN uploads u ON u.id = p.upload_id
      WHERE u.sn = ${sn} AND u.table_name = 'ATTLOG' AND u.query ~* ${pattern}`;
    return { uploads: Number(uploads?.uploads ?? 0), lines: Number(uploads?.lines ?? 0), recovered: Number(punches?.recovered ?? 0) };
  }
}
