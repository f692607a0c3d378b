// A backlog goes upstream in large steps: a real relay process merges a clock's queued ATTLOG uploads into
// few requests, byte for byte and in order, and falls back to one by one when a merged request is not taken.
import { afterEach, describe, expect, it } from 'vitest';
import {
  acceptAll, attlogBatch, cleanUp, clockRequest, freePort, keysOf, punchesReceived, spawnRelay, startUpstream, tempDir, waitFor,
  type Received, type RelayProcess, type Upstream,
} from './harness.ts';
import { countRecordLines } from '../../server/protocol/index.ts';

const SN = 'AEWD200560017';
afterEach(cleanUp);

const UPLOADS = 30;
const LINES = 100;

/** A relay with a backlog: `UPLOADS` uploads of `LINES` punches queued while nothing listens upstream. */
async function backlog(label: string, env?: Record<string, string>) {
  const port = await freePort();
  const relay = await spawnRelay({ upstream: `http://127.0.0.1:${port}`, dataDir: tempDir(label), env });
  const batches = Array.from({ length: UPLOADS }, (_, i) => attlogBatch(i, LINES));
  for (let i = 0; i < UPLOADS; i++) {
    const reply = await clockRequest(relay.url, 'POST', `/iclock/cdata?SN=${SN}&table=ATTLOG&Stamp=${1000 + i}`, batches[i]!.body);
    expect(reply.text).toBe(`OK:${LINES}`);
  }
  await waitFor('an attempt failed', async () => (await relay.status()).upstream_reachable === false);
  return { relay, port, batches };
}

const uploadsOf = (upstream: Upstream) => upstream.received.filter((r) => r.path === '/iclock/cdata');

/** The batches (by number) a request carries, checked to be consecutive whole bodies, byte for byte. */
function partsOf(request: Received, batches: ReturnType<typeof attlogBatch>[]): number[] {
  const firstLine = request.body.toString('latin1').split('\n', 1)[0]!;
  const start = batches.findIndex((b) => b.body.toString('latin1').startsWith(`${firstLine}\n`));
  expect(start).toBeGreaterThanOrEqual(0);
  const parts: number[] = [];
  let offset = 0;
  while (offset < request.body.length) {
    const body = batches[start + parts.length]!.body;
    expect(request.body.subarray(offset, offset + body.length).equals(body)).toBe(true);
    offset += body.length;
    parts.push(start + parts.length);
  }
  return parts;
}

async function drained(relay: RelayProcess) {
  return waitFor('backlog drained', async () => {
    const s = await relay.status();
    return s.queue_depth === 0 ? s : null;
  }, 30_000);
}

describe('relay merges a backlog', () => {
  it('sends a backlog of many uploads as few requests, every punch once, in order, under the last part’s Stamp', async () => {
    const { relay, port, batches } = await backlog('merge');
    const upstream = await startUpstream(acceptAll, port);
    const status = await drained(relay);
    expect(status.delivered).toBe(UPLOADS);

    const requests = uploadsOf(upstream);
    // 3,000 lines in requests of at most 1,000: 3 when nothing else interferes; far fewer than 30 in any case.
    expect(requests.length).toBeLessThanOrEqual(8);
    const seen: number[] = [];
    for (const request of requests) {
      expect(countRecordLines(request.body)).toBeLessThanOrEqual(1000);
      const parts = partsOf(request, batches);
      seen.push(...parts);
      // The cursor the receiver records is the last part's, as after the parts one by one.
      expect(new URLSearchParams(request.rawQuery).get('Stamp')).toBe(String(1000 + parts.at(-1)!));
      expect(request.rawQuery).toBe(`SN=${SN}&table=ATTLOG&Stamp=${1000 + parts.at(-1)!}`);
    }
    expect(requests.some((r) => countRecordLines(r.body) > LINES)).toBe(true);
    expect(seen.sort((a, b) => a - b)).toEqual(batches.map((_, i) => i));
    const sent = batches.flatMap((b) => keysOf(SN, b));
    const received = punchesReceived(upstream);
    expect(received.length).toBe(sent.length);
    expect(new Set(received)).toEqual(new Set(sent));
  }, 60_000);

  it('with RELAY_MERGE_LINES=1 sends every upload as it came', async () => {
    const { relay, port } = await backlog('nomerge', { RELAY_MERGE_LINES: '1' });
    const upstream = await startUpstream(acceptAll, port);
    await drained(relay);
    expect(uploadsOf(upstream).map((r) => countRecordLines(r.body))).toEqual(Array(UPLOADS).fill(LINES));
  }, 60_000);

  it('falls back to one by one when a merged request is refused: the bad part alone is set aside', async () => {
    const bad = attlogBatch(7, LINES).body.toString('latin1').split('\n', 1)[0]!;
    const { relay, port, batches } = await backlog('refused');
    const upstream = await startUpstream((r) => (r.body.toString('latin1').includes(bad) ? { status: 400, body: 'Bad request: line 1' } : acceptAll(r)), port);
    const status = await waitFor('all settled', async () => {
      const s = await relay.status();
      return s.queue_depth === 0 && s.rejected.count === 1 ? s : null;
    }, 30_000);
    expect(status.delivered).toBe(UPLOADS - 1);
    expect(status.rejected.entries[0]).toMatchObject({ sn: SN, status: 400 });
    // A merged request held batch 7 and was refused; its parts then went alone.
    const refusedMerged = uploadsOf(upstream).find((r) => r.answered === 400 && countRecordLines(r.body) > LINES);
    expect(refusedMerged).toBeDefined();
    const alone = uploadsOf(upstream).filter((r) => r.answered === 400 && countRecordLines(r.body) === LINES);
    expect(alone.map((r) => partsOf(r, batches))).toEqual([[7]]);
    const expected = batches.filter((_, i) => i !== 7).flatMap((b) => keysOf(SN, b));
    const received = punchesReceived(upstream);
    expect(received.length).toBe(expected.length);
    expect(new Set(received)).toEqual(new Set(expected));
  }, 60_000);

  it('falls back to one by one when the receiver acknowledges another count for a merged request', async () => {
    const { relay, port, batches } = await backlog('count');
    const upstream = await startUpstream((r) => {
      const lines = countRecordLines(r.body);
      return { status: 200, body: `OK:${lines > LINES ? lines - 1 : lines}` };
    }, port);
    const status = await drained(relay);
    expect(status).toMatchObject({ delivered: UPLOADS, rejected: { count: 0 } });
    const single = uploadsOf(upstream).filter((r) => countRecordLines(r.body) === LINES);
    expect(single.flatMap((r) => partsOf(r, batches)).sort((a, b) => a - b)).toEqual(batches.map((_, i) => i));
    expect(relay.logs.some((l) => /another line count for a merged request/.test(String(l.msg)))).toBe(true);
  }, 60_000);
});
