// Employee and device names held in memory, so a punch is broadcast the moment ingest commits it,
// without waiting behind ingest's own queries (PGlite runs one query at a time).
import type { Db } from '../db/open.ts';

/** Names changed in another receiver reach us by its message; this full reload bounds any we miss. */
const RELOAD_EVERY_MS = 60_000;

export class NameDirectory {
  private employees = new Map<string, string | null>();
  private devices = new Map<string, string>();
  /** Pins looked up and found without a name since the last reload: not asked for again until then. */
  private unnamed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Db) {}

  async start(onError: (err: unknown) => void): Promise<this> {
    await this.reload();
    this.timer = setInterval(() => void this.reload().catch(onError), RELOAD_EVERY_MS);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  employeeName(pin: string): string | null {
    return this.employees.get(pin) ?? null;
  }

  deviceName(sn: string): string {
    return this.devices.get(sn) ?? sn;
  }

  async reload(): Promise<void> {
    const [employees, devices] = await Promise.all([
      this.db.employee.findMany({ where: { deletedAt: null }, select: { pin: true, name: true } }),
      this.db.device.findMany({ select: { sn: true, name: true } }),
    ]);
    this.employees = new Map(employees.map((e) => [e.pin, e.name || null]));
    this.devices = new Map(devices.map((d) => [d.sn, d.name || d.sn]));
    this.unnamed.clear();
  }

  /** Pins the directory has not heard of: an employee written without an event (e.g. by the host ERP). */
  unknownPins(pins: readonly string[]): string[] {
    return [...new Set(pins)].filter((pin) => !this.employees.has(pin) && !this.unnamed.has(pin));
  }

  /** Re-reads these employees; answers their current names (null: unnamed or deleted). */
  async refreshEmployees(pins: readonly string[]): Promise<{ pin: string; name: string | null }[]> {
    const rows = await this.db.employee.findMany({ where: { pin: { in: [...pins] } }, select: { pin: true, name: true, deletedAt: true } });
    const found = new Map(rows.map((e) => [e.pin, e.deletedAt ? null : e.name || null]));
    return pins.map((pin) => {
      const name = found.get(pin) ?? null;
      if (name === null) {
        this.employees.delete(pin);
        this.unnamed.add(pin);
      } else {
        this.employees.set(pin, name);
        this.unnamed.delete(pin);
      }
      return { pin, name };
    });
  }

  rememberDevice(sn: string, name: string | null): void {
    this.devices.set(sn, name || sn);
  }
}
