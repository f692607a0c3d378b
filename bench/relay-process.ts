// The shop relay as the shop runs it: its own process (`node --import tsx relay/main.ts`), so its
// timings do not share an event loop with the bench's clock or receiver.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deviceRequest } from '../simulate/transport.ts';
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
  /** Where the relay's own log lines went (kept until close). */
  logFile: string;
  status(): Promise<RelayStatus>;
  close(): Promise<void>;
}

export async function spawnRelay(options: { upstream: string; token: string; port: number }): Promise<RelayProcess> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'zk-bench-relay-'));
  const logFile = path.join(dir, 'relay.log');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'relay/main.ts'], {
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
  return { url, logFile, status, close };
}

/** Polls the relay until its queue is empty; resolves with the time it took. Bounded by `timeoutMs`. */
export async function waitDrained(
  relay: RelayProcess,
  since: { at: number; delivered: number },
  timeoutMs: number,
): Promise<{ ms: number; firstDeliveryMs: number | null }> {
  const startedAt = since.at;
  let firstDeliveryMs: number | null = null;
  for (;;) {
    // A relay too busy to answer its status page is still draining: ask again until the deadline.
    const s = await relay.status().catch(() => null);
    const now = performance.now();
    if (!s) {
      if (now - startedAt > timeoutMs) throw new Error(`relay status unanswered after ${timeoutMs} ms`);
      continue;
    }
    if (firstDeliveryMs === null && s.delivered > since.delivered) firstDeliveryMs = now - startedAt;
    if (s.queue_depth === 0) return { ms: now - startedAt, firstDeliveryMs };
    if (s.rejected.count > 0) throw new Error(`the receiver refused ${s.rejected.count} relay entries`);
    if (now - startedAt > timeoutMs) throw new Error(`relay still holds ${s.queue_depth} uploads after ${timeoutMs} ms`);
    await sleep(20);
  }
}
