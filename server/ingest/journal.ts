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

export async function journalUpload(db: Db, upload: IncomingUpload): Promise<Upload> {
  // The body is not read back: decoding megabytes of bytea would hold the main thread for nothing.
  const row = await db.upload.create({
    omit: { body: true },
    data: {
      sn: upload.sn,
      table: upload.table,
      method: upload.method,
      path: upload.path,
      query: upload.query,
      body: upload.body as Uint8Array<ArrayBuffer>,
      via: upload.via,
      remoteAddr: upload.remoteAddr ?? null,
      receivedAt: upload.receivedAt,
      outcome: upload.outcome,
      attempts: upload.leaseUntil ? 1 : 0,
      nextAttemptAt: upload.leaseUntil ?? null,
      ...(upload.report ? { linesTotal: upload.report.linesTotal, errors: upload.report.errors } : {}),
    },
  });
  return { ...row, body: upload.body as Uint8Array<ArrayBuffer> };
}
