// Issue 14 item 5: N clocks polling `getrequest` every 10 s with keep-alive against one receiver process,
// on each database; per N the latency, the errors, the receiver's CPU and memory. Loopback only.
import os from 'node:os';
import { firstContact, pollLoad } from './load-clocks.ts';
import { spawnReceiver } from './receiver-process.ts';
import { percentile, round, sleep, type BenchDatabaseOptions } from './setup.ts';

export interface LoadStep {
  clocks: number;
  polls: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  errorReasons: string[];
  /** Receiver CPU over the window, % of one core (200% is both cores of this machine). */
  cpuPercent: number;
  /** Receiver RSS at the end of the window, and the highest seen during it, MB. */
  rssMb: number;
  rssMaxMb: number;
  /** The machine's 1-minute load average at the end of the window: other work shares these cores. */
  loadAverage: number;
}

export interface LoadRun {
  database: string;
  /** Receiver RSS once started, before any clock, MB. */
  idleRssMb: number;
  steps: LoadStep[];
}

export interface LoadResult {
  intervalMs: number;
  durationMs: number;
  runs: LoadRun[];
}

export interface LoadOptions extends BenchDatabaseOptions {
  clocks: readonly number[];
  durationMs: number;
  intervalMs?: number;
  /** Real Postgres server (DATABASE_URL): a second run on it beside the embedded one. */
  adminUrl?: string | undefined;
  /** Receiver settings for the child (a test shortens nothing here; the bench passes none). */
  env?: Record<string, string>;
  /** The receiver from its sources, as the tests run it (see receiver-process.ts). */
  fromSources?: boolean;
}

/** BENCH_LOAD_SECONDS (20 by default, 60 as issue 14 states it) and BENCH_LOAD_CLOCKS ("500,1000,2000,5000"). */
export function loadSettings(env: NodeJS.ProcessEnv): { durationMs: number; clocks: number[] } {
  const seconds = Number(env.BENCH_LOAD_SECONDS ?? '20');
  const clocks = (env.BENCH_LOAD_CLOCKS ?? '500,1000,2000,5000').split(',').map(Number);
  if (!(seconds > 0) || clocks.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error('BENCH_LOAD_SECONDS must be > 0 and BENCH_LOAD_CLOCKS a list of counts');
  return { durationMs: seconds * 1000, clocks };
}

const serialsFor = (n: number) => Array.from({ length: n }, (_, i) => `LOAD${String(i + 1).padStart(5, '0')}`);

async function runOn(adminUrl: string | undefined, options: LoadOptions, intervalMs: number): Promise<LoadRun> {
  const all = serialsFor(Math.max(...options.clocks));
  const receiver = await spawnReceiver({ adminUrl, env: { DEVICE_SERIALS: all.join(','), ...options.env }, template: options.template, fromSources: options.fromSources });
  try {
    await sleep(2_000); // start-up work (replay, first sweeps) settles
    const idleRssMb = round(await receiver.rssMb());
    const steps: LoadStep[] = [];
    for (const n of options.clocks) {
      const serials = all.slice(0, n);
      // Each clock has polled once (its device row exists), as in a shop that has been running.
      await firstContact(receiver.url, serials);
      let rssMaxMb = 0;
      const sampler = setInterval(() => void receiver.rssMb().then((mb) => (rssMaxMb = Math.max(rssMaxMb, mb)), () => {}), 1_000);
      const cpuBefore = await receiver.cpuSeconds();
      const started = performance.now();
      const outcome = await pollLoad({ url: receiver.url, serials, intervalMs, durationMs: options.durationMs });
      const wallS = (performance.now() - started) / 1000;
      const cpuS = (await receiver.cpuSeconds()) - cpuBefore;
      clearInterval(sampler);
      const rssMb = await receiver.rssMb();
      steps.push({
        clocks: n,
        polls: outcome.latencies.length,
        p50Ms: round(percentile(outcome.latencies, 50)),
        p99Ms: round(percentile(outcome.latencies, 99)),
        errors: outcome.errors,
        errorReasons: outcome.reasons,
        cpuPercent: round((cpuS / wallS) * 100, 0),
        rssMb: round(rssMb),
        rssMaxMb: round(Math.max(rssMaxMb, rssMb)),
        loadAverage: round(os.loadavg()[0]!),
      });
      process.stderr.write(`bench: load ${n} clocks: ${JSON.stringify(steps.at(-1))}\n`);
      await sleep(1_000);
    }
    return { database: adminUrl ? 'real Postgres (DATABASE_URL)' : 'embedded Postgres (PGlite, on disk)', idleRssMb, steps };
  } finally {
    await receiver.close();
  }
}

export async function benchLoad(options: LoadOptions): Promise<LoadResult> {
  const intervalMs = options.intervalMs ?? 10_000;
  const runs = [await runOn(undefined, options, intervalMs)];
  if (options.adminUrl) runs.push(await runOn(options.adminUrl, options, intervalMs));
  return { intervalMs, durationMs: options.durationMs, runs };
}
