// Clocks' contact times, kept in memory and written for all clocks in one statement on a timer and at
// stop: a poll costs no durable write. devices.last_seen_at lags the truth by at most one interval; a
// contact time never moves back (several receivers write the latest they each know).
import type { Logger } from 'pino';
import type { Db } from '../db/open.ts';

export class LastSeenBuffer {
  private readonly pending = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(private readonly deps: { db: Db; log: Logger; everyMs: number }) {}

  /** A contact at `at`, written at the next flush. */
  note(sn: string, at: Date): void {
    const known = this.pending.get(sn);
    if (!known || known < at) this.pending.set(sn, at);
  }

  /** The contact time not yet written, if any. */
  unwritten(sn: string): Date | undefined {
    return this.pending.get(sn);
  }

  /** A contact time written by other means (the device row itself) needs no flush. */
  written(sn: string, at: Date | null): void {
    const known = this.pending.get(sn);
    if (known && at && known <= at) this.pending.delete(sn);
  }

  clear(): void {
    this.pending.clear();
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.deps.everyMs);
    this.timer.unref();
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** One UPDATE for every clock heard from since the last flush; on failure they wait for the next one. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    const rows = JSON.stringify(batch.map(([sn, at]) => ({ sn, at: at.toISOString() })));
    try {
      await this.deps.db.$executeRaw`
        UPDATE devices d SET last_seen_at = v.at
        FROM jsonb_to_recordset(${rows}::jsonb) AS v(sn text, at timestamptz)
        WHERE d.sn = v.sn AND (d.last_seen_at IS NULL OR d.last_seen_at < v.at)`;
    } catch (err) {
      this.deps.log.warn({ err, clocks: batch.length }, 'could not write clocks\' contact times; next try at the next flush');
      return;
    }
    // A contact noted while the statement ran stays for the next flush.
    for (const [sn, at] of batch) if (this.pending.get(sn) === at) this.pending.delete(sn);
  }
}
