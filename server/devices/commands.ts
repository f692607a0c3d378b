// Per-device command queue in Postgres (protocol.md §6): handed out on getrequest, closed by devicecmd,
// re-sent when a result does not come back in time, failed after its last delivery.
import type { Clock } from '../clock.ts';
import type { Command } from '../db/generated/client.ts';
import type { ChangeFeed, ChangeListener } from '../db/changes.ts';
import type { Db } from '../db/open.ts';
import type { CommandResult } from '../protocol/devicecmd.ts';
import { attlogQueryInTForm, deliveryPolicy } from './command-policy.ts';

/** Commands per poll: well under the device's 200 lines / 40 KB. */
export const COMMANDS_PER_POLL = 20;

/** A command succeeded when Return ≥ 0, or -1 to an ATTLOG query (no records in range). */
export function commandSucceeded(command: string, returnCode: number | null): boolean {
  if (returnCode === null) return false;
  if (returnCode >= 0) return true;
  return returnCode === -1 && /^DATA QUERY ATTLOG\b/i.test(command);
}

/**
 * Every time a command carries (created, sent, done) and every deadline comes from one clock, `clock.now()`.
 * Which clocks have nothing queued or sent is known in memory: their polls cost no SQL. A command queued
 * here, or by anyone else on this database (heard through server/db/changes.ts), makes its clock be asked again.
 */
export class CommandQueue implements ChangeListener {
  /** Clocks known to have no command queued or sent, while the change feed is live. */
  private readonly idle = new Set<string>();
  /** Commands queued per clock since start (here or heard): an idle verdict read before the last one is void. */
  private readonly queuedFor = new Map<string, number>();
  private queued = 0;
  private missedAt = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly changes: Pick<ChangeFeed, 'live'> = { live: false },
  ) {}

  async enqueue(deviceSn: string, command: string): Promise<Command> {
    const created = await this.db.command.create({ data: { deviceSn, command, createdAt: this.clock.now(), ...deliveryPolicy(command) } });
    this.commandQueued(deviceSn);
    return created;
  }

  commandQueued(deviceSn: string): void {
    if (deviceSn === '*') return this.changesMissed(); // TRUNCATE
    this.idle.delete(deviceSn);
    this.queuedFor.set(deviceSn, ++this.queued);
  }

  deviceChanged(): void {}

  changesMissed(): void {
    this.missedAt = ++this.queued;
    this.idle.clear();
  }

  /** Queues several commands in one statement, in order. */
  async enqueueMany(deviceSn: string, commands: readonly string[]): Promise<number> {
    if (commands.length === 0) return 0;
    const createdAt = this.clock.now();
    const { count } = await this.db.command.createMany({ data: commands.map((command) => ({ deviceSn, command, createdAt, ...deliveryPolicy(command) })) });
    this.commandQueued(deviceSn);
    return count;
  }

  /**
   * Queues `command` unless the same command is still open, or was queued less than `withinMs` ago
   * (commands the receiver queues by itself must not pile up). Returns the new command, or null.
   */
  async enqueueUnlessRecent(deviceSn: string, command: string, withinMs: number): Promise<Command | null> {
    const recent = await this.db.command.count({
      where: {
        deviceSn,
        command,
        OR: [{ status: { in: ['queued', 'sent'] } }, { createdAt: { gt: new Date(this.clock.now().getTime() - withinMs) } }],
      },
    });
    return recent > 0 ? null : this.enqueue(deviceSn, command);
  }

  /**
   * Takes the oldest commands due for delivery — queued ones, and sent ones whose answer is overdue and
   * that may be re-sent — and marks them sent in the same statement.
   */
  async take(deviceSn: string, now: Date, limit = COMMANDS_PER_POLL): Promise<{ id: number; command: string }[]> {
    if (this.changes.live && this.idle.has(deviceSn)) return [];
    const since = this.queued;
    await this.expireUnanswered(deviceSn, now);
    const rows = await this.db.$queryRaw<{ id: number; command: string }[]>`
      UPDATE commands SET status = 'sent', sent_at = ${now}, attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM commands WHERE device_sn = ${deviceSn} AND (status = 'queued' OR (
          status = 'sent' AND attempts < max_attempts AND sent_at + answer_timeout_s * interval '1 second' <= ${now}))
        ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id, command`;
    if (rows.length === 0) await this.markIdleIfEmpty(deviceSn, since);
    return rows.sort((a, b) => a.id - b.id);
  }

  /** Nothing queued or sent (a sent one still waits for its answer or its expiry): later polls skip the queue. */
  private async markIdleIfEmpty(deviceSn: string, since: number): Promise<void> {
    if (!this.changes.live) return;
    const open = await this.db.command.findFirst({ where: { deviceSn, status: { in: ['queued', 'sent'] } }, select: { id: true } });
    const queuedSince = (this.queuedFor.get(deviceSn) ?? 0) > since || this.missedAt > since;
    if (!open && !queuedSince && this.changes.live) this.idle.add(deviceSn);
  }

  /**
   * Closes commands whose last delivery went unanswered. A REBOOT counts as done once the clock has
   * handshaken after it was sent: a rebooting clock often never posts its result.
   */
  async expireUnanswered(deviceSn: string, now: Date): Promise<number> {
    await this.db.$executeRaw`
      UPDATE commands c SET status = 'done', done_at = ${now}, result = 'clock restarted (handshake after REBOOT)'
      FROM devices d
      WHERE c.device_sn = ${deviceSn} AND d.sn = c.device_sn AND c.status = 'sent'
        AND upper(c.command) = 'REBOOT' AND d.last_handshake_at > c.sent_at`;
    return this.db.$executeRaw`
      UPDATE commands SET status = 'failed', done_at = ${now},
        result = COALESCE(result, 'no answer from the clock after ' || attempts || ' deliveries')
      WHERE device_sn = ${deviceSn} AND status = 'sent' AND attempts >= max_attempts
        AND sent_at + answer_timeout_s * interval '1 second' <= ${now}`;
  }

  /** One command of a device, after closing any that timed out; null when the id is not this device's. */
  async find(deviceSn: string, id: number, now: Date): Promise<Command | null> {
    await this.expireUnanswered(deviceSn, now);
    return this.db.command.findFirst({ where: { id, deviceSn } });
  }

  /** Commands for a device not yet answered (queued or sent) whose line starts with `prefix`. */
  async pendingStartingWith(deviceSn: string, prefix: string): Promise<Command[]> {
    return this.db.command.findMany({
      where: { deviceSn, status: { in: ['queued', 'sent'] }, command: { startsWith: prefix } },
      orderBy: { id: 'asc' },
    });
  }

  /** The time format of the last ATTLOG query this clock answered with records; null while unknown. */
  async attlogQueryForm(deviceSn: string): Promise<'space' | 'T' | null> {
    const [last] = await this.db.$queryRaw<{ command: string }[]>`
      SELECT command FROM commands WHERE device_sn = ${deviceSn} AND command LIKE 'DATA QUERY ATTLOG %'
        AND status = 'done' AND return_code >= 0
      ORDER BY done_at DESC, id DESC LIMIT 1`;
    if (!last) return null;
    return /\d{4}-\d{2}-\d{2}T\d{2}:/.test(last.command) ? 'T' : 'space';
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
      // The same result delivered twice (a relay re-sends after a lost acknowledgement) changes nothing.
      if ((command.status === 'done' || command.status === 'failed') && command.returnCode === r.returnCode) continue;
      // -1 to a log query is "no records", or a clock that reads only the other time format: ask again.
      const tForm = r.returnCode === -1 ? attlogQueryInTForm(command.command) : null;
      const followUp = tForm && (await this.attlogQueryForm(deviceSn)) !== 'space' ? await this.enqueue(deviceSn, tForm) : null;
      const noRecords = r.returnCode === -1 && commandSucceeded(command.command, r.returnCode);
      const note = followUp ? `no records in this time format; asked again as command ${followUp.id}` : noRecords ? 'no records in this range' : null;
      await this.db.command.update({
        where: { id: command.id },
        data: {
          status: commandSucceeded(command.command, r.returnCode) ? 'done' : 'failed',
          returnCode: r.returnCode,
          result: note ? `${r.raw}\n${note}` : r.raw,
          doneAt: now,
        },
      });
    }
    return { unknown };
  }
}
