// Device POST → socket event on a connected live page, one punch at a time, on loopback.
// The receiver runs in its own process (this file with --serve), as it does for a real page: in one
// process the embedded database's work would hold the client's socket reads back and skew the figure.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { fixedClock } from '../server/clock.ts';
import { readConfig } from '../server/config.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../server/live/events.ts';
import { createLogger } from '../server/log.ts';
import { startReceiver } from '../server/server.ts';
import { benchDatabase } from './setup.ts';

const SN = 'BENCHLIVE1';
// A pinned clock keeps every punch on "today", whenever the bench runs.
const TODAY = '2026-01-15';
// The first few dozen uploads run cold (JIT, the embedded database warming up): not counted.
const WARM_UP = 50;
const SERVE_FLAG = '--serve-live-bench';

/** Child side: a receiver on the bench's database (real Postgres with DATABASE_URL, else embedded on disk);
 *  prints its URL, a viewer's token and which database it runs on. */
async function serve(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zk-bench-live-'));
  const config = readConfig({ DATA_DIR: dataDir, API_TOKENS: 'bench-token-0123456789', JWT_SECRET: 'bench-jwt-secret-0123456789abcdef', DEVICE_TIMEZONE: 'UTC', DEVICE_SERIALS: SN, LOG_LEVEL: 'silent' });
  const db = await benchDatabase();
  const database = db.database;
  const receiver = await startReceiver({ config, database, clock: fixedClock(`${TODAY}T17:00:00Z`), log: createLogger('silent') }, { port: 0, host: '127.0.0.1' });
  const token = receiver.services.auth.signSession({ sub: 'bench', role: 'staff' }, 3600);
  console.log(JSON.stringify({ url: receiver.url, token, database: db.label }));
  // The parent closes our stdin when done: stop cleanly.
  process.stdin.resume();
  process.stdin.once('end', async () => {
    await receiver.close();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
}

async function startChild() {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), SERVE_FLAG], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench receiver exited ${code}`)));
  });
  const { url, token, database } = JSON.parse(line) as { url: string; token: string; database: string };
  const stop = () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.stdin!.end()));
  return { url, token, database, stop };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

export async function measureLiveLatency(opts: { punches: number }): Promise<{ p50: number; p99: number; n: number; database: string }> {
  const receiver = await startChild();
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(receiver.url, { transports: ['websocket'], auth: { token: receiver.token }, reconnection: false, forceNew: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const arrived = new Map<string, number>();
    let waiting: { pin: string; resolve: () => void } | undefined;
    socket.on('punches', (punches) => {
      const at = performance.now();
      for (const p of punches) {
        arrived.set(p.pin, at);
        if (waiting?.pin === p.pin) waiting.resolve();
      }
    });

    const samples: number[] = [];
    for (let i = 0; i < WARM_UP + opts.punches; i++) {
      const pin = String(10_000 + i);
      const seconds = String(i % 60).padStart(2, '0');
      const minutes = String(Math.floor(i / 60) % 60).padStart(2, '0');
      const body = `${pin}\t${TODAY} 08:${minutes}:${seconds}\t0\t1\t0\t0\t0\n`;
      const event = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`punch ${pin} never reached the socket`)), 5_000);
        waiting = { pin, resolve: () => (clearTimeout(timer), resolve()) };
      });
      const start = performance.now();
      const res = await fetch(`${receiver.url}/iclock/cdata?SN=${SN}&table=ATTLOG&Stamp=${i + 1}`, { method: 'POST', body });
      const reply = await res.text();
      if (!res.ok || !reply.startsWith('OK')) throw new Error(`upload ${i} answered ${res.status} ${reply}`);
      await event;
      if (i >= WARM_UP) samples.push(arrived.get(pin)! - start);
    }
    samples.sort((a, b) => a - b);
    const round = (ms: number) => Math.round(ms * 100) / 100;
    return { p50: round(percentile(samples, 0.5)), p99: round(percentile(samples, 0.99)), n: samples.length, database: receiver.database };
  } finally {
    socket.close();
    await receiver.stop();
  }
}

if (process.argv.includes(SERVE_FLAG) && process.argv[1] === fileURLToPath(import.meta.url)) {
  serve().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
