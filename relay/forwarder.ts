// Sends queued clock requests to the receiver, in order per clock, until each is accepted or refused.
// Runs of ATTLOG uploads go up to `window` at once (punches are idempotent and order-free at the
// receiver); any other table waits for everything before it and holds back everything after it.
import type { Logger } from 'pino';
import { countRecordLines, parseUploadAck } from '../server/protocol/index.ts';
import type { ForwardingSettings } from './config.ts';
import type { Clock } from '../server/clock.ts';
import type { QueueItem, RelayQueue } from './queue.ts';
import type { UpstreamHealth } from './status.ts';
import { originHeaders, uploadOutcome, UpstreamUnreachable, type Outcome, type UpstreamClient } from './upstream.ts';

interface Lane {
  sn: string;
  items: QueueItem[];
  inFlight: Set<number>;
  failures: number;
  retryTimer: NodeJS.Timeout | null;
}

export interface ForwarderDeps {
  queue: RelayQueue;
  upstream: UpstreamClient;
  health: UpstreamHealth;
  settings: Readonly<ForwardingSettings>;
  log: Logger;
  clock: Clock;
}

function refusalMessage(status: number): string {
  if (status === 401) return 'receiver refused the relay token (401): entry set aside; check RELAY_TOKEN';
  if (status < 300) return 'upstream answered without an iClock acknowledgement: entry set aside; check RELAY_UPSTREAM';
  return 'receiver refused a queued upload: entry set aside';
}

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
      lane = { sn: item.sn, items: [], inFlight: new Set(), failures: 0, retryTimer: null };
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
    const limit = Math.min(lane.items.length, this.deps.settings.window);
    for (let i = 0; i < limit; i++) {
      const item = lane.items[i]!;
      const ordered = !orderFree(item);
      if (ordered && (i > 0 || lane.inFlight.size > 0)) break;
      if (!lane.inFlight.has(item.id)) this.send(lane, item);
      if (ordered) break;
    }
  }

  private send(lane: Lane, item: QueueItem): void {
    lane.inFlight.add(item.id);
    const run = this.attempt(item)
      .then((outcome) => this.settle(lane, item, outcome))
      .catch((err: unknown) => {
        // The store failed us (disk error): back off rather than spin on the same entry.
        this.deps.log.error({ err, sn: item.sn, id: item.id }, 'forwarding bookkeeping failed');
        this.scheduleRetry(lane, item);
      })
      .finally(() => {
        lane.inFlight.delete(item.id);
        this.running.delete(run);
        this.pump(lane);
      });
    this.running.add(run);
  }

  private async attempt(item: QueueItem): Promise<Outcome | 'missing'> {
    const { queue, upstream, health, settings, log, clock } = this.deps;
    const request = queue.body(item.id);
    if (!request) return 'missing';
    // Bodies go as received; a GET carries one only if the clock sent one (it was queued for that body).
    const hasBody = request.body.byteLength > 0 || (request.method !== 'GET' && request.method !== 'HEAD');
    const started = clock.now();
    try {
      const reply = await upstream.send({
        method: request.method,
        path: request.path,
        rawQuery: request.rawQuery,
        headers: originHeaders(request),
        body: hasBody ? request.body : undefined,
        timeoutMs: settings.timeoutMs,
      });
      const outcome = uploadOutcome(reply);
      const at = clock.now();
      const ms = at.getTime() - started.getTime();
      const brief = reply.text.slice(0, 200);
      if (outcome === 'delivered') {
        health.delivered(at);
        const ack = parseUploadAck(reply.text)!;
        const sent = item.table === 'ATTLOG' ? countRecordLines(request.body) : null;
        if (sent !== null && ack.count !== null && ack.count !== sent) {
          log.warn({ sn: item.sn, id: item.id, sent, acknowledged: ack.count }, 'receiver acknowledged a different line count');
        }
        log.info({ sn: item.sn, id: item.id, table: item.table, status: reply.status, ms }, 'forwarded');
      } else if (outcome === 'reject') {
        health.refused(at, { message: `receiver refused ${item.path}: ${reply.status} ${brief}`, status: reply.status });
        await queue.markRejected(item.id, { status: reply.status, reason: brief, at: at.toISOString() });
        log.error(
          { sn: item.sn, id: item.id, table: item.table, path: item.path, status: reply.status, reply: brief },
          refusalMessage(reply.status),
        );
      } else {
        health.refused(at, { message: `receiver answered ${reply.status} (${brief})`, status: reply.status });
      }
      return outcome;
    } catch (err) {
      if (!(err instanceof UpstreamUnreachable)) throw err;
      health.unreachable(clock.now(), `receiver unreachable: ${err.reason}`);
      return 'retry';
    }
  }

  private async settle(lane: Lane, item: QueueItem, outcome: Outcome | 'missing'): Promise<void> {
    if (outcome === 'retry') {
      this.scheduleRetry(lane, item);
      return;
    }
    lane.items.splice(lane.items.indexOf(item), 1);
    if (outcome === 'delivered') {
      lane.failures = 0;
      await this.deps.queue.markDelivered(item.id);
    } else if (outcome === 'missing') {
      this.deps.queue.forget(item.id);
      this.deps.log.error({ sn: item.sn, id: item.id }, 'queued entry vanished from the store; skipped');
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
