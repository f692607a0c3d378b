// Sends queued clock requests to the receiver, in order per clock, until each is accepted or refused.
// Runs of ATTLOG uploads go up to `window` requests at once (punches are idempotent and order-free at the
// receiver), a backlog of them merged into requests of up to `mergeLines` lines (merge.ts); any other table
// waits for everything before it and holds back everything after it.
import { countRecordLines } from '../server/protocol/index.ts';
import { batchLength } from './merge.ts';
import type { QueueItem } from './queue.ts';
import { sendUnit, type SendDeps, type SendOutcome } from './send.ts';
import { UpstreamUnreachable } from './upstream.ts';

interface Lane {
  sn: string;
  items: QueueItem[];
  inFlight: Set<number>;
  /** Requests in flight (a merged one counts once). */
  sending: number;
  /** Entries of a merged request the receiver did not take: they go one by one from now on. */
  alone: Set<number>;
  failures: number;
  retryTimer: NodeJS.Timeout | null;
}

/** What forwarding needs: the same as one attempt (send.ts). */
export type ForwarderDeps = SendDeps;

/** Pipelining is safe only where the receiver's result does not depend on order. */
const orderFree = (item: QueueItem) => item.table === 'ATTLOG';

export class Forwarder {
  private readonly lanes = new Map<string, Lane>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;
  /** While lanes back off, a cheap `GET /healthz` every few seconds: the backlog drains as soon as it answers. */
  private probeTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: ForwarderDeps) {}

  /** Picks up what is already queued (a restart resumes where the last run stopped). */
  start(): void {
    for (const item of this.deps.queue.pending.values()) this.add(item);
  }

  add(item: QueueItem): void {
    let lane = this.lanes.get(item.sn);
    if (!lane) {
      lane = { sn: item.sn, items: [], inFlight: new Set(), sending: 0, alone: new Set(), failures: 0, retryTimer: null };
      this.lanes.set(item.sn, lane);
    }
    lane.items.push(item);
    this.pump(lane);
  }

  /** Sends nothing new, lets requests in flight finish (at most `graceMs`), then drops the connections. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    for (const lane of this.lanes.values()) if (lane.retryTimer) clearTimeout(lane.retryTimer);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled(this.running), grace]);
    clearTimeout(timer);
    this.deps.upstream.close();
    await Promise.allSettled(this.running);
  }

  private pump(lane: Lane): void {
    if (this.stopped || lane.retryTimer) return;
    const { window } = this.deps.settings;
    for (let i = 0; i < lane.items.length && lane.sending < window; i++) {
      const item = lane.items[i]!;
      const ordered = !orderFree(item);
      if (lane.inFlight.has(item.id)) {
        if (ordered) break;
        continue;
      }
      if (ordered) {
        if (i === 0 && lane.inFlight.size === 0) this.send(lane, [item]);
        break;
      }
      const unit = this.unitFrom(lane, i);
      this.send(lane, unit);
      i += unit.length - 1;
    }
  }

  /** The entry at `start` and the waiting entries after it that may travel in the same request. */
  private unitFrom(lane: Lane, start: number): QueueItem[] {
    const first = lane.items[start]!;
    if (lane.alone.has(first.id)) return [first];
    const candidates: QueueItem[] = [first];
    for (let i = start + 1; i < lane.items.length && candidates.length <= this.deps.settings.mergeLines; i++) {
      const item = lane.items[i]!;
      if (lane.inFlight.has(item.id) || lane.alone.has(item.id) || !orderFree(item)) break;
      candidates.push(item);
    }
    const n = batchLength(candidates, (item) => this.linesOf(item as QueueItem), this.deps.settings);
    return candidates.slice(0, Math.max(1, n));
  }

  /** Record lines of an entry, counted once from its body on disk. */
  private linesOf(item: QueueItem): number {
    item.lines ??= countRecordLines(this.deps.queue.body(item.id)?.body ?? new Uint8Array());
    return item.lines;
  }

  private send(lane: Lane, unit: QueueItem[]): void {
    for (const item of unit) lane.inFlight.add(item.id);
    lane.sending++;
    const run = sendUnit(this.deps, unit)
      .then((outcome) => this.settle(lane, unit, outcome))
      .catch((err: unknown) => {
        // The store failed us (disk error): back off rather than spin on the same entry.
        this.deps.log.error({ err, sn: lane.sn, id: unit[0]!.id }, 'forwarding bookkeeping failed');
        this.scheduleRetry(lane, unit[0]!);
      })
      .finally(() => {
        for (const item of unit) lane.inFlight.delete(item.id);
        lane.sending--;
        this.running.delete(run);
        this.pump(lane);
      });
    this.running.add(run);
  }

  private async settle(lane: Lane, unit: QueueItem[], outcome: SendOutcome): Promise<void> {
    if (outcome === 'retry') {
      this.scheduleRetry(lane, unit[0]!);
      return;
    }
    if (outcome === 'split') {
      for (const item of unit) lane.alone.add(item.id);
      return;
    }
    // Settled entries are near the front: a search from there, not a pass over a long backlog.
    for (const item of unit) {
      lane.items.splice(lane.items.indexOf(item), 1);
      lane.alone.delete(item.id);
    }
    if (outcome === 'delivered') {
      lane.failures = 0;
      await this.deps.queue.markDelivered(unit.map((item) => item.id));
    } else if (outcome === 'missing') {
      this.deps.queue.forget(unit[0]!.id);
      this.deps.log.error({ sn: lane.sn, id: unit[0]!.id }, 'queued entry vanished from the store; skipped');
    }
  }

  /** One backoff per failed round: exponential, capped, with jitter so several relays do not march in step. */
  private scheduleRetry(lane: Lane, item: QueueItem): void {
    if (lane.retryTimer || this.stopped) return;
    lane.failures++;
    const { backoffBaseMs, backoffMaxMs } = this.deps.settings;
    const ceiling = Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.min(lane.failures - 1, 30));
    const delayMs = Math.round(ceiling * (0.5 + Math.random() * 0.5));
    this.deps.log.warn(
      { sn: lane.sn, id: item.id, attempt: lane.failures, retry_in_ms: delayMs, error: this.deps.health.lastError?.message },
      'forwarding failed; will retry',
    );
    lane.retryTimer = setTimeout(() => {
      lane.retryTimer = null;
      this.pump(lane);
    }, delayMs);
    if (delayMs > this.deps.settings.probeMs) this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.probeTimer || this.stopped) return;
    this.probeTimer = setTimeout(() => void this.probe(), this.deps.settings.probeMs);
  }

  /** Asks the receiver whether it is back; if it is, every lane waiting out a backoff is sent at once. */
  private async probe(): Promise<void> {
    this.probeTimer = null;
    const waiting = [...this.lanes.values()].filter((lane) => lane.retryTimer);
    if (waiting.length === 0 || this.stopped) return;
    const { upstream, health, settings, clock, log } = this.deps;
    try {
      const reply = await upstream.send({ method: 'GET', path: '/healthz', rawQuery: '', headers: {}, timeoutMs: settings.liveTimeoutMs });
      if (reply.status === 200 && !this.stopped) {
        health.reached(clock.now());
        log.info({ clocks: waiting.length }, 'receiver answers again: forwarding resumes now');
        for (const lane of waiting) {
          clearTimeout(lane.retryTimer!);
          lane.retryTimer = null;
          lane.failures = 0;
          this.pump(lane);
        }
        return;
      }
    } catch (err) {
      if (!(err instanceof UpstreamUnreachable)) log.warn({ err }, 'receiver probe failed');
    }
    this.scheduleProbe();
  }
}
