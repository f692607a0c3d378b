// The journal: every upload's raw bytes are stored before anything reads them. If this insert fails the
// device is answered 503 and keeps its data. The journal is also the ingest queue (process.ts).
import type { Upload } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';

export interface IncomingUpload {
  sn: string;
  table: string;
  method: string;
  path: string;
  query: string;
  body: Buffer;
  via: 'device' | 'relay';
  remoteAddr: string | undefined;
  receivedAt: Date;
  /** held: the device is not approved yet; ignored: the device was rejected. */
  outcome: 'received' | 'held' | 'ignored';
  /** The journaling request applies the upload itself: no other worker claims it before then. */
  leaseUntil?: Date;
  /** Known at once, without parsing: a body that was not kept (over the limit for its sender). */
  report?: { linesTotal: number; errors: { reason: string }[] };
}

/**
 * One INSERT. The body goes in as base64 text that Postgres decodes: the embedded database's own encoding
 * of a byte parameter costs ~30× more main-thread time (a 1.6 MB body: seconds instead of ~0.1 s). The body
 * is not read back either: it is the one we hold.
 */
export async function journalUpload(db: Db, upload: IncomingUpload): Promise<Upload> {
  const report = upload.report ?? { linesTotal: 0, errors: [] };
  const [inserted] = await db.$queryRaw<{ id: bigint }[]>`
    INSERT INTO uploads (sn, table_name, method, path, query, body, via, remote_addr, received_at, outcome, lines_total, errors, attempts, next_attempt_at)
    VALUES (${upload.sn}, ${upload.table}, ${upload.method}, ${upload.path}, ${upload.query}, decode(${upload.body.toString('base64')}, 'base64'),
      ${upload.via}, ${upload.remoteAddr ?? null}, ${upload.receivedAt}, ${upload.outcome}, ${report.linesTotal}, ${JSON.stringify(report.errors)}::jsonb,
      ${upload.leaseUntil ? 1 : 0}, ${upload.leaseUntil ?? null}::timestamptz)
    RETURNING id`;
  const row = await db.upload.findUniqueOrThrow({ where: { id: inserted!.id }, omit: { body: true } });
  return { ...row, body: upload.body as Uint8Array<ArrayBuffer> };
}
