// Sends employee changes to the clocks: every approved clock gets each change, and a clock approved
// later gets the whole current list.
import type { Logger } from 'pino';
import { API_DEVICE_SN } from '../api/api-devices.ts';
import type { Db } from '../db/open.ts';
import type { IngestBus } from '../ingest/events.ts';
import type { CommandQueue } from './commands.ts';
import { deleteUserCommand, updateUserCommand, userCommandPrefixes, type EmployeeRecord } from './employee-commands.ts';

/** The pseudo-device that owns punches posted through the attendance API: not a clock. */
const NOT_A_CLOCK = API_DEVICE_SN;

export class EmployeeSync {
  /** One sync per device at a time, so an approval seen twice queues the list once. */
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: { db: Db; commands: CommandQueue; log: Logger }) {}

  /** A clock that becomes approved (first contact, relay token, admin) gets the current list. */
  listen(bus: IngestBus): this {
    bus.on('device', (event) => {
      if (event.state !== 'approved') return;
      this.syncAllTo(event.sn).catch((err: unknown) => this.deps.log.error({ err, sn: event.sn }, 'employee list not queued'));
    });
    return this;
  }

  /** Approved clocks that have talked to us, except `exceptSn` (the clock a change came from). */
  async approvedClocks(exceptSn?: string): Promise<string[]> {
    const devices = await this.deps.db.device.findMany({
      where: { state: 'approved', lastSeenAt: { not: null }, sn: { notIn: [NOT_A_CLOCK, ...(exceptSn ? [exceptSn] : [])] } },
      select: { sn: true },
      orderBy: { sn: 'asc' },
    });
    return devices.map((d) => d.sn);
  }

  /** To every approved clock, or to the clocks given (a change learned from one clock goes to the others). */
  async sendUpdate(employee: EmployeeRecord, clocks?: readonly string[]): Promise<number> {
    return this.sendTo(clocks ?? (await this.approvedClocks()), updateUserCommand(employee));
  }

  /** Several records to the clocks given, one statement per clock. */
  async sendUpdates(employees: readonly EmployeeRecord[], clocks: readonly string[]): Promise<void> {
    const lines = employees.map(updateUserCommand);
    for (const sn of clocks) await this.deps.commands.enqueueMany(sn, lines);
  }

  async sendDelete(pin: string): Promise<number> {
    return this.sendTo(await this.approvedClocks(), deleteUserCommand(pin));
  }

  private async sendTo(clocks: readonly string[], command: string): Promise<number> {
    for (const sn of clocks) await this.deps.commands.enqueue(sn, command);
    return clocks.length;
  }

  /** Queues every current employee for a newly approved clock; skips records already on their way. */
  syncAllTo(sn: string): Promise<number> {
    const next = (this.running.get(sn) ?? Promise.resolve()).catch(() => undefined).then(() => this.queueAll(sn));
    this.running.set(sn, next);
    const forget = () => {
      if (this.running.get(sn) === next) this.running.delete(sn);
    };
    next.then(forget, forget);
    return next;
  }

  private async queueAll(sn: string): Promise<number> {
    if (sn === NOT_A_CLOCK) return 0;
    const employees = await this.deps.db.employee.findMany({ where: { deletedAt: null }, orderBy: { pin: 'asc' } });
    const pending = new Set(
      (await this.deps.commands.pendingStartingWith(sn, 'DATA UPDATE USERINFO ')).map((c) => c.command),
    );
    const queued = await this.deps.commands.enqueueMany(sn, employees.map(updateUserCommand).filter((command) => !pending.has(command)));
    if (queued > 0) this.deps.log.info({ sn, employees: queued }, 'employee list queued for a newly approved clock');
    return queued;
  }

  /** True while the latest ERP change for this PIN has not been confirmed by this clock. */
  async changeInFlight(sn: string, pin: string): Promise<boolean> {
    const [updatePrefix, deleteLine] = userCommandPrefixes(pin);
    const latest = await this.deps.db.command.findFirst({
      where: { deviceSn: sn, OR: [{ command: { startsWith: updatePrefix } }, { command: deleteLine }] },
      orderBy: { id: 'desc' },
      select: { status: true },
    });
    return latest?.status === 'queued' || latest?.status === 'sent';
  }
}
