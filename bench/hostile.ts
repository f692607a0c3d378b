// Issue 10, items 3 and 4: what one large upload and a storm of wrong passwords cost the other clocks.
// Upload time for n and 10n lines (linear?), and a clock's poll latency while each attack runs, beside
// the same poll on an idle receiver in the same run.
import { benchDatabase, benchReceiver, percentile, round, type BenchDatabaseOptions, type BenchReceiver } from './setup.ts';

export interface PollLatency {
  polls: number;
  p50Ms: number;
  p99Ms: number;
}

export interface HostileResult {
  database: string;
  upload: { smallLines: number; smallMs: number; largeLines: number; largeMs: number; ratio: number; rssGrowthMb: number };
  pollIdle: PollLatency;
  pollDuringUpload: PollLatency & { uploadLines: number };
  pollDuringSignIns: PollLatency & { concurrent: number; signIns: number };
}

export interface HostileOptions extends BenchDatabaseOptions {
  smallLines: number;
  /** Idle and attacked poll windows last this long (the upload window lasts as long as the upload). */
  windowMs: number;
  concurrentSignIns: number;
}

const CLOCK = 'BENCHBIG1';
const POLLER = 'BENCHPOLL1';

/** `count` ATTLOG lines, one second apart, starting `offset` seconds into 2025. */
function attlog(count: number, offset: number): string {
  const base = Date.UTC(2025, 0, 1) + offset * 1000;
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(`${(i % 200) + 1}\t${new Date(base + i * 1000).toISOString().replace('T', ' ').slice(0, 19)}\t0\t1\t0\t0\t0`);
  return `${lines.join('\n')}\n`;
}

async function timedUpload(url: string, body: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}/iclock/cdata?SN=${CLOCK}&table=ATTLOG&Stamp=1`, { method: 'POST', body });
  const text = await res.text();
  if (!res.ok || !text.startsWith('OK:')) throw new Error(`upload answered ${res.status} ${text.slice(0, 80)}`);
  return performance.now() - started;
}

/** A clock polling back to back until `until` resolves; each poll's latency. */
async function pollWhile(url: string, until: Promise<unknown>): Promise<PollLatency> {
  let done = false;
  void until.finally(() => (done = true));
  const latencies: number[] = [];
  while (!done) {
    const started = performance.now();
    // A kept-alive socket the receiver closed while this clock was idle: try again, as a clock would.
    const res = await fetch(`${url}/iclock/getrequest?SN=${POLLER}`).catch(() => undefined);
    if (!res) continue;
    await res.text();
    latencies.push(performance.now() - started);
  }
  return { polls: latencies.length, p50Ms: round(percentile(latencies, 50)), p99Ms: round(percentile(latencies, 99)) };
}

const after = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `concurrent` sign-in loops with wrong passwords. Distinct names and (through the trusted loopback proxy
 * header) distinct addresses, so the sign-in limit never answers before the password is hashed.
 */
async function signInStorm(recv: BenchReceiver, concurrent: number, stop: Promise<unknown>): Promise<number> {
  let done = false;
  void stop.finally(() => (done = true));
  let count = 0;
  await Promise.all(
    Array.from({ length: concurrent }, async (_, worker) => {
      while (!done) {
        const res = await fetch(`${recv.url}/employees/login`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': `10.77.${worker}.${count % 250}` },
          body: new URLSearchParams({ username: `intruder-${worker}-${count}`, password: 'wrong password guess' }),
        });
        await res.text();
        count++;
      }
    }),
  );
  return count;
}

export async function benchHostile(options: HostileOptions): Promise<HostileResult> {
  const db = await benchDatabase(options.template);
  const recv = await benchReceiver(db.database, [CLOCK, POLLER]);
  try {
    const largeLines = options.smallLines * 10;
    await timedUpload(recv.url, attlog(20, 90_000_000)); // warm-up: route, parser and insert plan
    await pollWhile(recv.url, after(200));

    const pollIdle = await pollWhile(recv.url, after(options.windowMs));

    // The small upload three times (new punches each), its median: one slow moment cannot decide the ratio.
    const smallRuns: number[] = [];
    for (let r = 0; r < 3; r++) smallRuns.push(await timedUpload(recv.url, attlog(options.smallLines, r * 1_000_000)));
    const smallMs = percentile(smallRuns, 50);
    const rssBefore = process.memoryUsage().rss;
    const large = timedUpload(recv.url, attlog(largeLines, 10_000_000));
    const pollDuringUpload = await pollWhile(recv.url, large);
    const largeMs = await large;
    const rssGrowthMb = Math.max(0, Math.round((process.memoryUsage().rss - rssBefore) / 1e6));

    const stop = after(options.windowMs);
    const [pollDuringSignIns, signIns] = await Promise.all([pollWhile(recv.url, stop), signInStorm(recv, options.concurrentSignIns, stop)]);

    return {
      database: db.label,
      upload: { smallLines: options.smallLines, smallMs: round(smallMs), largeLines, largeMs: round(largeMs), ratio: round(largeMs / smallMs, 1), rssGrowthMb },
      pollIdle,
      pollDuringUpload: { ...pollDuringUpload, uploadLines: largeLines },
      pollDuringSignIns: { ...pollDuringSignIns, concurrent: options.concurrentSignIns, signIns },
    };
  } finally {
    await recv.close();
    await db.drop();
  }
}
