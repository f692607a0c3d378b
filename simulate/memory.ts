// The clock's own storage: its user table, its attendance log, and how much of the log the server
// acknowledged. In memory, optionally mirrored to a JSON file so a second run resumes like a real clock.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SimPunch, SimUser } from './records.ts';

interface Snapshot {
  users: SimUser[];
  log: SimPunch[];
  acknowledged: number;
  options: Record<string, string>;
}

export class ClockMemory {
  readonly users = new Map<string, SimUser>();
  log: SimPunch[] = [];
  /** Log entries before this index were acknowledged by the server (a real clock keeps them anyway). */
  acknowledged = 0;
  /** Options set by the server (`SET OPTION`) or learned at the handshake. */
  options: Record<string, string> = {};

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
      for (const u of snap.users) this.users.set(u.pin, u);
      this.log = snap.log;
      this.acknowledged = Math.min(snap.acknowledged, snap.log.length);
      this.options = snap.options ?? {};
    }
  }

  enroll(users: readonly SimUser[]): void {
    for (const u of users) this.users.set(u.pin, { ...u });
    this.save();
  }

  remove(pin: string): boolean {
    const had = this.users.delete(pin);
    this.save();
    return had;
  }

  record(punches: readonly SimPunch[]): void {
    this.log.push(...punches);
    this.save();
  }

  unsent(): SimPunch[] {
    return this.log.slice(this.acknowledged);
  }

  markAcknowledged(count: number): void {
    this.acknowledged = Math.min(this.log.length, this.acknowledged + count);
    this.save();
  }

  /** Punches whose local time lies in [start, end]; local strings compare correctly as text. */
  between(start: string, end: string): SimPunch[] {
    return this.log.filter((p) => p.time >= start && p.time <= end);
  }

  clearLog(): void {
    this.log = [];
    this.acknowledged = 0;
    this.save();
  }

  /** Written to a temporary file and renamed, so a killed run never leaves half a file. */
  save(): void {
    if (!this.file) return;
    const snap: Snapshot = { users: [...this.users.values()], log: this.log, acknowledged: this.acknowledged, options: this.options };
    writeFileSync(`${this.file}.tmp`, JSON.stringify(snap));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
