// Issue 4: the shop relay. Its answer time to the clock while the receiver is down, the time to drain
// the backlog once the receiver is back, and the relay path against the seed's one-POST-per-punch path.
import http from 'node:http';
import { SimulatedClock } from '../simulate/clock.ts';
import { makePunches, type SimPunch } from '../simulate/records.ts';
import type { Database } from '../server/db/open.ts';
import { spawnRelay, waitDrained } from './relay-process.ts';
import { BENCH_TOKEN, benchDatabase, benchReceiver, freePort, percentile, round, type BenchReceiver } from './setup.ts';
import type { DatabaseTemplate } from '../test/support/database.ts';

export interface RelayOptions {
  backlog: number;
  perUpload: number;
  seedPunches: number;
  /** Upper bound for each drain, so a stuck relay fails the bench instead of hanging it. */
  drainTimeoutMs?: number;
  /** A migrated database to copy (the tests' global setup); without it the bench migrates its own. */
  template?: DatabaseTemplate;
}

export interface RelayResult {
  database: string;
  down: { uploads: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** complete: false when the drain timeout ran out first (then ms is that timeout). */
  drain: { punches: number; uploads: number; complete: boolean; ms: number; firstDeliveryMs: number | null; remainingUploads: number; stored: number };
  seedPath: { punches: number; ms: number; perS: number };
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

/** The seed's Python relay: one JSON POST per punch, each awaited before the next. */
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

export async function benchRelay(options: RelayOptions): Promise<RelayResult> {
  const drainTimeoutMs = options.drainTimeoutMs ?? 180_000;
  const db = await benchDatabase(options.template);
  const upstreamPort = await freePort();
  const relay = await spawnRelay({ upstream: `http://127.0.0.1:${upstreamPort}`, token: BENCH_TOKEN, port: await freePort() });
  let receiver: BenchReceiver | undefined = await benchReceiver(db.database, [], upstreamPort);
  try {
    // 1. Receiver up: the same punches through the seed's path, then through the relay, in one run.
    const punches = makePunches({ pins: PINS, count: options.seedPunches, timeZone: 'UTC', end: '2025-12-08 18:00:00', spacingSeconds: 1 });
    const seedMs = await seedPath(receiver.url, punches, 'SEEDPATH01');
    const viaRelay = new SimulatedClock({ url: relay.url, sn: 'RELAYPATH01', batch: options.perUpload, retry: { attempts: 1 }, timeoutMs: 30_000 });
    await viaRelay.handshake();
    const before = (await relay.status()).delivered;
    const since = { at: performance.now(), delivered: before };
    await viaRelay.uploadPunches(punches);
    const relayPath = await waitDrained(relay, since, drainTimeoutMs);
    const relayStored = await storedFor(db.database, 'RELAYPATH01');

    // 2. Receiver down (nothing listens on its port): every upload is answered by the relay alone.
    await receiver.close();
    receiver = undefined;
    const shop = new SimulatedClock({ url: relay.url, sn: 'RELAYBENCH1', batch: options.perUpload, retry: { attempts: 1 }, timeoutMs: 30_000 });
    await shop.handshake();
    const backlog = makePunches({ pins: PINS, count: options.backlog, timeZone: 'UTC', end: '2025-12-07 18:00:00', spacingSeconds: 1 });
    const down = await shop.uploadPunches(backlog);
    if (down.acknowledged !== options.backlog) throw new Error(`relay acknowledged ${down.acknowledged} of ${options.backlog} punches`);

    // 3. The receiver comes back on the same port; the relay drains the backlog (last, as it may time out).
    const delivered = (await relay.status()).delivered;
    receiver = await benchReceiver(db.database, [], upstreamPort);
    const drain = await waitDrained(relay, { at: performance.now(), delivered }, drainTimeoutMs);
    const drained = await storedFor(db.database, 'RELAYBENCH1');

    const seedPerS = (options.seedPunches / seedMs) * 1000;
    const relayPerS = (relayStored / relayPath.ms) * 1000;
    return {
      database: db.label,
      down: {
        uploads: down.uploads,
        p50Ms: round(percentile(down.latenciesMs, 50), 2),
        p99Ms: round(percentile(down.latenciesMs, 99), 2),
        maxMs: round(Math.max(...down.latenciesMs), 2),
      },
      drain: {
        punches: options.backlog,
        uploads: down.uploads,
        complete: drain.remaining === 0 && drained === options.backlog,
        ms: round(drain.ms),
        firstDeliveryMs: drain.firstDeliveryMs === null ? null : round(drain.firstDeliveryMs),
        remainingUploads: drain.remaining,
        stored: drained,
      },
      seedPath: { punches: options.seedPunches, ms: round(seedMs), perS: Math.round(seedPerS) },
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
    await relay.close();
    await receiver?.close();
    await db.drop();
  }
}
