// A clock's backlog goes upstream in large steps (issue 14): consecutive queued ATTLOG uploads of one clock
// that differ only in their cursor (`Stamp`) travel as one request, their lines byte for byte, in order.
// What makes two uploads mergeable is decided here, in one place, from what the receiver reads of them:
// - path, query (cursor names aside), Content-Type, User-Agent and the clock's address must be identical;
// - a `CmdId` (an answer to a DATA QUERY the receiver counts per command) is never merged;
// - they reached the relay within `mergeSpreadMs` of each other: the merged request carries one arrival time
//   (the last part's), which the receiver stores per punch and reads a clock's drift from.
// The merged request carries the last part's query: the receiver records its cursor, as it would have after
// the parts one by one. Only ATTLOG: punches are idempotent and order-free at the receiver.
import { countRecordLines, iclockVerb, readDeviceQuery } from '../server/protocol/index.ts';
import type { ForwardingSettings } from './config.ts';
import type { StoredRequest } from './store.ts';

const CURSOR_NAMES = new Set(['stamp', 'opstamp', 'photostamp']);

function paramName(pair: string): string {
  const eq = pair.indexOf('=');
  const raw = (eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw).trim().toLowerCase();
  } catch {
    return raw.trim().toLowerCase();
  }
}

/** The raw query without its cursor parameters, every other byte kept. */
export function queryWithoutCursors(rawQuery: string): string {
  return rawQuery
    .split('&')
    .filter((pair) => !CURSOR_NAMES.has(paramName(pair)))
    .join('&');
}

/** Uploads with the same key may travel as one request; null: this one always travels alone. */
export function mergeKeyOf(request: StoredRequest): string | null {
  if (request.table !== 'ATTLOG' || request.method !== 'POST' || iclockVerb(request.path) !== 'cdata') return null;
  if (readDeviceQuery(request.rawQuery).has('cmdid')) return null;
  return JSON.stringify([request.sn, request.path, queryWithoutCursors(request.rawQuery), request.contentType ?? null, request.userAgent ?? null, request.remoteAddress]);
}

/** What the batcher needs to know of a queued entry. */
export interface Mergeable {
  id: number;
  mergeKey: string | null;
  receivedAt: string;
  bytes: number;
}

/**
 * How many of `candidates` (consecutive entries of one clock, none in flight, the first included) go in one
 * request: at least the first; more while they share its key and stay within the line, byte and time limits.
 */
export function batchLength(
  candidates: readonly Mergeable[],
  linesOf: (item: Mergeable) => number,
  settings: Pick<ForwardingSettings, 'mergeLines' | 'mergeMaxBytes' | 'mergeSpreadMs'>,
): number {
  const first = candidates[0]!;
  if (settings.mergeLines <= 1 || first.mergeKey === null) return 1;
  const start = Date.parse(first.receivedAt);
  let lines = linesOf(first);
  let bytes = first.bytes;
  let n = 1;
  for (; n < candidates.length; n++) {
    const next = candidates[n]!;
    if (next.mergeKey !== first.mergeKey || Math.abs(Date.parse(next.receivedAt) - start) > settings.mergeSpreadMs) break;
    lines += linesOf(next);
    bytes += next.bytes;
    if (lines > settings.mergeLines || bytes > settings.mergeMaxBytes) break;
  }
  return n;
}

const NEWLINE = Buffer.from('\n');

/** The parts' bodies one after the other, a newline added after a body that does not end with one. */
export function joinBodies(bodies: readonly Uint8Array[]): { body: Buffer; lines: number } {
  const chunks: Uint8Array[] = [];
  let lines = 0;
  for (const body of bodies) {
    chunks.push(body);
    lines += countRecordLines(body);
    if (body.length > 0 && body[body.length - 1] !== 0x0a) chunks.push(NEWLINE);
  }
  return { body: Buffer.concat(chunks), lines };
}
