// Sends due webhook deliveries: claimed with a lease (FOR UPDATE SKIP LOCKED, no transaction held over
// HTTP), signed as Standard Webhooks sign, retried with backoff for 24 hours under the same webhook-id.
import { Webhook as Signer } from 'standardwebhooks';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';

/** Waits after the 1st, 2nd, … failed attempt; the last one repeats until 24 hours have passed. */
export const RETRY_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 21_600_000];
export const RETRY_WINDOW_MS = 24 * 3_600_000;
const LEASE_MS = 60_000;
const ATTEMPT_TIMEOUT_MS = 10_000;
const BATCH = 20;

export function nextAttemptAt(createdAt: Date, attempts: number, now: Date, delays = RETRY_DELAYS_MS): Date | null {
  const wait = delays[Math.min(attempts - 1, delays.length - 1)]!;
  const next = new Date(now.getTime() + wait);
  return next.getTime() - createdAt.getTime() > RETRY_WINDOW_MS ? null : next;
}

interface Claimed {
  id: bigint;
  message_id: string;
  payload: unknown;
  attempts: number;
  created_at: Date;
  url: string;
  secret: string;
}

export interface DelivererDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  /** Seconds between sweeps for due retries (a new event kicks the deliverer at once). */
  pollMs?: number;
  onResult?: (result: 'delivered' | 'retry' | 'failed') => void;
}

export class WebhookDeliverer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly deps: DelivererDeps) {}

  start(): this {
    this.timer = setInterval(() => this.kick(), this.deps.pollMs ?? 1_000);
    this.timer.unref();
    return this;
  }

  /** Runs a sweep now (or right after the one in progress). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sweep()
      .catch((err: unknown) => this.deps.log.warn({ err }, 'webhook sweep failed; retrying on the next tick'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async sweep(): Promise<void> {
    for (;;) {
      const claimed = await this.claim();
      if (claimed.length === 0) return;
      await Promise.all(claimed.map((d) => this.attempt(d)));
      if (claimed.length < BATCH || this.stopped) return;
    }
  }

  private claim(): Promise<Claimed[]> {
    const now = this.deps.clock.now();
    const lease = new Date(now.getTime() + LEASE_MS);
    return this.deps.db.$queryRaw<Claimed[]>`
      UPDATE webhook_deliveries d SET next_attempt_at = ${lease}
      FROM webhooks w
      WHERE w.id = d.webhook_id AND d.id IN (
        SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ${now}
        ORDER BY next_attempt_at, id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING d.id, d.message_id, d.payload, d.attempts, d.created_at, w.url, w.secret`;
  }

  private async attempt(delivery: Claimed): Promise<void> {
    const at = this.deps.clock.now();
    const body = JSON.stringify(delivery.payload);
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'zkteco-erp-link-webhooks',
          'webhook-id': delivery.message_id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': new Signer(delivery.secret).sign(delivery.message_id, at, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      statusCode = response.status;
      await response.body?.cancel();
      if (!response.ok) error = `answered ${response.status}`;
    } catch (err) {
      error = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${ATTEMPT_TIMEOUT_MS / 1000} s` : describe(err);
    }
    const attempts = delivery.attempts + 1;
    const durationMs = Math.round(performance.now() - started);
    const next = error === null ? null : nextAttemptAt(delivery.created_at, attempts, this.deps.clock.now());
    const status = error === null ? 'delivered' : next ? 'pending' : 'failed';
    await this.deps.db.$transaction([
      this.deps.db.webhookAttempt.create({ data: { deliveryId: delivery.id, attemptedAt: at, statusCode, error, durationMs } }),
      this.deps.db.webhookDelivery.update({
        where: { id: delivery.id },
        data: { attempts, status, ...(next ? { nextAttemptAt: next } : {}), ...(status === 'delivered' ? { deliveredAt: this.deps.clock.now() } : {}) },
      }),
    ]);
    this.deps.onResult?.(status === 'pending' ? 'retry' : status);
    if (status === 'failed') this.deps.log.warn({ webhookMessage: delivery.message_id, attempts }, 'webhook delivery given up after 24 hours');
  }
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
