// The relay reports itself to the receiver every RELAY_REPORT_SECONDS (POST /zkteco/api/relays/heartbeat):
// best effort, on its own timer, so a receiver that cannot take the report never slows the queue.
import os from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../server/clock.ts';
import type { relayStatus } from './status.ts';
import type { UpstreamClient } from './upstream.ts';

export const RELAY_VERSION = '0.1.0';

/** The last time each clock called this relay (in memory: a restart forgets, the next poll refills it). */
export class ClockContacts {
  private readonly last = new Map<string, string>();

  note(sn: string, at: Date): void {
    // Bounded: serials are whatever a caller on the shop network sends.
    if (sn && (this.last.has(sn) || this.last.size < 1000)) this.last.set(sn, at.toISOString());
  }

  list(): { sn: string; last_contact: string }[] {
    return [...this.last].map(([sn, at]) => ({ sn, last_contact: at }));
  }
}

export interface ReporterDeps {
  upstream: UpstreamClient;
  name: string;
  everySeconds: number;
  status: () => ReturnType<typeof relayStatus>;
  contacts: ClockContacts;
  clock: Clock;
  log: Logger;
}

export function defaultRelayName(): string {
  return os.hostname() || 'relay';
}

export class RelayReporter {
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private failing = false;

  constructor(private readonly deps: ReporterDeps) {}

  start(): void {
    this.timer = setInterval(() => void this.report(), this.deps.everySeconds * 1000);
    this.timer.unref();
    setTimeout(() => void this.report(), 1_000).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sending;
  }

  report(): Promise<void> {
    this.sending ??= this.send().finally(() => (this.sending = undefined));
    return this.sending;
  }

  private async send(): Promise<void> {
    const status = this.deps.status();
    const body = {
      name: this.deps.name,
      version: RELAY_VERSION,
      queue_depth: status.queue_depth,
      oldest_pending_age_s: status.oldest_pending_age_s,
      rejected_count: status.rejected.count,
      clocks: this.deps.contacts.list(),
      last_error: status.last_error ? status.last_error.message.slice(0, 1000) : null,
    };
    try {
      const reply = await this.deps.upstream.send({
        method: 'POST',
        path: '/zkteco/api/relays/heartbeat',
        rawQuery: '',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(body)),
        timeoutMs: 5_000,
      });
      if (reply.status !== 200) throw new Error(`receiver answered ${reply.status}: ${reply.text.slice(0, 120)}`);
      if (this.failing) this.deps.log.info('relay report accepted again');
      this.failing = false;
    } catch (err) {
      // Said once per outage: the forwarder already logs the receiver's state for every upload.
      if (!this.failing) this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'relay report not accepted; forwarding goes on');
      this.failing = true;
    }
  }
}
