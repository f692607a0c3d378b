// Issue 4: the shop relay. Its answer time to the clock while the receiver is down, the time to drain
// the backlog once the receiver is back, and the relay path against the seed's one-POST-per-punch path.
import http from 'node:http';
import path from 'node:path';
import { SimulatedClock } from '../simulate/clock.ts';
import { makePunches, type SimPunch } from '../simulate/records.ts';
import type { Database } from '../server/db/open.ts';
import { DEFAULT_FORWARDING } from '../relay/config.ts';
import { rssMb } from './child.ts';
import { spawnRelay, waitDrained } from './relay-process.ts';
import { seedScript, throughSeedScript } from './seed-script.ts';
import { BENCH_TOKEN, benchDatabase, benchReceiver, freePort, percentile, round, sleep, type BenchDatabase, type BenchDatabaseOptions, type BenchReceiver } from './setup.ts';

export interface RelayOptions extends BenchDatabaseOptions {
  backlog: number;
  perUpload: number;
  seedPunches: number;
  /** Upper bound for each drain, so a stuck relay fails the bench instead of hanging it. */
  drainTimeoutMs?: number;
}

/** A 50k backlog drained by a relay started for it: merging off (RELAY_MERGE_LINES=1) or on (the default). */
export interface DrainResult {
  mergeLines: number;
  punches: number;
  uploads: number;
  /** complete: false when the drain timeout ran out first (then ms is that timeout). */
  complete: boolean;
  ms: number;
  firstDeliveryMs: number | null;
  remainingUploads: number;
  stored: number;
  /** The relay's RSS (MB): started and idle, holding the backlog, highest while draining. */
  rssMb: { idle: number | null; backlog: number | null; drainPeak: number | null };
}

export interface RelayResult {
  database: string;
  down: { uploads: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** The same backlog drained with merging on (`drain`, the default) and off (`drainUnmerged`, the baseline). */
  drain: DrainResult;
  drainUnmerged: DrainResult;
  /** `via`: the seed script itself (python3, Flask) or, where it cannot run, the Node emulation of its path. */
  seedPath: { punches: number; ms: number; perS: number; via: string };
  /** perS counts what is stored, so an incomplete run still gives a fair rate. */
  relayPath: { punches: number; complete: boolean; ms: number; perS: number; stored: number };
  /** relay path rate / seed path rate; target ≥ 20. */
  speedup: number;
}

const PINS = Array.from({ length: 25 }, (_, i) => String(i + 1));

async function storedFor(database: Database, sn: string): Promise<number> {
  const [row] = await database.withSession((s) => s.query<{ n: string }>('SELECT count(*)::text AS n FROM punches WHERE device_sn = $1', [sn]));
  return Number(row!.n);
}

const SEED_SCRIPT_PUNCHES = 2_000;

async function storedTotal(database: Database): Promise<number> {
  const [row] = await database.withSession((s) => s.query<{ n: string }>('SELECT count(*)::text AS n FROM punches'));
  return Number(row!.n);
}

/** Where python3 with flask is missing: the seed's Python relay emulated, one JSON POST per punch, each awaited before the next. */
async function seedPath(url: string, punches: readonly SimPunch[], deviceSn: string): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(`${url}/zkteco/api/attendance`, {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  const started = performance.now();
  for (const p of punches) {
    const status = await post(JSON.stringify({ user_id: Number(p.pin), timestamp: p.time, punch_type: p.status === 0 ? 'in' : 'out', device_sn: deviceSn }));
    if (status !== 201) throw new Error(`seed path: the receiver answered ${status}`);
  }
  const ms = performance.now() - started;
  agent.destroy();
  return ms;
}

/**
 * A relay of its own queues the backlog while nothing listens on the receiver's port, then the receiver
 * comes back and the relay drains it. Returns the answer times the clock saw and the drain.
 */
async function drainBacklog(db: BenchDatabase, options: RelayOptions, sn: string, mergeLines: number) {
  const upstreamPort = await freePort();
  const relay = await spawnRelay({ upstream: `http://127.0.0.1:${upstreamPort}`, token: BENCH_TOKEN, port: await freePort(), env: { RELAY_MERGE_LINES: String(mergeLines) } });
  let receiver: BenchReceiver | undefined;
  try {
    await sleep(2_000);
    const idle = await rssMb(relay.pid);
    const shop = new SimulatedClock({ url: relay.url, sn, batch: options.perUpload, retry: { attempts: 1 }, timeoutMs: 30_000 });
    await shop.handshake();
    const backlog = makePunches({ pins: PINS, count: options.backlog, timeZone: 'UTC', end: '2025-12-07 18:00:00', spacingSeconds: 1 });
    const down = await shop.uploadPunches(backlog);
    if (down.acknowledged !== options.backlog) throw new Error(`relay acknowledged ${down.acknowledged} of ${options.backlog} punches`);
    const held = await rssMb(relay.pid);
    const delivered = (await relay.status()).delivered;
    receiver = await benchReceiver(db.database, [], upstreamPort);
    const drain = await waitDrained(relay, { at: performance.now(), delivered }, options.drainTimeoutMs ?? 180_000);
    const stored = await storedFor(db.database, sn);
    const result: DrainResult = {
      mergeLines,
      punches: options.backlog,
      uploads: down.uploads,
      complete: drain.remaining === 0 && stored === options.backlog,
      ms: round(drain.ms),
      firstDeliveryMs: drain.firstDeliveryMs === null ? null : round(drain.firstDeliveryMs),
      remainingUploads: drain.remaining,
      stored,
      rssMb: { idle, backlog: held, drainPeak: drain.peakRssMb },
    };
    return { down, result };
  } finally {
    await relay.close();
    await receiver?.close();
  }
}

export async function benchRelay(options: RelayOptions): Promise<RelayResult> {
  const drainTimeoutMs = options.drainTimeoutMs ?? 180_000;
  const db = await benchDatabase(options.template);
  try {
    // 1. Receiver up: the same punches through the seed's path, then through the relay, in one run.
    const receiver = await benchReceiver(db.database, []);
    const relay = await spawnRelay({ upstream: receiver.url, token: BENCH_TOKEN, port: await freePort() });
    const punches = makePunches({ pins: PINS, count: options.seedPunches, timeZone: 'UTC', end: '2025-12-08 18:00:00', spacingSeconds: 1 });
    let seedMs: number;
    // The real script posts one punch per request from Python: a sample of 2,000 gives its rate.
    const script = seedScript();
    const seedPunches = script ? punches.slice(0, SEED_SCRIPT_PUNCHES) : punches;
    let relayPath: Awaited<ReturnType<typeof waitDrained>>;
    try {
      const before = await storedTotal(db.database);
      seedMs = script
        ? await throughSeedScript(script, { receiverUrl: receiver.url, token: BENCH_TOKEN, punches: seedPunches, perUpload: options.perUpload, sn: 'SEEDPATH01' })
        : await seedPath(receiver.url, punches, 'SEEDPATH01');
      const stored = (await storedTotal(db.database)) - before;
      if (stored !== seedPunches.length) throw new Error(`seed path: ${stored} of ${seedPunches.length} punches stored`);
      const viaRelay = new SimulatedClock({ url: relay.url, sn: 'RELAYPATH01', batch: options.perUpload, retry: { attempts: 1 }, timeoutMs: 30_000 });
      await viaRelay.handshake();
      const since = { at: performance.now(), delivered: (await relay.status()).delivered };
      await viaRelay.uploadPunches(punches);
      relayPath = await waitDrained(relay, since, drainTimeoutMs);
    } finally {
      await relay.close();
      await receiver.close();
    }
    const relayStored = await storedFor(db.database, 'RELAYPATH01');

    // 2. and 3. Receiver down, the backlog queued, the receiver back: merging off (the baseline), then on.
    const unmerged = await drainBacklog(db, { ...options, drainTimeoutMs }, 'RELAYBENCH0', 1);
    const merged = await drainBacklog(db, { ...options, drainTimeoutMs }, 'RELAYBENCH1', DEFAULT_FORWARDING.mergeLines);
    const down = merged.down;

    const seedPerS = (seedPunches.length / seedMs) * 1000;
    const relayPerS = (relayStored / relayPath.ms) * 1000;
    return {
      database: db.label,
      down: {
        uploads: down.uploads,
        p50Ms: round(percentile(down.latenciesMs, 50), 2),
        p99Ms: round(percentile(down.latenciesMs, 99), 2),
        maxMs: round(Math.max(...down.latenciesMs), 2),
      },
      drain: merged.result,
      drainUnmerged: unmerged.result,
      seedPath: {
        punches: seedPunches.length,
        ms: round(seedMs),
        perS: Math.round(seedPerS),
        via: script ? `the seed script ${path.basename(script)} (python3, Flask)` : 'Node emulation (no python3 with flask and requests here)',
      },
      relayPath: {
        punches: options.seedPunches,
        complete: relayPath.remaining === 0 && relayStored === options.seedPunches,
        ms: round(relayPath.ms),
        perS: Math.round(relayPerS),
        stored: relayStored,
      },
      speedup: round(relayPerS / seedPerS, 1),
    };
  } finally {
    await db.drop();
  }
}
