// Bodies from clocks nobody approved yet: a small size limit and a disk quota, so an unauthenticated
// sender can neither hold the receiver with one huge upload nor fill its disk with many.
import express, { type Request, type Response } from 'express';
import type { Authenticator } from '../auth/principal.ts';
import { bearerOf } from '../auth/tokens.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/open.ts';
import { RecordLineCounter } from '../protocol/lines.ts';
import { rawQueryOf, readDeviceQuery } from '../protocol/request.ts';
import { serialProblem } from '../protocol/fields.ts';

/** Approved clocks and relays: devices send up to 10 MB photo batches, and a 413 would make them resend forever. */
const readTrustedBody = express.raw({ type: () => true, limit: '20mb' });

/** A real clock's batch is ~128 lines (5 KB) or one photo; anything past this from a stranger is not kept. */
export const UNAPPROVED_BODY_LIMIT = 256 * 1024;

/** What arrived: the body, or (over the limit for its sender) only its size and record-line count. */
export type ReceivedBody = { body: Buffer; overLimit?: undefined } | { body: Buffer; overLimit: { bytes: number; lines: number } };

interface BodyDeps {
  auth: Authenticator;
  config: Config;
  db: Db;
}

/** A valid token, DEVICE_SERIALS or an approval in the database: may send up to 20 MB. */
async function senderIsTrusted(deps: BodyDeps, req: Request): Promise<boolean> {
  const bearer = bearerOf(req.headers.authorization);
  if (bearer && deps.auth.isApiToken(bearer)) return true;
  const sn = readDeviceQuery(rawQueryOf(req.originalUrl)).get('sn');
  // An implausible serial (a NUL, 6,000 characters) is never looked up: the route refuses it with a 400.
  if (!sn || serialProblem(sn)) return false;
  if (deps.config.deviceSerials.includes(sn)) return true;
  const device = await deps.db.device.findUnique({ where: { sn }, select: { state: true } });
  return device?.state === 'approved';
}

export async function receiveBody(deps: BodyDeps, req: Request, res: Response): Promise<ReceivedBody> {
  if (req.method === 'GET' || req.method === 'HEAD') return { body: Buffer.alloc(0) };
  if (await senderIsTrusted(deps, req)) {
    await new Promise<void>((resolve, reject) => readTrustedBody(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
    return { body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) };
  }
  return readLimited(req, UNAPPROVED_BODY_LIMIT);
}

/** Keeps up to `limit` bytes; past it, reads the rest only to count its lines (the answer must not make a clock loop). */
function readLimited(req: Request, limit: number): Promise<ReceivedBody> {
  return new Promise((resolve, reject) => {
    let kept: Buffer[] | undefined = [];
    let bytes = 0;
    const counter = new RecordLineCounter();
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      counter.push(chunk);
      if (kept && bytes <= limit) kept.push(chunk);
      else kept = undefined;
    });
    req.once('end', () => resolve(kept ? { body: Buffer.concat(kept) } : { body: Buffer.alloc(0), overLimit: { bytes, lines: counter.total() } }));
    req.once('error', reject);
  });
}

/** The journal's note of a body that was not kept: its size and lines, and what to do about them. */
export function overLimitReport(over: { bytes: number; lines: number }) {
  const reason = `body of ${over.bytes} bytes from a clock that is not approved is over the ${UNAPPROVED_BODY_LIMIT / 1024} KB limit and was not kept; after approving the clock, recover its punches (POST /zkteco/api/devices/:sn/recover)`;
  return { linesTotal: over.lines, errors: [{ reason }] };
}

/** Bytes charged per journal row on top of its body, so a flood of tiny uploads counts too. */
const ROW_COST = 512;
/** How long the bytes counted here are trusted before they are summed again (approvals free space). */
const RECOUNT_AFTER_MS = 60_000;

/** Disk used by the journal of unapproved clocks' direct uploads, against UNAPPROVED_JOURNAL_MAX_MB. */
export class UnapprovedJournalQuota {
  private used: { bytes: number; at: number } | undefined;
  private counting: Promise<number> | undefined;

  constructor(
    private readonly db: Db,
    private readonly maxBytes: number,
    private readonly clock: Clock,
  ) {}

  /** Charges `bytes` and says true when they fit; false (nothing charged) when the quota is full. */
  async admit(bytes: number): Promise<boolean> {
    const now = this.clock.now().getTime();
    if (!this.used || now - this.used.at > RECOUNT_AFTER_MS) this.used = { bytes: await this.count(), at: now };
    const cost = bytes + ROW_COST;
    if (this.used.bytes + cost > this.maxBytes) return false;
    this.used.bytes += cost;
    return true;
  }

  /** One sum at a time, shared by the requests waiting for it. */
  private count(): Promise<number> {
    this.counting ??= this.db
      .$queryRaw<{ bytes: bigint | number | null }[]>`
        SELECT COALESCE(SUM(octet_length(body)), 0) + COUNT(*) * ${ROW_COST} AS bytes
        FROM uploads WHERE via = 'device' AND outcome IN ('held', 'ignored')`
      .then((rows) => Number(rows[0]?.bytes ?? 0))
      .finally(() => (this.counting = undefined));
    return this.counting;
  }
}
