// Issue 3: ATTLOG through POST /iclock/cdata from concurrent clocks, against a raw multi-row
// INSERT … ON CONFLICT DO NOTHING of the same rows into the same punches table.
import type { Database } from '../server/db/open.ts';
import { punchTypeOf } from '../server/protocol/attlog.ts';
import { SimulatedClock } from '../simulate/clock.ts';
import { makePunches, type SimPunch } from '../simulate/records.ts';
import { benchDatabase, benchReceiver, round, type BenchDatabaseOptions } from './setup.ts';

export interface IngestOptions extends BenchDatabaseOptions {
  lines: number;
  perUpload: number;
  devices: number;
  /** Alternating raw/ingest rounds; the median of each is reported (one slow round cannot decide). */
  rounds?: number;
}

export interface IngestResult {
  database: string;
  lines: number;
  perUpload: number;
  devices: number;
  rounds: number;
  ingest: { ms: number; linesPerS: number };
  raw: { ms: number; rowsPerS: number };
  /** ingest rate / raw rate; target ≥ 0.5. */
  ratio: number;
  stored: number;
}

const serial = (i: number) => `BENCH${String(i + 1).padStart(5, '0')}`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Each device's share of the lines: its own users, times one second apart ending at a fixed instant. */
function workload(options: IngestOptions): SimPunch[][] {
  const per = Math.ceil(options.lines / options.devices);
  return Array.from({ length: options.devices }, (_, d) => {
    const count = Math.max(0, Math.min(per, options.lines - d * per));
    return makePunches({ pins: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'], count, timeZone: 'UTC', end: '2025-12-07 18:00:00', spacingSeconds: 1 });
  });
}

/** The baseline: the same rows the ingest path writes, 500 per statement, one connection. */
async function rawInsert(database: Database, perDevice: SimPunch[][], perStatement: number): Promise<number> {
  const rows = perDevice.flatMap((punches, d) => punches.map((p) => ({ sn: serial(d), p })));
  const now = new Date();
  const started = performance.now();
  await database.withSession(async (session) => {
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      const params: unknown[] = [];
      const tuples = chunk.map(({ sn, p }) => {
        const at = params.length;
        params.push(sn, p.pin, p.time, `${p.time.replace(' ', 'T')}Z`, p.status, punchTypeOf(p.status), p.verify, 'device', now);
        return `(${Array.from({ length: 9 }, (_, k) => `$${at + k + 1}`).join(',')})`;
      });
      await session.query(
        `INSERT INTO punches (device_sn, pin, local_time, instant, status, punch_type, verify, source, received_at)
         VALUES ${tuples.join(',')} ON CONFLICT (device_sn, pin, local_time) DO NOTHING`,
        params,
      );
    }
  });
  return performance.now() - started;
}

async function punchCount(database: Database): Promise<number> {
  const [row] = await database.withSession((s) => s.query<{ n: string }>('SELECT count(*)::text AS n FROM punches'));
  return Number(row!.n);
}

export async function benchIngest(options: IngestOptions): Promise<IngestResult> {
  const rounds = options.rounds ?? 3;
  const db = await benchDatabase(options.template);
  const serials = Array.from({ length: options.devices }, (_, d) => serial(d));
  const recv = await benchReceiver(db.database, [...serials, 'BENCHWARM1']);
  try {
    const perDevice = workload(options);
    // Warm-up outside the timings: the first request compiles the route, the first insert plans it.
    const warm = new SimulatedClock({ url: recv.url, sn: 'BENCHWARM1', batch: options.perUpload });
    await warm.handshake();
    await warm.uploadPunches(makePunches({ pins: ['1'], count: 20, timeZone: 'UTC', end: '2025-12-01 08:00:00' }));
    const clocks = serials.map((sn) => new SimulatedClock({ url: recv.url, sn, batch: options.perUpload, retry: { attempts: 1 }, timeoutMs: 120_000 }));
    await Promise.all(clocks.map((c) => c.handshake()));

    const ingestMs: number[] = [];
    const rawMs: number[] = [];
    let stored = 0;
    for (let r = 0; r < rounds; r++) {
      await db.database.withSession((s) => s.exec('TRUNCATE punches'));
      rawMs.push(await rawInsert(db.database, perDevice, options.perUpload));
      if ((await punchCount(db.database)) !== options.lines) throw new Error('raw insert stored a wrong number of rows');
      await db.database.withSession((s) => s.exec('TRUNCATE punches'));
      for (const c of clocks) c.memory.clearLog();
      const started = performance.now();
      const reports = await Promise.all(clocks.map((c, d) => c.uploadPunches(perDevice[d])));
      ingestMs.push(performance.now() - started);
      const acknowledged = reports.reduce((sum, rep) => sum + rep.acknowledged, 0);
      stored = await punchCount(db.database);
      if (acknowledged !== options.lines || stored !== options.lines) {
        throw new Error(`ingest: ${acknowledged} acknowledged and ${stored} stored of ${options.lines} lines`);
      }
    }
    const ingest = median(ingestMs);
    const raw = median(rawMs);
    return {
      database: db.label,
      lines: options.lines,
      perUpload: options.perUpload,
      devices: options.devices,
      rounds,
      ingest: { ms: round(ingest), linesPerS: Math.round((options.lines / ingest) * 1000) },
      raw: { ms: round(raw), rowsPerS: Math.round((options.lines / raw) * 1000) },
      ratio: round(raw / ingest, 2),
      stored,
    };
  } finally {
    await recv.close();
    await db.drop();
  }
}
