// The device rows one receiver holds, kept true against every writer: rows this process writes replace
// its copy; a change by anyone else arrives as a notification (server/db/changes.ts) carrying the row's
// new updated_at, and drops an older copy. A row read while a newer change was heard is not kept.
import type { ChangeFeed } from '../db/changes.ts';
import type { Device } from '../db/generated/client.ts';

export class DeviceCache {
  private readonly rows = new Map<string, Device>();
  /** Notifications heard so far, and the last one per serial (its order and the row version it announced). */
  private heard = 0;
  private readonly heardFor = new Map<string, { at: number; version: number }>();
  private missedAt = 0;

  constructor(private readonly changes: Pick<ChangeFeed, 'live'>) {}

  /** The cached row, while the change feed is live. */
  get(sn: string): Device | undefined {
    return this.changes.live ? this.rows.get(sn) : undefined;
  }

  /** Taken before a read or a write: `keep` then knows whether a change was heard meanwhile. */
  mark(): number {
    return this.heard;
  }

  /** Keeps a row read or written after `mark`, unless a newer change was heard while it was on its way. */
  keep(device: Device, mark: number): void {
    const heard = this.heardFor.get(device.sn);
    const changedSince = this.missedAt > mark || (heard !== undefined && heard.at > mark && heard.version > device.updatedAt.getTime());
    if (this.changes.live && !changedSince) this.rows.set(device.sn, device);
    else this.rows.delete(device.sn);
  }

  drop(sn: string): void {
    this.rows.delete(sn);
  }

  /** A notification "<sn> <updated_at ms>" ("deleted", or anything unreadable, is newer than any copy). */
  changed(sn: string, stamp: string): void {
    const version = /^\d+$/.test(stamp) ? Number(stamp) : Number.POSITIVE_INFINITY;
    this.heardFor.set(sn, { at: ++this.heard, version });
    const cached = this.rows.get(sn);
    if (cached && version > cached.updatedAt.getTime()) this.rows.delete(sn);
  }

  /** Changes may have been missed (the feed reconnected, a TRUNCATE): nothing held is trusted. */
  clear(): void {
    this.missedAt = ++this.heard;
    this.rows.clear();
  }
}
