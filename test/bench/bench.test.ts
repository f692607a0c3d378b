// The bench functions at a tiny scale: they run end to end and return sane figures. No timing targets here.
import { describe, expect, inject, it } from 'vitest';
import { benchHostile } from '../../bench/hostile.ts';
import { benchIngest } from '../../bench/ingest.ts';
import { benchLive } from '../../bench/live.ts';
import { benchLoad } from '../../bench/load.ts';
import { benchRelay } from '../../bench/relay.ts';
import { benchRelayAlone } from '../../bench/relay-stub.ts';
import { benchRelayFootprint } from '../../bench/relay-footprint.ts';
import { tableOf, targetsOf, type BenchResults } from '../../bench/report.ts';
import { benchScale, percentile, scaled } from '../../bench/setup.ts';
import { benchTimesheets } from '../../bench/timesheets.ts';
import { benchLiveFirstLoad } from '../../bench/live-first-load.ts';
import { benchWebhooks } from '../../bench/webhooks.ts';

const positive = (x: number) => Number.isFinite(x) && x > 0;

describe('bench at a tiny scale', () => {
  const template = inject('databaseTemplate');

  it('ingest: every line acknowledged and stored, both rates measured', async () => {
    const r = await benchIngest({ lines: 60, perUpload: 10, devices: 4, rounds: 1, template });
    expect(r.stored).toBe(60);
    expect(positive(r.ingest.linesPerS) && positive(r.raw.rowsPerS) && positive(r.ratio)).toBe(true);
  }, 120_000);

  it('relay: answers while the receiver is down, drains, and compares with the seed path', async () => {
    const r = await benchRelay({ backlog: 200, perUpload: 50, seedPunches: 30, drainTimeoutMs: 60_000, template });
    expect(r.down.uploads).toBe(4);
    expect(positive(r.down.p50Ms) && r.down.p99Ms >= r.down.p50Ms).toBe(true);
    expect(r.drain).toMatchObject({ complete: true, stored: 200, remainingUploads: 0, mergeLines: 1000 });
    expect(r.drainUnmerged).toMatchObject({ complete: true, stored: 200, remainingUploads: 0, mergeLines: 1 });
    expect(positive(r.drain.rssMb.idle!) && positive(r.drain.rssMb.backlog!)).toBe(true);
    expect(r.relayPath).toMatchObject({ complete: true, stored: 30 });
    expect(positive(r.seedPath.perS) && positive(r.relayPath.perS) && positive(r.speedup)).toBe(true);
  }, 120_000);

  it('relay alone: the backlog reaches a stub receiver in full', async () => {
    const r = await benchRelayAlone({ backlog: 300, perUpload: 100, drainTimeoutMs: 60_000 });
    expect(r.uploads).toBe(3);
    expect(r.received).toBeGreaterThanOrEqual(300);
    expect(positive(r.perS)).toBe(true);
  }, 120_000);

  it('relay footprint: RSS at rest of the compiled relay and of the sources under tsx', async () => {
    const r = await benchRelayFootprint(300);
    expect(positive(r.compiledMb!) && positive(r.tsxMb!)).toBe(true);
  });

  it('timesheets: every punch read, JSON and XLSX answered, both beside the SELECT', async () => {
    const r = await benchTimesheets({ employees: 3, days: 2, rounds: 1, template });
    expect(r).toMatchObject({ punches: 24, select: { rows: 24 } });
    expect(positive(r.json.ms) && positive(r.xlsx.ms) && positive(r.ratio) && r.json.bytes > 0 && r.xlsx.bytes > 0).toBe(true);
  }, 120_000);

  it('hostile: both uploads stored, polls answered during each attack, sign-ins tried', async () => {
    const r = await benchHostile({ smallLines: 50, windowMs: 300, concurrentSignIns: 2, template });
    expect(r.upload).toMatchObject({ smallLines: 50, largeLines: 500 });
    expect(positive(r.upload.smallMs) && positive(r.upload.largeMs) && positive(r.upload.ratio)).toBe(true);
    for (const p of [r.pollIdle, r.pollDuringUpload, r.pollDuringSignIns]) expect(p.polls > 0 && p.p99Ms >= p.p50Ms).toBe(true);
    expect(r.pollDuringSignIns.signIns).toBeGreaterThan(0);
  }, 120_000);

  it('live first load: a page of the day, smaller than the whole day', async () => {
    const r = await benchLiveFirstLoad({ punches: 400, rounds: 1, template });
    expect(r.punches).toBe(400);
    expect(positive(r.page.ms) && positive(r.wholeDay.ms)).toBe(true);
    expect(r.page.bytes).toBeLessThan(r.wholeDay.bytes);
  }, 120_000);

  it('webhooks: every punch delivered, signed, with its latency', async () => {
    const r = await benchWebhooks({ punches: 10, perSecond: 50, template });
    expect(r).toMatchObject({ punches: 10, delivered: 10, badSignatures: 0 });
    expect(positive(r.p50Ms) && r.p99Ms >= r.p50Ms).toBe(true);
  }, 120_000);

  it('load: clocks poll a receiver process; every poll answered, its CPU and memory read', async () => {
    const r = await benchLoad({ clocks: [5, 20], durationMs: 2_500, intervalMs: 500, template, fromSources: true });
    expect(r.runs).toHaveLength(1);
    const [run] = r.runs;
    expect(run!.idleRssMb).toBeGreaterThan(0);
    expect(run!.steps.map((s) => s.clocks)).toEqual([5, 20]);
    for (const s of run!.steps) {
      expect(s).toMatchObject({ errors: 0 });
      expect(s.polls).toBeGreaterThanOrEqual(s.clocks * 4);
      expect(s.p99Ms >= s.p50Ms && s.rssMb > 0 && s.cpuPercent >= 0).toBe(true);
    }
    expect(tableOf({ ...emptyResults(), load: r })).toMatch(/load, embedded: 20 clocks every 0.5 s/);
  }, 180_000);

  it('live: skipped, not failed, when the measurement file is absent', async () => {
    expect(await benchLive(5, '/nonexistent/live-latency.ts')).toEqual({ skipped: 'nonexistent/live-latency.ts is not there yet' });
  });
});

describe('bench helpers', () => {
  it('scale, percentiles and the table', () => {
    expect(benchScale({})).toBe(1);
    expect(benchScale({ BENCH_SCALE: '0.1' })).toBe(0.1);
    expect(() => benchScale({ BENCH_SCALE: '0' })).toThrow(/BENCH_SCALE/);
    expect(scaled(10_000, 0.1)).toBe(1000);
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);

    const partial = { ingest: { error: 'boom' }, relay: { error: 'relay down' }, relayAlone: { error: 'no relay' }, live: { skipped: 'absent' }, hostile: { error: 'no upload' } };
    const results: BenchResults = { generatedAt: '', scale: 1, node: 'v20', cpus: 2, database: 'db', ...partial, targets: targetsOf(partial) };
    expect(Object.values(results.targets).every((t) => t === null)).toBe(true);
    expect(tableOf(results)).toMatch(/failed: boom[\s\S]*skipped: absent/);
  });
});

function emptyResults(): BenchResults {
  const none = { error: 'not run' };
  return { generatedAt: '', scale: 1, node: 'v20', cpus: 2, database: 'db', ingest: none, relay: none, relayAlone: none, live: none, hostile: none, targets: {} };
}
