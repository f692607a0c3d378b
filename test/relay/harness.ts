// Test harness: a real relay process, a controllable upstream that records what it gets, and a clock.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { countRecordLines } from '../../server/protocol/index.ts';
import { relayNodeArgs } from '../support/processes.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const living = { relays: new Set<RelayProcess>(), upstreams: new Set<Upstream>() };

/** Kills every relay and stops every upstream a test started (use as `afterEach(cleanUp)`). */
export async function cleanUp(): Promise<void> {
  for (const relay of living.relays) await kill(relay);
  for (const upstream of living.upstreams) await upstream.stop();
}

/** One real receiver for the whole file (started before its first test); after its last test, every relay
 *  and stub of the file is stopped, then the receiver. */
export function receiverForFile(): () => TestReceiver {
  let receiver: TestReceiver | undefined;
  beforeAll(async () => {
    receiver = await startTestReceiver();
  }, 60_000);
  afterAll(async () => {
    await cleanUp();
    await receiver?.close();
  });
  return () => receiver!;
}

export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `relay-${label}-`));
}

// ---------------------------------------------------------------- upstream

export interface Received {
  method: string;
  path: string;
  rawQuery: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The status the fake receiver chose (undefined while it hangs). */
  answered?: number;
}

/** What the fake receiver does with one request: answer (maybe late), or never answer. */
export type Behaviour = (req: Received) => { status: number; body?: string; delayMs?: number } | 'hang';

export const acceptAll: Behaviour = (req) => ({ status: 200, body: `OK:${countRecordLines(req.body)}` });

export interface Upstream {
  url: string;
  port: number;
  /** Every request that arrived, in arrival order (including those answered with an error). */
  received: Received[];
  behaviour: Behaviour;
  /** Stops listening and cuts connections: the relay then sees "connection refused". */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

export async function startUpstream(behaviour: Behaviour = acceptAll, port = 0): Promise<Upstream> {
  const sockets = new Set<Socket>();
  const upstream: Upstream = {
    url: '',
    port,
    received: [],
    behaviour,
    stop: () =>
      new Promise((resolve) => {
        living.upstreams.delete(upstream);
        if (!server.listening) return resolve();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
    start: () =>
      new Promise((resolve) => {
        living.upstreams.add(upstream);
        server.listen(upstream.port, '127.0.0.1', () => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '';
      const at = url.indexOf('?');
      const got: Received = {
        method: req.method ?? '',
        path: at < 0 ? url : url.slice(0, at),
        rawQuery: at < 0 ? '' : url.slice(at + 1),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      upstream.received.push(got);
      const answer = upstream.behaviour(got);
      if (answer === 'hang') return;
      got.answered = answer.status;
      setTimeout(() => res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? ''), answer.delayMs ?? 0);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await upstream.start();
  upstream.port = (server.address() as AddressInfo).port;
  upstream.url = `http://127.0.0.1:${upstream.port}`;
  return upstream;
}

/** A port nothing listens on (yet). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// ---------------------------------------------------------------- relay process

export interface RelayProcess {
  url: string;
  child: ChildProcess;
  /** Parsed pino lines so far. */
  logs: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
  status(): Promise<RelayStatus>;
}

export interface RelayStatus {
  queue_depth: number;
  oldest_pending_age_s: number | null;
  queue_bytes: number;
  queue_cap_bytes: number;
  delivered: number;
  last_success_at: string | null;
  last_error: { at: string; message: string; status?: number } | null;
  upstream_reachable: boolean | null;
  refused_uploads: { count: number; last_at: string | null; last_reason: string | null };
  rejected: { count: number; entries: Array<{ id: number; sn: string; status: number; reason: string; path: string }> };
}

export const TOKEN = 'relay-test-token-5f1c';

/** Starts the relay in its own process, as `npm run relay` does (compiled, its flags), on a free port. */
export async function spawnRelay(opts: { upstream: string; dataDir: string; env?: Record<string, string> }): Promise<RelayProcess> {
  // The compiled relay (built by the tests' global setup), started as `npm run relay` starts it.
  const child = spawn(process.execPath, relayNodeArgs(), {
    cwd: opts.dataDir,
    env: {
      PATH: process.env.PATH ?? '',
      RELAY_UPSTREAM: opts.upstream,
      RELAY_TOKEN: TOKEN,
      RELAY_DATA_DIR: path.join(opts.dataDir, 'queue'),
      RELAY_PORT: '0',
      RELAY_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // 'close', not 'exit': by then every line the process wrote has been read.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const listening = await Promise.race([
    waitFor('relay listening', () => logs.find((l) => l.msg === 'relay listening'), 90_000),
    exited.then((code) => {
      throw new Error(`relay exited (${code}) before listening: ${stderr}`);
    }),
  ]).catch((err: unknown) => {
    child.kill('SIGKILL'); // never leave a relay behind
    throw err;
  });
  const url = `http://127.0.0.1:${listening.port as number}`;
  const relay: RelayProcess = {
    url,
    child,
    logs,
    exited,
    status: async () => (await (await fetch(`${url}/relay/status`)).json()) as RelayStatus,
  };
  living.relays.add(relay);
  void exited.then(() => living.relays.delete(relay));
  return relay;
}

/** Signals the relay (SIGKILL unless told) and resolves with its exit code once it is gone. */
export async function kill(relay: RelayProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
  if (relay.child.exitCode === null && relay.child.signalCode === null) relay.child.kill(signal);
  return relay.exited;
}

// ---------------------------------------------------------------- clock

export interface ClockReply {
  status: number;
  text: string;
  headers: http.IncomingHttpHeaders;
  ms: number;
}

/** One request the way a clock makes it: HTTP/1.1, Connection: close, no Content-Type on uploads. */
export function clockRequest(base: string, method: string, pathAndQuery: string, body?: Uint8Array, headers: Record<string, string> = {}): Promise<ClockReply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${pathAndQuery}`, {
      method,
      headers: { 'User-Agent': 'iClock Proxy/1.09', Connection: 'close', ...(body ? { 'Content-Length': body.byteLength } : {}), ...headers },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers, ms: performance.now() - started }),
      );
      res.on('error', reject);
    });
    req.end(body);
  });
}

// ---------------------------------------------------------------- punches

/** A punch as the receiver will key it: `SN|PIN|device-local time`. */
export function punchKey(sn: string, pin: string, time: string): string {
  return `${sn}|${pin}|${time}`;
}

/** An ATTLOG body of `count` distinct punches; `batch` keeps them distinct across batches. */
export function attlogBatch(batch: number, count: number): { body: Buffer; pins: string[]; times: string[] } {
  const pins: string[] = [];
  const times: string[] = [];
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const pin = String(1000 + i);
    const seconds = batch * count + i;
    const time = new Date(Date.UTC(2025, 11, 7, 6, 0, 0) + seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
    pins.push(pin);
    times.push(time);
    lines.push(`${pin}\t${time}\t0\t1\t0\t0\t0`);
  }
  return { body: Buffer.from(lines.join('\n') + '\n'), pins, times };
}

export function keysOf(sn: string, batch: { pins: string[]; times: string[] }): string[] {
  return batch.pins.map((pin, i) => punchKey(sn, pin, batch.times[i]!));
}

/** Every punch in the ATTLOG uploads the upstream accepted (answered 2xx), with repeats. */
export function punchesReceived(upstream: Upstream): string[] {
  const out: string[] = [];
  for (const r of upstream.received) {
    const query = new URLSearchParams(r.rawQuery);
    if (query.get('table') !== 'ATTLOG' || !r.answered || r.answered >= 300) continue;
    for (const line of r.body.toString('utf8').split('\n')) {
      const [pin, time] = line.split('\t');
      if (pin && time) out.push(punchKey(query.get('SN') ?? '', pin, time));
    }
  }
  return out;
}
