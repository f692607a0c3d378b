// The relay's on-disk store: one LMDB environment in RELAY_DATA_DIR (prebuilt for Linux and Windows x64).
// LMDB commits are copy-on-write, so a process killed mid-write keeps the last committed state intact.
import fs from 'node:fs';
import path from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';

/** A clock's request as received, kept until the receiver accepts it. */
export interface StoredRequest {
  method: string;
  /** Path exactly as the clock sent it (`//iclock/cdata.aspx` stays so). */
  path: string;
  /** Query string exactly as sent, without the `?`. */
  rawQuery: string;
  contentType?: string;
  userAgent?: string;
  body: Uint8Array;
  /** ISO time the clock's request arrived at the relay. */
  receivedAt: string;
  remoteAddress: string;
  sn: string;
  table: string;
}

/** Why an entry was set aside instead of delivered. */
export interface RejectionMark {
  status: number;
  reason: string;
  at: string;
}

/** What the relay remembers per clock for its own answers when the receiver is unreachable. */
export interface DeviceMemory {
  /** The receiver's last options block for this clock, verbatim. */
  options?: string;
  optionsAt?: string;
  /** Last cursor the clock sent per table (ATTLOG, OPERLOG, ...). */
  stamps: Record<string, string>;
}

export interface RelayStore {
  root: RootDatabase;
  requests: Database<StoredRequest, number>;
  rejected: Database<RejectionMark, number>;
  devices: Database<DeviceMemory, string>;
  counters: Database<number, string>;
  close(): Promise<void>;
}

/**
 * Awaits an LMDB write. A failed commit (disk full, I/O error) rejects the write with an error whose
 * `commitError` is a second promise that lmdb rejects too: left alone, that one is an unhandled rejection
 * that kills the process. It is read here, and its reason becomes the error's message.
 */
export async function committed<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    const commitError = (err as { commitError?: Promise<unknown> }).commitError;
    if (commitError && typeof commitError.then === 'function') {
      const cause = await commitError.then(() => undefined, (reason: unknown) => reason);
      if (cause instanceof Error) throw new Error(`disk write failed: ${cause.message}`, { cause });
    }
    throw err;
  }
}

export function openRelayStore(dataDir: string): RelayStore {
  fs.mkdirSync(dataDir, { recursive: true });
  // overlappingSync off (the Windows default anyway): a write's promise resolves only once it is on disk.
  const root = open({ path: path.join(dataDir, 'queue.lmdb'), overlappingSync: false, maxDbs: 8 });
  return {
    root,
    requests: root.openDB<StoredRequest, number>({ name: 'requests' }),
    rejected: root.openDB<RejectionMark, number>({ name: 'rejected' }),
    devices: root.openDB<DeviceMemory, string>({ name: 'devices' }),
    counters: root.openDB<number, string>({ name: 'counters' }),
    close: () => root.close(),
  };
}
