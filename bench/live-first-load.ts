// Issue 14 item 4: the live page's first load with a busy day (5,000 punches today), through the real
// route, beside the old way of building it (the whole day read with Prisma, named, serialised).
import { shopDay, todaysPunches } from '../server/live/today.ts';
import { BENCH_TOKEN, benchDatabase, benchReceiver, round, type BenchDatabaseOptions } from './setup.ts';

export interface LiveFirstLoadResult {
  database: string;
  punches: number;
  /** GET /employees/attendance/live/data: median over the rounds, loopback round trip included. */
  page: { ms: number; bytes: number };
  /** The whole day as the page used to get it (in process, no HTTP). */
  wholeDay: { ms: number; bytes: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

export async function benchLiveFirstLoad(options: BenchDatabaseOptions & { punches: number; rounds?: number }): Promise<LiveFirstLoadResult> {
  const rounds = options.rounds ?? 7;
  const employees = Math.max(1, Math.floor(options.punches / 4));
  const db = await benchDatabase(options.template);
  const recv = await benchReceiver(db.database, ['LIVEBENCH']);
  try {
    // Four punches a day per employee (in, out, in, out) over today's first hours, UTC (the bench receiver's zone).
    const day = shopDay(new Date(), 'UTC');
    await db.database.withSession(async (s) => {
      await s.query(`INSERT INTO devices (sn, state, name) VALUES ('LIVEBENCH', 'approved', 'Front door') ON CONFLICT (sn) DO NOTHING`);
      await s.query(`INSERT INTO employees (pin, name, source) SELECT g::text, 'Employee ' || g, 'erp' FROM generate_series(1, ${employees}) g`);
      await s.query(
        `INSERT INTO punches (device_sn, pin, local_time, instant, punch_type, verify, source)
         SELECT 'LIVEBENCH', e::text, to_char(t, 'YYYY-MM-DD HH24:MI:SS'), t, CASE WHEN k % 2 = 0 THEN 'in' ELSE 'out' END, 1, 'device'
         FROM generate_series(1, ${employees}) e, generate_series(0, 3) k,
              LATERAL (SELECT $1::timestamptz + make_interval(secs => e * 2 + k * 3600) AS t) x
         LIMIT ${options.punches}`,
        [day.start],
      );
      await s.exec('ANALYZE punches');
    });
    const page = async () => {
      const res = await fetch(`${recv.url}/employees/attendance/live/data`, { headers: { Authorization: `Bearer ${BENCH_TOKEN}` } });
      const bytes = (await res.arrayBuffer()).byteLength;
      if (res.status !== 200) throw new Error(`live data answered ${res.status}`);
      return bytes;
    };
    const wholeDay = async () => Buffer.byteLength(JSON.stringify(await todaysPunches(db.database.prisma, shopDay(new Date(), 'UTC'))));
    await page();
    await wholeDay();
    const p: number[] = [], w: number[] = [];
    let pageBytes = 0, dayBytes = 0;
    for (let r = 0; r < rounds; r++) {
      const a = await timed(page);
      p.push(a.ms);
      pageBytes = a.value;
      const b = await timed(wholeDay);
      w.push(b.ms);
      dayBytes = b.value;
    }
    return { database: db.label, punches: options.punches, page: { ms: round(median(p)), bytes: pageBytes }, wholeDay: { ms: round(median(w)), bytes: dayBytes } };
  } finally {
    await recv.close();
    await db.drop();
  }
}
