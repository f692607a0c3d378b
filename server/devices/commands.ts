// Per-device command queue in Postgres (protocol.md §6): handed out on getrequest, closed by devicecmd.
import type { Command } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import type { CommandResult } from '../protocol/devicecmd.ts';

/** Commands per poll: well under the device's 200 lines / 40 KB. */
export const COMMANDS_PER_POLL = 20;

/** A command succeeded when Return ≥ 0, or -1 to an ATTLOG query (no records in range). */
export function commandSucceeded(command: string, returnCode: number | null): boolean {
  if (returnCode === null) return false;
  if (returnCode >= 0) return true;
  return returnCode === -1 && /^DATA QUERY ATTLOG\b/i.test(command);
}

export class CommandQueue {
  constructor(private readonly db: Db) {}

  async enqueue(deviceSn: string, command: string): Promise<Command> {
    return this.db.command.create({ data: { deviceSn, command } });
  }

  /** Takes the oldest queued commands and marks them sent in the same statement. */
  async take(deviceSn: string, now: Date, limit = COMMANDS_PER_POLL): Promise<{ id: number; command: string }[]> {
    const rows = await this.db.$queryRaw<{ id: number; command: string }[]>`
      UPDATE commands SET status = 'sent', sent_at = ${now}, attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM commands WHERE device_sn = ${deviceSn} AND status = 'queued'
        ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id, command`;
    return rows.sort((a, b) => a.id - b.id);
  }

  /** Closes commands from the device's results; results for ids we never issued are kept and flagged. */
  async recordResults(deviceSn: string, results: readonly CommandResult[], now: Date): Promise<{ unknown: string[] }> {
    const unknown: string[] = [];
    for (const r of results) {
      const id = /^\d{1,9}$/.test(r.id) ? Number(r.id) : null;
      const command = id === null ? null : await this.db.command.findFirst({ where: { id, deviceSn } });
      if (!command) {
        unknown.push(r.id);
        await this.db.unknownCommandResult.create({
          data: { deviceSn, commandId: r.id, returnCode: r.returnCode, cmd: r.cmd, result: r.raw },
        });
        continue;
      }
      await this.db.command.update({
        where: { id: command.id },
        data: {
          status: commandSucceeded(command.command, r.returnCode) ? 'done' : 'failed',
          returnCode: r.returnCode,
          result: r.raw,
          doneAt: now,
        },
      });
    }
    return { unknown };
  }
}
