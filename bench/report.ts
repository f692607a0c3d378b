// The bench's table for people, and results.json for machines: each figure beside its baseline and target.
import type { HostileResult } from './hostile.ts';
import type { LoadResult } from './load.ts';
import { loadRows, loadTargets } from './load-report.ts';
import type { IngestResult } from './ingest.ts';
import type { LiveResult } from './live.ts';
import type { LiveFirstLoadResult } from './live-first-load.ts';
import type { DrainResult, RelayResult } from './relay.ts';
import type { RelayAloneResult } from './relay-stub.ts';
import type { RelayFootprintResult } from './relay-footprint.ts';
import type { TimesheetBenchResult } from './timesheets.ts';
import type { WebhookBenchResult } from './webhooks.ts';

export type Section<T> = T | { error: string };

export interface BenchResults {
  generatedAt: string;
  scale: number;
  node: string;
  cpus: number;
  database: string;
  ingest: Section<IngestResult>;
  relay: Section<RelayResult>;
  /** The relay draining into a stub: tells the relay's limit from the receiver's. */
  relayAlone: Section<RelayAloneResult>;
  /** The relay's RSS at rest: compiled JavaScript (production) beside tsx (before). */
  relayFootprint?: Section<RelayFootprintResult>;
  live: Section<LiveResult>;
  /** A month's timesheet as JSON and XLSX beside a plain SELECT of its punches. */
  timesheets?: Section<TimesheetBenchResult>;
  /** Issue 14: the live page's first load on a 5,000-punch day, beside the whole day as it used to be sent. */
  liveFirstLoad?: Section<LiveFirstLoadResult>;
  /** Issue 13: from upload to signed delivery at a subscriber. */
  webhooks?: Section<WebhookBenchResult>;
  /** Issue 10: upload time against lines, and a clock's poll latency during a large upload and a sign-in storm. */
  hostile: Section<HostileResult>;
  /** Issue 14: N clocks polling getrequest against one receiver process, on each database. */
  load?: Section<LoadResult>;
  /** Each target: met (true), missed (false) or not measured (null). */
  targets: Record<string, boolean | null>;
}

type Row = [string, string, string, string, string];

const n = (x: number) => x.toLocaleString('en-US');
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(1)} ms`);
const mark = (ok: boolean | null) => (ok === null ? '' : ok ? ' ✓' : ' ✗');
const failed = (x: object): x is { error: string } => 'error' in x;

export function targetsOf(r: Pick<BenchResults, 'ingest' | 'relay' | 'live' | 'timesheets' | 'liveFirstLoad' | 'webhooks' | 'hostile' | 'load'>): Record<string, boolean | null> {
  const sheet = !r.timesheets || failed(r.timesheets) ? null : r.timesheets;
  const first = !r.liveFirstLoad || failed(r.liveFirstLoad) ? null : r.liveFirstLoad;
  const ingest = failed(r.ingest) ? null : r.ingest;
  const hostile = failed(r.hostile) ? null : r.hostile;
  const relay = failed(r.relay) ? null : r.relay;
  const live = failed(r.live) || 'skipped' in r.live ? null : r.live;
  return {
    'ingest ≥ 50% of raw insert': ingest ? ingest.ratio >= 0.5 : null,
    'relay answer p99 < 20 ms': relay ? relay.down.p99Ms < 20 : null,
    // Issue 14: on real Postgres; the embedded database's insert rate is the limit there.
    'relay drain < 5 s': relay ? relay.drain.complete && relay.drain.ms < 5_000 : null,
    'relay RSS < 80 MB idle and with the backlog': relay && relay.drain.rssMb.idle !== null && relay.drain.rssMb.backlog !== null
      ? Math.max(relay.drain.rssMb.idle, relay.drain.rssMb.backlog) < 80
      : null,
    'relay path ≥ 20× seed path': relay ? relay.speedup >= 20 : null,
    'live p50 < 20 ms': live ? live.p50 < 20 : null,
    'live p99 < 100 ms': live ? live.p99 < 100 : null,
    'timesheet JSON ≤ 3× SELECT': sheet ? sheet.ratio <= 3 : null,
    'timesheet JSON < 1 s': sheet ? sheet.json.ms < 1000 : null,
    'timesheet XLSX < 3 s': sheet ? sheet.xlsx.ms < 3000 : null,
    'live first load < 30 ms': first ? first.page.ms < 30 : null,
    'live first load < 300 KB': first ? first.page.bytes < 300 * 1024 : null,
    // Linear growth: ten times the lines may cost at most fifteen times the time.
    'upload 10× lines ≤ 15× time': hostile ? hostile.upload.ratio <= 15 : null,
    'poll p99 during sign-in storm < 100 ms': hostile ? hostile.pollDuringSignIns.p99Ms < 100 : null,
    ...loadTargets(r.load),
  };
}

export function tableOf(r: BenchResults): string {
  const t = r.targets;
  const rows: Row[] = [['section', 'measured', 'baseline (same run)', 'result', 'target']];
  if (failed(r.ingest)) rows.push(['ingest (issue 3)', `failed: ${r.ingest.error}`, '', '', '≥ 0.50×']);
  else {
    const i = r.ingest;
    rows.push([
      `ingest: ${n(i.lines)} lines, ${i.devices} clocks, uploads of ${i.perUpload}`,
      `${n(i.ingest.linesPerS)} lines/s (${ms(i.ingest.ms)})`,
      `raw INSERT ${n(i.raw.rowsPerS)} rows/s (${ms(i.raw.ms)})`,
      `${i.ratio.toFixed(2)}×`,
      `≥ 0.50×${mark(t['ingest ≥ 50% of raw insert']!)}`,
    ]);
  }
  if (failed(r.relay)) rows.push(['relay (issue 4)', `failed: ${r.relay.error}`, '', '', '']);
  else {
    const x = r.relay;
    rows.push([`relay answer, receiver down (${n(x.down.uploads)} uploads)`, `p50 ${ms(x.down.p50Ms)}, p99 ${ms(x.down.p99Ms)}`, '', `max ${ms(x.down.maxMs)}`, `p99 < 20 ms${mark(t['relay answer p99 < 20 ms']!)}`]);
    const drained = (d: DrainResult) =>
      d.complete ? ms(d.ms) : `> ${ms(d.ms)}: ${n(d.stored)} stored, ${n(d.remainingUploads)} uploads left`;
    const d = x.drain;
    const first = d.firstDeliveryMs === null ? '' : `first delivery after ${ms(d.firstDeliveryMs)}`;
    rows.push([
      `relay drain: ${n(d.punches)} punches in ${n(d.uploads)} uploads, merged up to ${n(d.mergeLines)} lines`,
      drained(d),
      `each upload alone ${drained(x.drainUnmerged)}`,
      first,
      `< 5 s${mark(t['relay drain < 5 s']!)}`,
    ]);
    const mb = (v: number | null) => (v === null ? 'n/a' : `${v} MB`);
    rows.push([
      `relay RSS: idle / holding ${n(d.punches)} punches / peak while draining`,
      `${mb(d.rssMb.idle)} / ${mb(d.rssMb.backlog)} / ${mb(d.rssMb.drainPeak)}`,
      `unmerged: ${mb(x.drainUnmerged.rssMb.idle)} / ${mb(x.drainUnmerged.rssMb.backlog)} / ${mb(x.drainUnmerged.rssMb.drainPeak)}`,
      '',
      `< 80 MB${mark(t['relay RSS < 80 MB idle and with the backlog']!)}`,
    ]);
    rows.push([
      `relay path: ${n(x.relayPath.punches)} punches`,
      `${n(x.relayPath.perS)} punches/s (${x.relayPath.complete ? '' : `${n(x.relayPath.stored)} stored in `}${ms(x.relayPath.ms)})`,
      `seed path ${n(x.seedPath.perS)} punches/s (${n(x.seedPath.punches)} in ${ms(x.seedPath.ms)}; ${x.seedPath.via})`,
      `${x.speedup}×`,
      `≥ 20×${mark(t['relay path ≥ 20× seed path']!)}`,
    ]);
  }
  if (failed(r.relayAlone)) rows.push(['relay alone (stub receiver)', `failed: ${r.relayAlone.error}`, '', '', '']);
  else {
    const a = r.relayAlone;
    rows.push([`relay alone: drain ${n(a.punches)} punches into a stub`, `${ms(a.ms)} (${n(a.perS)} punches/s)`, '', '', 'diagnostic, no target']);
  }
  if (r.relayFootprint && failed(r.relayFootprint)) rows.push(['relay memory at rest', `failed: ${r.relayFootprint.error}`, '', '', '']);
  else if (r.relayFootprint) {
    const f = r.relayFootprint;
    const mb = (v: number | null) => (v === null ? 'n/a' : `${v} MB`);
    rows.push([`relay RSS at rest, compiled JS (npm run relay)`, mb(f.compiledMb), `tsx (before) ${mb(f.tsxMb)}`, '', '< 80 MB']);
  }
  if (failed(r.live)) rows.push(['live latency (issue 5)', `failed: ${r.live.error}`, '', '', '']);
  else if ('skipped' in r.live) rows.push(['live latency (issue 5)', `skipped: ${r.live.skipped}`, '', '', '']);
  else {
    rows.push([`live latency: POST → socket event (${n(r.live.n)}${r.live.database ? `, ${r.live.database}` : ''})`, `p50 ${ms(r.live.p50)}, p99 ${ms(r.live.p99)}`, '', '', `p50 < 20 ms${mark(t['live p50 < 20 ms']!)}, p99 < 100 ms${mark(t['live p99 < 100 ms']!)}`]);
  }
  if (r.timesheets && failed(r.timesheets)) rows.push(['timesheets (issue 11)', `failed: ${r.timesheets.error}`, '', '', '']);
  else if (r.timesheets) {
    const x = r.timesheets;
    const label = `timesheet: ${n(x.employees)} employees × ${x.days} days (${n(x.punches)} punches)`;
    rows.push([`${label}, JSON`, ms(x.json.ms), `SELECT ordered ${ms(x.select.ms)}`, `${x.ratio.toFixed(2)}×`, `≤ 3×${mark(t['timesheet JSON ≤ 3× SELECT']!)}, < 1 s${mark(t['timesheet JSON < 1 s']!)}`]);
    rows.push([`${label}, XLSX`, `${ms(x.xlsx.ms)} (${n(Math.round(x.xlsx.bytes / 1024))} KiB)`, '', '', `< 3 s${mark(t['timesheet XLSX < 3 s']!)}`]);
  }
  if (r.liveFirstLoad && failed(r.liveFirstLoad)) rows.push(['live first load (issue 14)', `failed: ${r.liveFirstLoad.error}`, '', '', '']);
  else if (r.liveFirstLoad) {
    const x = r.liveFirstLoad;
    rows.push([
      `live page first load, ${n(x.punches)} punches today`,
      `${ms(x.page.ms)}, ${n(Math.round(x.page.bytes / 1024))} KiB`,
      `whole day (before) ${ms(x.wholeDay.ms)}, ${n(Math.round(x.wholeDay.bytes / 1024))} KiB`,
      '',
      `< 30 ms${mark(t['live first load < 30 ms']!)}, < 300 KB${mark(t['live first load < 300 KB']!)}`,
    ]);
  }
  if (r.webhooks && failed(r.webhooks)) rows.push(['webhook latency (issue 13)', `failed: ${r.webhooks.error}`, '', '', '']);
  else if (r.webhooks) {
    const x = r.webhooks;
    rows.push([`webhook: upload → signed delivery (${n(x.delivered)}/${n(x.punches)})`, `p50 ${ms(x.p50Ms)}, p99 ${ms(x.p99Ms)}`, '', `${x.badSignatures} bad signatures`, 'diagnostic, no target']);
  }
  rows.push(...hostileRows(r.hostile, t));
  rows.push(...loadRows(r.load, t));
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const lines = rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const head = `npm run bench — scale ${r.scale}, ${r.database}, Node ${r.node}, ${r.cpus} CPUs, loopback`;
  return [head, '', ...lines].join('\n');
}

function hostileRows(h: Section<HostileResult>, t: Record<string, boolean | null>): Row[] {
  if (failed(h)) return [['hostile upload, sign-in storm (issue 10)', `failed: ${h.error}`, '', '', '']];
  const idle = `idle p50 ${ms(h.pollIdle.p50Ms)}, p99 ${ms(h.pollIdle.p99Ms)}`;
  return [
    [
      `upload: ${n(h.upload.largeLines)} lines in one body`,
      `${ms(h.upload.largeMs)} (RSS +${h.upload.rssGrowthMb} MB)`,
      `${n(h.upload.smallLines)} lines ${ms(h.upload.smallMs)}`,
      `${h.upload.ratio}× time for 10× lines`,
      `≤ 15×${mark(t['upload 10× lines ≤ 15× time']!)}`,
    ],
    [`poll during that upload (${n(h.pollDuringUpload.polls)} polls)`, `p50 ${ms(h.pollDuringUpload.p50Ms)}, p99 ${ms(h.pollDuringUpload.p99Ms)}`, idle, '', 'diagnostic, no target'],
    [
      `poll during ${h.pollDuringSignIns.concurrent} concurrent wrong sign-ins (${n(h.pollDuringSignIns.signIns)} tried)`,
      `p50 ${ms(h.pollDuringSignIns.p50Ms)}, p99 ${ms(h.pollDuringSignIns.p99Ms)}`,
      idle,
      '',
      `p99 < 100 ms${mark(t['poll p99 during sign-in storm < 100 ms']!)}`,
    ],
  ];
}
