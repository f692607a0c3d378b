// Issue 11: a month's timesheet for a shop (employees × days × 4 punches) through GET /zkteco/api/timesheets
// as JSON and as XLSX, beside the floor: a plain SELECT of the same punches ordered by employee and instant.
import { localToInstant } from '../server/protocol/time.ts';
import { nextDate } from '../server/timesheets/days.ts';
import { BENCH_TOKEN, benchDatabase, benchReceiver, round, type BenchDatabaseOptions } from './setup.ts';

export interface TimesheetBenchOptions extends BenchDatabaseOptions {
  employees: number;
  days: number;
  /** Median of this many timed runs of each (after one warm-up). */
  rounds?: number;
}

export interface TimesheetBenchResult {
  database: string;
  employees: number;
  days: number;
  punches: number;
  select: { ms: number; rows: number };
  json: { ms: number; bytes: number };
  xlsx: { ms: number; bytes: number };
  /** json / select; target ≤ 3. */
  ratio: number;
}

const FROM = '2026-03-01';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pad = (n: number) => String(n).padStart(2, '0');

/** Four punches a day per employee (in, lunch out, in, out), minutes varied by PIN, on a Paris clock. */
function workload(employees: number, days: number) {
  const rows: { pin: string; local: string; type: string }[] = [];
  for (let e = 1; e <= employees; e++) {
    const m = pad(e % 30);
    for (let d = 1; d <= days; d++) {
      const date = `2026-03-${pad(d)}`;
      rows.push({ pin: String(e), local: `${date} 08:${m}:00`, type: 'in' }, { pin: String(e), local: `${date} 12:${m}:00`, type: 'out' });
      rows.push({ pin: String(e), local: `${date} 13:${m}:00`, type: 'in' }, { pin: String(e), local: `${date} 17:${m}:00`, type: 'out' });
    }
  }
  return rows;
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

export async function benchTimesheets(options: TimesheetBenchOptions): Promise<TimesheetBenchResult> {
  const rounds = options.rounds ?? 3;
  const db = await benchDatabase(options.template);
  const recv = await benchReceiver(db.database, ['TSFRONT']);
  try {
    const rows = workload(options.employees, options.days);
    await db.database.withSession(async (s) => {
      await s.query(`INSERT INTO devices (sn, state, timezone) VALUES ('TSFRONT', 'approved', 'Europe/Paris')`);
      await s.query(`INSERT INTO employees (pin, name, source) SELECT g::text, 'Employee ' || g, 'erp' FROM generate_series(1, ${options.employees}) g`);
      for (let i = 0; i < rows.length; i += 10_000) {
        const chunk = rows.slice(i, i + 10_000);
        await s.query(
          `INSERT INTO punches (device_sn, pin, local_time, instant, punch_type, source)
           SELECT 'TSFRONT', pin, local, (local || ' Europe/Paris')::timestamptz, type, 'api' FROM unnest($1::text[], $2::text[], $3::text[]) AS t(pin, local, type)`,
          [chunk.map((r) => r.pin), chunk.map((r) => r.local), chunk.map((r) => r.type)],
        );
      }
      await s.exec('ANALYZE punches');
    });
    const to = `2026-03-${pad(options.days)}`;
    const url = `${recv.url}/zkteco/api/timesheets?from=${FROM}&to=${to}`;
    const get = async (format: string) => {
      const res = await fetch(`${url}&format=${format}`, { headers: { Authorization: `Bearer ${BENCH_TOKEN}` } });
      const bytes = (await res.arrayBuffer()).byteLength;
      if (res.status !== 200) throw new Error(`timesheet ${format} answered ${res.status}`);
      return bytes;
    };
    // The floor: the month's punches (Paris midnight to midnight), ordered as the timesheet reads them.
    const start = localToInstant(`${FROM} 00:00:00`, 'Europe/Paris');
    const end = localToInstant(`${nextDate(to)} 00:00:00`, 'Europe/Paris');
    const select = () =>
      db.database.withSession((s) =>
        s.query('SELECT id, device_sn, pin, local_time, instant, punch_type, source FROM punches WHERE instant >= $1 AND instant < $2 ORDER BY pin, instant', [start, end]),
      );
    // Warm-up outside the timings: plans, route, exceljs loaded.
    await select();
    await get('json');
    await get('xlsx');
    const s: number[] = [], j: number[] = [], x: number[] = [];
    let selected = 0, jsonBytes = 0, xlsxBytes = 0;
    for (let r = 0; r < rounds; r++) {
      const sel = await timed(select);
      s.push(sel.ms);
      selected = sel.value.length;
      const json = await timed(() => get('json'));
      j.push(json.ms);
      jsonBytes = json.value;
      const xlsx = await timed(() => get('xlsx'));
      x.push(xlsx.ms);
      xlsxBytes = xlsx.value;
    }
    if (selected !== rows.length) throw new Error(`the SELECT read ${selected} of ${rows.length} punches`);
    return {
      database: db.label,
      employees: options.employees,
      days: options.days,
      punches: rows.length,
      select: { ms: round(median(s)), rows: selected },
      json: { ms: round(median(j)), bytes: jsonBytes },
      xlsx: { ms: round(median(x)), bytes: xlsxBytes },
      ratio: round(median(j) / median(s), 2),
    };
  } finally {
    await recv.close();
    await db.drop();
  }
}
