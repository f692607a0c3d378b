// One forwarding attempt: a queued entry as received, or several merged into one request (merge.ts),
// and what the receiver's answer means for them.
import type { Logger } from 'pino';
import { countRecordLines, parseUploadAck } from '../server/protocol/index.ts';
import type { Clock } from '../server/clock.ts';
import type { ForwardingSettings } from './config.ts';
import { joinBodies } from './merge.ts';
import type { QueueItem, RelayQueue } from './queue.ts';
import type { UpstreamHealth } from './status.ts';
import type { StoredRequest } from './store.ts';
import { originHeaders, uploadOutcome, UpstreamUnreachable, type Outcome, type UpstreamClient } from './upstream.ts';

export interface SendDeps {
  queue: RelayQueue;
  upstream: UpstreamClient;
  health: UpstreamHealth;
  settings: Readonly<ForwardingSettings>;
  log: Logger;
  clock: Clock;
}

/**
 * `split`: a merged request the receiver did not plainly accept (refused, or acknowledged another line
 * count); its parts go again one by one, so a bad part is set aside alone. Nothing was marked.
 */
export type SendOutcome = Outcome | 'missing' | 'split';

function refusalMessage(status: number): string {
  if (status === 401) return 'receiver refused the relay token (401): entry set aside; check RELAY_TOKEN';
  if (status < 300) return 'upstream answered without an iClock acknowledgement: entry set aside; check RELAY_UPSTREAM';
  return 'receiver refused a queued upload: entry set aside';
}

interface Outgoing {
  request: StoredRequest;
  /** Record lines the receiver must acknowledge for a merged request; null for an entry sent as received. */
  mergedLines: number | null;
}

/** The request for a unit: the entry itself, or the parts' lines after one another under the last part's query. */
function outgoing(queue: RelayQueue, unit: readonly QueueItem[]): Outgoing | null {
  const parts: StoredRequest[] = [];
  for (const item of unit) {
    const request = queue.body(item.id);
    if (!request) return null;
    parts.push(request);
  }
  if (parts.length === 1) return { request: parts[0]!, mergedLines: null };
  const { body, lines } = joinBodies(parts.map((p) => p.body));
  return { request: { ...parts.at(-1)!, body }, mergedLines: lines };
}

export async function sendUnit(deps: SendDeps, unit: readonly QueueItem[]): Promise<SendOutcome> {
  const { queue, upstream, health, settings, log, clock } = deps;
  const first = unit[0]!;
  const merged = unit.length > 1;
  const out = outgoing(queue, unit);
  if (!out) return merged ? 'split' : 'missing';
  const { request } = out;
  // Bodies go as received; a GET carries one only if the clock sent one (it was queued for that body).
  const hasBody = request.body.byteLength > 0 || (request.method !== 'GET' && request.method !== 'HEAD');
  const started = clock.now();
  const ids = unit.map((item) => item.id);
  try {
    const reply = await upstream.send({
      method: request.method,
      path: request.path,
      rawQuery: request.rawQuery,
      headers: originHeaders(request),
      body: hasBody ? request.body : undefined,
      timeoutMs: settings.timeoutMs,
    });
    const outcome = uploadOutcome(reply);
    const at = clock.now();
    const ms = at.getTime() - started.getTime();
    const brief = reply.text.slice(0, 200);
    const where = { sn: first.sn, id: first.id, ...(merged ? { parts: unit.length } : {}), table: first.table };
    if (outcome === 'delivered') {
      const ack = parseUploadAck(reply.text)!;
      const sent = out.mergedLines ?? (first.table === 'ATTLOG' ? countRecordLines(request.body) : null);
      if (sent !== null && ack.count !== null && ack.count !== sent) {
        if (merged) {
          log.warn({ ...where, ids, sent, acknowledged: ack.count }, 'receiver acknowledged another line count for a merged request; sending its parts one by one');
          return 'split';
        }
        log.warn({ ...where, sent, acknowledged: ack.count }, 'receiver acknowledged a different line count');
      }
      health.delivered(at);
      log.info({ ...where, ...(merged ? { lines: sent } : {}), status: reply.status, ms }, 'forwarded');
    } else if (outcome === 'reject') {
      health.refused(at, { message: `receiver refused ${first.path}: ${reply.status} ${brief}`, status: reply.status });
      if (merged) {
        log.warn({ ...where, ids, status: reply.status, reply: brief }, 'receiver refused a merged request; sending its parts one by one');
        return 'split';
      }
      await queue.markRejected(first.id, { status: reply.status, reason: brief, at: at.toISOString() });
      log.error({ ...where, path: first.path, status: reply.status, reply: brief }, refusalMessage(reply.status));
    } else {
      health.refused(at, { message: `receiver answered ${reply.status} (${brief})`, status: reply.status });
    }
    return outcome;
  } catch (err) {
    if (!(err instanceof UpstreamUnreachable)) throw err;
    health.unreachable(clock.now(), `receiver unreachable: ${err.reason}`);
    return 'retry';
  }
}
