// All sections in one run, each failure kept as that section's result so the others still report.
import os from 'node:os';
import { benchHostile } from './hostile.ts';
import { benchIngest } from './ingest.ts';
import { benchLive } from './live.ts';
import { benchLoad } from './load.ts';
import { benchLiveFirstLoad } from './live-first-load.ts';
import { benchRelay } from './relay.ts';
import { benchRelayAlone } from './relay-stub.ts';
import { benchRelayFootprint } from './relay-footprint.ts';
import { targetsOf, type BenchResults, type Section } from './report.ts';
import { scaled } from './setup.ts';
import { benchTimesheets } from './timesheets.ts';
import { benchWebhooks } from './webhooks.ts';

async function section<T>(name: string, run: () => Promise<T>): Promise<Section<T>> {
  process.stderr.write(`bench: ${name}…\n`);
  const started = performance.now();
  try {
    const result = await run();
    process.stderr.write(`bench: ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    return result;
  } catch (err) {
    process.stderr.write(`bench: ${name} failed: ${(err as Error).stack ?? String(err)}\n`);
    return { error: (err as Error).message };
  }
}

export interface RunOptions {
  /** Clock counts and seconds per count for the load section (BENCH_LOAD_CLOCKS, BENCH_LOAD_SECONDS). */
  load: { clocks: number[]; durationMs: number };
  /** Real Postgres server: the load section runs on it too, beside the embedded database. */
  databaseUrl: string | undefined;
}

export async function runBench(scale: number, options: RunOptions = { load: { clocks: [500], durationMs: 20_000 }, databaseUrl: undefined }): Promise<BenchResults> {
  const lines = scaled(10_000, scale);
  const devices = Math.min(20, lines);
  const ingest = await section('ingest (issue 3)', () => benchIngest({ lines, perUpload: 500, devices }));
  const relay = await section('relay (issue 4)', () =>
    benchRelay({ backlog: scaled(50_000, scale), perUpload: 100, seedPunches: scaled(10_000, scale) }));
  const relayAlone = await section('relay alone, stub receiver (issue 4)', () => benchRelayAlone({ backlog: scaled(50_000, scale), perUpload: 100 }));
  const relayFootprint = await section('relay memory at rest, compiled vs tsx (issue 13)', () => benchRelayFootprint());
  const live = await section('live latency (issue 5)', () => benchLive(scaled(1_000, scale)));
  const timesheets = await section('timesheets (issue 11)', () => benchTimesheets({ employees: scaled(500, scale), days: 31 }));
  const liveFirstLoad = await section('live page first load (issue 14)', () => benchLiveFirstLoad({ punches: scaled(5_000, scale) }));
  const webhooks = await section('webhook latency (issue 13)', () => benchWebhooks({ punches: scaled(1_000, scale) }));
  const hostile = await section('hostile upload and sign-in storm (issue 10)', () =>
    benchHostile({ smallLines: scaled(5_000, scale), windowMs: scaled(3_000, scale, 500), concurrentSignIns: 16 }));
  const load = await section('load: clocks polling getrequest (issue 14)', () =>
    benchLoad({
      clocks: options.load.clocks.map((n) => scaled(n, scale, 10)),
      durationMs: scaled(options.load.durationMs, scale, 5_000),
      adminUrl: options.databaseUrl,
    }));
  const database = [ingest, relay].map((s) => ('database' in s ? s.database : null)).find(Boolean) ?? 'unknown database';
  return {
    generatedAt: new Date().toISOString(),
    scale,
    node: process.version,
    cpus: os.cpus().length,
    database,
    ingest,
    relay,
    relayAlone,
    relayFootprint,
    live,
    timesheets,
    liveFirstLoad,
    webhooks,
    hostile,
    load,
    targets: targetsOf({ ingest, relay, live, timesheets, liveFirstLoad, webhooks, hostile, load }),
  };
}

