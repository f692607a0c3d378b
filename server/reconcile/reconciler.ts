// The count check (protocol.md §6.3): ask a clock how many punches it holds for a day (VERIFY SUM
// ATTLOG), compare with what we stored from it, and on a shortfall ask for that day's log again.
// Progress is read from the command queue on a timer, so it holds across restarts and receivers.
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Reconciliation } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import type { CommandQueue } from '../devices/commands.ts';
import type { Recovery } from '../devices/recovery.ts';
import type { DeviceRegistry } from '../devices/registry.ts';
import { instantToLocal } from '../protocol/time.ts';
import type { OutgoingEvent } from '../webhooks/events.ts';

/** After the log query is answered, uploads still being applied get this long before a shortfall is a gap. */
const SETTLE_MS = 15_000;

export function verifySumCommand(date: string): string {
  return `VERIFY SUM ATTLOG StartTime=${date} 00:00:00\tEndTime=${date} 23:59:59`;
}

/** The count in a VERIFY SUM result (`…&AttlogSum=212`), null when the clock gave none. */
export function attlogSumOf(result: string | null): number | null {
  const m = /(?:^|[&\n])AttlogSum=(\d+)/i.exec(result ?? '');
  return m ? Number(m[1]) : null;
}

/** The device-local date before `now` in `zone`, and whether the local time has reached `at` (HH:MM). */
export function previousLocalDay(now: Date, zone: string): { yesterday: string; localTime: string } {
  const local = instantToLocal(now, zone);
  const today = new Date(`${local.slice(0, 10)}T00:00:00Z`);
  today.setUTCDate(today.getUTCDate() - 1);
  return { yesterday: today.toISOString().slice(0, 10), localTime: local.slice(11, 16) };
}

export interface ReconcilerDeps {
  db: Db;
  commands: CommandQueue;
  recovery: Recovery;
  registry: DeviceRegistry;
  clock: Clock;
  log: Logger;
  /** RECONCILE_AT, device-local HH:MM; null: checks run only when asked. */
  dailyAt: string | null;
  publish(events: OutgoingEvent[]): Promise<void>;
}

export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(private readonly deps: ReconcilerDeps) {}

  start(everyMs = 15_000): this {
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
    return this;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  /** One pass: start the day's checks that are due, then move every open one forward. */
  tick(): Promise<void> {
    this.ticking ??= this.scheduleDue()
      .then(() => this.advance())
      .catch((err: unknown) => this.deps.log.warn({ err }, 'reconciliation pass failed; next one in a few seconds'))
      .finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  /** Checks `date` for a clock now (again, if it was checked before). */
  async run(sn: string, date: string, requestedBy: string): Promise<Reconciliation> {
    const now = this.deps.clock.now();
    const command = await this.deps.commands.enqueue(sn, verifySumCommand(date));
    const fresh = { status: 'pending', verifyCommandId: command.id, queryCommandId: null, deviceCount: null, storedCount: null, recovered: 0, requestedBy, updatedAt: now };
    return this.deps.db.reconciliation.upsert({
      where: { deviceSn_date: { deviceSn: sn, date } },
      create: { deviceSn: sn, date, createdAt: now, ...fresh },
      update: fresh,
    });
  }

  /** Each approved clock whose local time has passed RECONCILE_AT gets yesterday checked, once. */
  private async scheduleDue(): Promise<void> {
    const dailyAt = this.deps.dailyAt;
    if (dailyAt === null) return;
    const now = this.deps.clock.now();
    // Only clocks that have called in: the API's pseudo-device and serials never seen have nothing to ask.
    const devices = await this.deps.db.device.findMany({ where: { state: 'approved', lastSeenAt: { not: null } } });
    for (const device of devices) {
      const { yesterday, localTime } = previousLocalDay(now, this.deps.registry.zoneOf(device));
      if (localTime < dailyAt) continue;
      const exists = await this.deps.db.reconciliation.count({ where: { deviceSn: device.sn, date: yesterday } });
      if (exists === 0) await this.run(device.sn, yesterday, 'schedule').catch(() => undefined); // another receiver won the race
    }
  }

  /** Moves open checks forward from their commands' outcomes. */
  async advance(): Promise<void> {
    const open = await this.deps.db.reconciliation.findMany({ where: { status: 'pending' }, orderBy: { id: 'asc' } });
    for (const row of open) await this.advanceOne(row);
  }

  private async advanceOne(row: Reconciliation): Promise<void> {
    const now = this.deps.clock.now();
    if (row.queryCommandId === null) {
      const verify = row.verifyCommandId === null ? null : await this.deps.commands.find(row.deviceSn, row.verifyCommandId, now);
      if (!verify || verify.status === 'queued' || verify.status === 'sent') return;
      const deviceCount = verify.status === 'done' ? attlogSumOf(verify.result) : null;
      // No count (an unknown command, no answer, no AttlogSum): this firmware cannot be checked.
      if (deviceCount === null) return this.finish(row, { status: 'unsupported' });
      const storedCount = await this.storedCount(row);
      if (storedCount >= deviceCount) return this.finish(row, { status: 'match', deviceCount, storedCount });
      const query = await this.deps.recovery.request(row.deviceSn, `${row.date} 00:00:00`, `${row.date} 23:59:59`);
      this.deps.log.warn({ sn: row.deviceSn, date: row.date, deviceCount, storedCount, commandId: query.id }, 'clock holds punches we do not: asked for the day again');
      await this.deps.db.reconciliation.update({ where: { id: row.id }, data: { deviceCount, storedCount, queryCommandId: query.id, updatedAt: now } });
      return;
    }
    const query = await this.deps.commands.find(row.deviceSn, row.queryCommandId, now);
    if (!query || query.status === 'queued' || query.status === 'sent') return;
    const storedCount = await this.storedCount(row);
    const recovered = (await this.deps.recovery.countFor(row.deviceSn, row.queryCommandId)).recovered;
    if (storedCount >= (row.deviceCount ?? 0)) return this.finish(row, { status: 'recovered', storedCount, recovered });
    if (query.doneAt && now.getTime() - query.doneAt.getTime() < SETTLE_MS) return;
    await this.finish(row, { status: 'gap', storedCount, recovered });
    await this.deps.publish([
      { type: 'reconciliation.gap', data: { sn: row.deviceSn, date: row.date, device_count: row.deviceCount, stored_count: storedCount, recovered } },
    ]);
  }

  private async finish(row: Reconciliation, data: Partial<Pick<Reconciliation, 'status' | 'deviceCount' | 'storedCount' | 'recovered'>>): Promise<void> {
    await this.deps.db.reconciliation.update({ where: { id: row.id }, data: { ...data, updatedAt: this.deps.clock.now() } });
    if (data.status === 'gap') this.deps.log.error({ sn: row.deviceSn, date: row.date, ...data }, 'reconciliation: the clock holds punches that could not be fetched');
  }

  /** Punches stored from the clock itself (not the API, not manual corrections) for the day. */
  private async storedCount(row: Reconciliation): Promise<number> {
    return this.deps.db.punch.count({
      where: { deviceSn: row.deviceSn, source: { in: ['device', 'relay'] }, localTime: { gte: `${row.date} 00:00:00`, lte: `${row.date} 23:59:59` } },
    });
  }
}
