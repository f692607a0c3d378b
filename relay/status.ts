// What the relay knows of the receiver, and the JSON of GET /relay/status.
import type { RelayQueue } from './queue.ts';

export interface LastError {
  at: string;
  message: string;
  /** The receiver's HTTP status, absent when there was no answer at all. */
  status?: number;
}

export class UpstreamHealth {
  /** null until the relay has talked to the receiver once. */
  reachable: boolean | null = null;
  checkedAt: string | null = null;
  lastSuccessAt: string | null = null;
  lastError: LastError | null = null;

  /** The receiver answered (any HTTP answer proves it reachable). */
  reached(at: Date): void {
    this.reachable = true;
    this.checkedAt = at.toISOString();
  }

  /** The receiver accepted a queued upload: what `last_success_at` reports. */
  delivered(at: Date): void {
    this.reached(at);
    this.lastSuccessAt = this.checkedAt;
  }

  /** The receiver answered, but not with what the relay needed. */
  refused(at: Date, error: Omit<LastError, 'at'>): void {
    this.reached(at);
    this.lastError = { at: this.checkedAt!, ...error };
  }

  unreachable(at: Date, message: string): void {
    this.reachable = false;
    this.checkedAt = at.toISOString();
    this.lastError = { at: this.checkedAt, message };
  }
}

/** Uploads the relay could not queue (disk full, over the cap): each was answered 503 and kept by the clock. */
export class IntakeRefusals {
  count = 0;
  lastAt: string | null = null;
  lastReason: string | null = null;

  note(at: Date, reason: string): void {
    this.count++;
    this.lastAt = at.toISOString();
    this.lastReason = reason;
  }
}

const REJECTED_SHOWN = 10;

export function relayStatus(queue: RelayQueue, health: UpstreamHealth, refusals: IntakeRefusals, now: Date) {
  const oldest = queue.oldestPending();
  const rejected = [...queue.rejected.values()];
  return {
    queue_depth: queue.pending.size,
    oldest_pending_age_s: oldest ? Math.max(0, Math.round((now.getTime() - Date.parse(oldest.receivedAt)) / 1000)) : null,
    oldest_pending_received_at: oldest?.receivedAt ?? null,
    queue_bytes: queue.heldBytes,
    queue_cap_bytes: queue.capBytes,
    delivered: queue.delivered,
    last_success_at: health.lastSuccessAt,
    last_error: health.lastError,
    upstream_reachable: health.reachable,
    upstream_checked_at: health.checkedAt,
    refused_uploads: { count: refusals.count, last_at: refusals.lastAt, last_reason: refusals.lastReason },
    rejected: {
      count: rejected.length,
      entries: rejected.slice(-REJECTED_SHOWN).map((item) => ({
        id: item.id,
        sn: item.sn,
        method: item.method,
        path: item.path,
        table: item.table,
        received_at: item.receivedAt,
        status: item.status,
        reason: item.reason,
        rejected_at: item.at,
      })),
    },
  };
}
