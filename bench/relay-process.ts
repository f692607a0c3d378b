// The shop relay as the shop runs it: its own process, compiled JavaScript (`npm run relay` runs
// relay/dist/relay.mjs with plain node), so its timings do not share an event loop with the bench's clock or
// receiver. `runtime: 'tsx'` runs the sources through tsx instead, as `npm run relay` did before.
import path from 'node:path';
import { deviceRequest } from '../simulate/transport.ts';
import { buildRelay, relayNodeArgs, tsxArgs } from '../test/support/processes.ts';
import { rssMb, startChild } from './child.ts';
import { sleep } from './setup.ts';

export interface RelayStatus {
  queue_depth: number;
  delivered: number;
  upstream_reachable: boolean | null;
  rejected: { count: number };
}

export interface RelayProcess {
  url: string;
  pid: number;
  /** Where the relay's own log lines went (kept until close). */
  logFile: string;
  status(): Promise<RelayStatus>;
  close(): Promise<void>;
}

let built = false;

export interface RelaySpawnOptions {
  upstream: string;
  token: string;
  port: number;
  env?: Record<string, string>;
  runtime?: 'compiled' | 'tsx';
}

export async function spawnRelay(options: RelaySpawnOptions): Promise<RelayProcess> {
  const runtime = options.runtime ?? 'compiled';
  if (runtime === 'compiled' && !built) {
    buildRelay(); // relay/dist/relay.mjs from the current sources, once per bench run
    built = true;
  }
  const url = `http://127.0.0.1:${options.port}`;
  const status = async (): Promise<RelayStatus> => {
    const res = await deviceRequest(`${url}/relay/status`, { method: 'GET', timeoutMs: 10_000 });
    if (res.status !== 200) throw new Error(`relay status answered ${res.status || res.text}`);
    return JSON.parse(res.text) as RelayStatus;
  };
  const relay = await startChild({
    name: 'relay',
    nodeArgs: runtime === 'compiled' ? relayNodeArgs() : tsxArgs('relay/main.ts'),
    env: (dir) => ({
      RELAY_UPSTREAM: options.upstream,
      RELAY_TOKEN: options.token,
      RELAY_DATA_DIR: path.join(dir, 'data'),
      RELAY_PORT: String(options.port),
      RELAY_HOST: '127.0.0.1',
      // The level a shop runs at: one line per queued and forwarded upload is part of the cost.
      LOG_LEVEL: 'info',
      ...options.env,
    }),
    ready: () => status().then(() => true),
    readyMs: 30_000,
    graceMs: 10_000,
  });
  return { url, pid: relay.pid, logFile: relay.logFile, status, close: relay.stop };
}

export interface Drain {
  ms: number;
  /** Highest relay RSS seen while draining (MB). */
  peakRssMb: number | null;
  firstDeliveryMs: number | null;
  /** Uploads still queued when `timeoutMs` ran out; 0 when the queue emptied. */
  remaining: number;
}

/** Polls the relay until its queue is empty, or `timeoutMs` has passed (then `remaining` > 0). */
export async function waitDrained(relay: RelayProcess, since: { at: number; delivered: number }, timeoutMs: number): Promise<Drain> {
  const startedAt = since.at;
  let firstDeliveryMs: number | null = null;
  let remaining = Number.NaN;
  let peakRssMb: number | null = null;
  for (;;) {
    const rss = await rssMb(relay.pid);
    if (rss !== null) peakRssMb = Math.max(peakRssMb ?? 0, rss);
    // A relay too busy to answer its status page is still draining: ask again until the deadline.
    const s = await relay.status().catch(() => null);
    const now = performance.now();
    if (s) {
      if (firstDeliveryMs === null && s.delivered > since.delivered) firstDeliveryMs = now - startedAt;
      if (s.rejected.count > 0) throw new Error(`the receiver refused ${s.rejected.count} relay entries`);
      remaining = s.queue_depth;
      if (remaining === 0) return { ms: now - startedAt, firstDeliveryMs, remaining, peakRssMb };
    }
    if (now - startedAt > timeoutMs) return { ms: now - startedAt, firstDeliveryMs, remaining, peakRssMb };
    await sleep(20);
  }
}
