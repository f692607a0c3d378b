// Shop relays as they report themselves: a relay is online while its reports keep coming.
import { z } from 'zod';
import type { Relay } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';

/** A relay reports every 30 s by default: two minutes of silence means it is offline. */
export const RELAY_ONLINE_SECONDS = 120;
/** A relay whose oldest waiting upload is older than this has a backlog worth an alarm. */
export const RELAY_BACKLOG_SECONDS = 300;

const text = (max: number) => z.string().max(max).regex(/^[^\x00-\x1f\x7f]*$/, 'must not contain control characters');

export const heartbeatSchema = z
  .object({
    name: text(100).min(1),
    version: text(40).min(1),
    queue_depth: z.number().int().min(0),
    oldest_pending_age_s: z.number().int().min(0).nullable(),
    rejected_count: z.number().int().min(0),
    clocks: z
      .array(z.object({ sn: text(64).min(1), last_contact: z.iso.datetime({ offset: true }).nullable() }).strict())
      .max(1000)
      .default([]),
    last_error: text(1000).nullable().default(null),
  })
  .strict();

export type Heartbeat = z.infer<typeof heartbeatSchema>;

export async function recordHeartbeat(db: Db, report: Heartbeat, at: Date, remoteAddr: string | undefined): Promise<Relay> {
  const data = {
    version: report.version,
    queueDepth: report.queue_depth,
    oldestPendingAgeS: report.oldest_pending_age_s,
    rejectedCount: report.rejected_count,
    clocks: report.clocks,
    lastError: report.last_error,
    remoteAddr: remoteAddr ?? null,
    reportedAt: at,
  };
  return db.relay.upsert({ where: { name: report.name }, create: { name: report.name, ...data }, update: data });
}

export function relayJson(relay: Relay, now: Date) {
  return {
    name: relay.name,
    version: relay.version,
    online: now.getTime() - relay.reportedAt.getTime() < RELAY_ONLINE_SECONDS * 1000,
    last_report: relay.reportedAt.toISOString(),
    queue_depth: relay.queueDepth,
    oldest_pending_age_s: relay.oldestPendingAgeS,
    rejected_count: relay.rejectedCount,
    clocks: relay.clocks,
    last_error: relay.lastError,
    address: relay.remoteAddr,
  };
}
