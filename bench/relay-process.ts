// The shop relay as the shop runs it: its own process, compiled JavaScript (`npm run relay` runs
// relay/dist/relay.mjs with plain node), so its timings do not share an event loop with the bench's clock or
// receiver. `runtime: 'tsx'` runs the sources through tsx instead, as `npm run relay` did before.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deviceRequest } from '../simulate/transport.ts';
import { buildRelay, relayNodeArgs } from '../test/support/processes.ts';
import { sleep } from './setup.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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

/** Resident memory of a process in MB (Linux /proc; null elsewhere). */
export async function rssMb(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const kb = status ? /VmRSS:\s+(\d+) kB/.exec(status)?.[1] : undefined;
  return kb ? Math.round(Number(kb) / 102.4) / 10 : null;
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
  const dir = await mkdtemp(path.join(os.tmpdir(), 'zk-bench-relay-'));
  const logFile = path.join(dir, 'relay.log');
  const runtime = options.runtime ?? 'compiled';
  if (runtime === 'compiled' && !built) {
    buildRelay(); // relay/dist/relay.mjs from the current sources, once per bench run
    built = true;
  }
  const args = runtime === 'compiled' ? relayNodeArgs() : ['--import', 'tsx', 'relay/main.ts'];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: {
      ...process.env,
      RELAY_UPSTREAM: options.upstream,
      RELAY_TOKEN: options.token,
      RELAY_DATA_DIR: path.join(dir, 'data'),
      RELAY_PORT: String(options.port),
      RELAY_HOST: '127.0.0.1',
      // The level a shop runs at: one line per queued and forwarded upload is part of the cost.
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${options.port}`;

  const status = async (): Promise<RelayStatus> => {
    const res = await deviceRequest(`${url}/relay/status`, { method: 'GET', timeoutMs: 10_000 });
    if (res.status !== 200) throw new Error(`relay status answered ${res.status || res.text}`);
    return JSON.parse(res.text) as RelayStatus;
  };
  const close = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    log.end();
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await close();
      throw new Error(`relay exited with code ${child.exitCode} before it answered`);
    }
    const ready = await status().then(() => true, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await close();
      throw new Error('relay did not answer /relay/status within 30 s');
    }
    await sleep(100);
  }
  return { url, pid: child.pid!, logFile, status, close };
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
