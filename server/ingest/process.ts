// The upload journal is the ingest queue. An upload is owned by one process at a time through a lease
// (`next_attempt_at` in the future): the request that journals it owns it and applies it at once; a
// failed apply is due again after a growing backoff; the worker claims due rows (`FOR UPDATE SKIP
// LOCKED`, one statement: no transaction held open, so the single PGlite connection never waits on
// itself) and applies them, on every receiver sharing the database. Held uploads of a pending clock
// become claimable when it is approved. Nothing ends in a state a person must notice.
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Device, Upload } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import type { UploadApplier } from './apply.ts';

export interface IngestQueueDeps {
  db: Db;
  applier: UploadApplier;
  clock: Clock;
  log: Logger;
  /** How often the worker looks for due retries (and for leases another receiver left behind). */
  pollMs?: number;
}

/** How long an owner may take to apply before another receiver may claim the upload. */
export const LEASE_MS = 60_000;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 15 * 60_000;
const BATCH = 20;

/** Wait before attempt `attempts + 1`: 2 s, 4 s, 8 s … capped at 15 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(Math.max(attempts - 1, 0), 20));
}

export class Ingest {
  private pollTimer: NodeJS.Timeout | undefined;
  private draining: Promise<number> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly deps: IngestQueueDeps) {}

  /** Lease a new journal row starts with: the request that journals it applies it. */
  leaseFrom(now: Date): Date {
    return new Date(now.getTime() + LEASE_MS);
  }

  /** Applies an upload the caller just journaled (it holds the lease). Never throws: a failure is retried later. */
  async applyJournaled(upload: Upload, device: Device): Promise<boolean> {
    return this.attempt(upload, device);
  }

  /** Applies the uploads held for a device now approved, oldest first; returns how many were applied. */
  async applyHeld(device: Device): Promise<number> {
    return this.drainWhere(device.sn);
  }

  /** Starts the worker: at once, then every poll. `releaseLeases` when no other process can hold one (embedded). */
  async start(options: { releaseLeases: boolean }): Promise<void> {
    if (options.releaseLeases) {
      // One process per embedded database: a lease still running belongs to a run that stopped mid-apply.
      await this.deps.db.$executeRaw`UPDATE uploads SET next_attempt_at = NULL
        WHERE outcome IN ('received', 'held') AND next_attempt_at > ${this.deps.clock.now()}`;
    }
    this.stopped = false;
    const poll = () => {
      this.pollTimer = setTimeout(() => {
        this.kick();
        if (!this.stopped) poll();
      }, this.deps.pollMs ?? 5_000);
      this.pollTimer.unref();
    };
    poll();
    await this.drain();
  }

  /** Stops polling and waits for the apply in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    await this.draining?.catch(() => undefined);
  }

  /** Drains due uploads soon; several kicks while draining cost one more pass. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    void this.drain();
  }

  /** Applies every due upload of approved clocks until none is left; returns how many were applied. */
  drain(): Promise<number> {
    if (this.draining) return this.draining;
    this.draining = (async () => {
      let applied = 0;
      try {
        do {
          this.again = false;
          applied += await this.drainWhere(null);
        } while (this.again && !this.stopped);
      } catch (err) {
        this.deps.log.error({ err }, 'journal queue: could not claim uploads; will try again');
      } finally {
        this.draining = undefined;
      }
      return applied;
    })();
    return this.draining;
  }

  private async drainWhere(sn: string | null): Promise<number> {
    let applied = 0;
    for (;;) {
      const batch = await this.claim(sn);
      for (const { upload, device } of batch) if (await this.attempt(upload, device)) applied++;
      if (batch.length < BATCH || this.stopped) return applied;
    }
  }

  /** Takes up to BATCH due uploads of approved clocks (of one clock when `sn`), oldest first, under a lease. */
  private async claim(sn: string | null): Promise<{ upload: Upload; device: Device }[]> {
    const now = this.deps.clock.now();
    const rows = await this.deps.db.$queryRaw<{ id: bigint }[]>`
      UPDATE uploads SET outcome = 'received', attempts = attempts + 1, next_attempt_at = ${this.leaseFrom(now)}
      WHERE id IN (
        SELECT u.id FROM uploads u JOIN devices d ON d.sn = u.sn
        WHERE u.outcome IN ('received', 'held') AND d.state = 'approved'
          AND (u.next_attempt_at IS NULL OR u.next_attempt_at <= ${now})
          AND (${sn}::text IS NULL OR u.sn = ${sn}::text)
        ORDER BY u.id LIMIT ${BATCH} FOR UPDATE OF u SKIP LOCKED)
      RETURNING id`;
    if (rows.length === 0) return [];
    const uploads = await this.deps.db.upload.findMany({ where: { id: { in: rows.map((r) => r.id) } }, orderBy: { id: 'asc' } });
    const devices = new Map((await this.deps.db.device.findMany({ where: { sn: { in: [...new Set(uploads.map((u) => u.sn))] } } })).map((d) => [d.sn, d]));
    return uploads.map((upload) => ({ upload, device: devices.get(upload.sn)! }));
  }

  private async attempt(upload: Upload, device: Device): Promise<boolean> {
    try {
      await this.deps.applier.apply(upload, device);
      return true;
    } catch (err) {
      await this.retryLater(upload, err);
      return false;
    }
  }

  /** The upload stays journaled and unapplied; it is due again after the backoff (or, failing even that, its lease). */
  private async retryLater(upload: Upload, err: unknown): Promise<void> {
    const attempts = Math.max(upload.attempts, 1);
    const due = new Date(this.deps.clock.now().getTime() + retryDelayMs(attempts));
    const message = (err instanceof Error ? err.message : String(err)).replace(/\u0000/g, '').slice(0, 2000);
    this.deps.log.error({ err, sn: upload.sn, uploadId: String(upload.id), attempts, retryAt: due.toISOString() }, 'upload journaled but not applied; will retry');
    await this.deps.db.upload
      .update({ where: { id: upload.id }, data: { outcome: 'received', nextAttemptAt: due, lastError: message } })
      .catch((e: unknown) => this.deps.log.error({ err: e, uploadId: String(upload.id) }, 'could not schedule the retry; the lease will expire instead'));
  }
}
