// The load section's rows and targets (issue 14 item 5): per database and clock count, latency, errors,
// receiver CPU and memory; targets on real Postgres 5,000 clocks and on the embedded database 1,000.
import type { LoadResult, LoadRun } from './load.ts';

type Row = [string, string, string, string, string];
type Section<T> = T | { error: string };

const POSTGRES_TARGET = { clocks: 5_000, p99Ms: 50 };
const EMBEDDED_TARGET = { clocks: 1_000, p99Ms: 50 };

const isPostgres = (run: LoadRun) => run.database.startsWith('real Postgres');
const stepOf = (load: Section<LoadResult> | undefined, postgres: boolean, clocks: number) => {
  if (!load || 'error' in load) return undefined;
  return load.runs.find((run) => isPostgres(run) === postgres)?.steps.find((s) => s.clocks === clocks);
};

export function loadTargets(load: Section<LoadResult> | undefined): Record<string, boolean | null> {
  const pg = stepOf(load, true, POSTGRES_TARGET.clocks);
  const lite = stepOf(load, false, EMBEDDED_TARGET.clocks);
  return {
    'load: Postgres 5,000 clocks p99 < 50 ms, 0 errors': pg ? pg.p99Ms < POSTGRES_TARGET.p99Ms && pg.errors === 0 : null,
    'load: embedded 1,000 clocks p99 < 50 ms': lite ? lite.p99Ms < EMBEDDED_TARGET.p99Ms && lite.errors === 0 : null,
  };
}

export function loadRows(load: Section<LoadResult> | undefined, t: Record<string, boolean | null>): Row[] {
  if (!load) return [];
  if ('error' in load) return [['load: clocks polling getrequest (issue 14)', `failed: ${load.error}`, '', '', '']];
  const mark = (ok: boolean | null | undefined) => (ok === null || ok === undefined ? '' : ok ? ' ✓' : ' ✗');
  const rows: Row[] = [];
  for (const run of load.runs) {
    const db = isPostgres(run) ? 'Postgres' : 'embedded';
    for (const s of run.steps) {
      const target =
        isPostgres(run) && s.clocks === POSTGRES_TARGET.clocks
          ? `p99 < 50 ms, 0 errors${mark(t['load: Postgres 5,000 clocks p99 < 50 ms, 0 errors'])}`
          : !isPostgres(run) && s.clocks === EMBEDDED_TARGET.clocks
            ? `p99 < 50 ms${mark(t['load: embedded 1,000 clocks p99 < 50 ms'])}`
            : '';
      rows.push([
        `load, ${db}: ${s.clocks.toLocaleString('en-US')} clocks every ${load.intervalMs / 1000} s for ${load.durationMs / 1000} s (${s.polls.toLocaleString('en-US')} polls)`,
        `p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, ${s.errors} errors`,
        `receiver idle RSS ${run.idleRssMb} MB`,
        `CPU ${s.cpuPercent}%, RSS ${s.rssMb} MB (max ${s.rssMaxMb}), load avg ${s.loadAverage}`,
        target,
      ]);
    }
  }
  return rows;
}
