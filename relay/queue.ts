// The durable queue of clock requests: append before the clock is answered, prune once the receiver
// accepted, set aside what the receiver refuses. Order is the append order (increasing ids).
import type { DiskGuard } from './disk.ts';
import { mergeKeyOf } from './merge.ts';
import { committed, type RejectionMark, type RelayStore, type StoredRequest } from './store.ts';

/** What the forwarder and the status need of an entry; the body stays on disk until it is sent. */
export interface QueueItem {
  id: number;
  sn: string;
  table: string;
  method: string;
  path: string;
  receivedAt: string;
  bytes: number;
  /** Entries with the same key may be forwarded as one request (merge.ts); null: always alone. */
  mergeKey: string | null;
  /** Record lines of the body, once the forwarder has counted them. */
  lines?: number;
}

export interface RejectedItem extends QueueItem, RejectionMark {}

export class QueueFullError extends Error {
  readonly code = 'QUEUE_FULL';
}

/** Disk cost of an entry, for the size cap: body plus a fixed allowance for the envelope. */
function sizeOf(request: StoredRequest): number {
  return request.body.byteLength + request.path.length + request.rawQuery.length + 256;
}

function itemOf(id: number, request: StoredRequest): QueueItem {
  const { sn, table, method, path, receivedAt } = request;
  return { id, sn, table, method, path, receivedAt, bytes: sizeOf(request), mergeKey: mergeKeyOf(request) };
}

export class RelayQueue {
  /** Entries waiting for the receiver, in id (= arrival) order. */
  readonly pending = new Map<number, QueueItem>();
  readonly rejected = new Map<number, RejectedItem>();
  private bytes = 0;
  private nextId = 1;
  private deliveredCount: number;

  /**
   * Loads what a previous run left. Entries the receiver refused before are given one more chance:
   * a restart is what an operator does after fixing a wrong token.
   */
  constructor(
    private readonly store: RelayStore,
    private readonly maxBytes: number,
    private readonly disk: DiskGuard,
  ) {
    this.deliveredCount = store.counters.get('delivered') ?? 0;
    for (const { key, value } of store.requests.getRange()) {
      const item = itemOf(key, value);
      this.pending.set(key, item);
      this.bytes += item.bytes;
      this.nextId = key + 1;
    }
  }

  /** Entries set aside by an earlier run, now back in the queue (their marks are removed). */
  async releaseRejectedFromEarlierRun(): Promise<number> {
    const ids = [...this.store.rejected.getKeys()];
    if (ids.length > 0) this.disk.assertRoomForBookkeeping();
    await Promise.all(ids.map((id) => committed(this.store.rejected.remove(id))));
    return ids.length;
  }

  /** Appends durably: resolves once the entry is on disk; throws QueueFullError over the cap. */
  async append(request: StoredRequest): Promise<QueueItem> {
    const id = this.nextId++;
    const item = itemOf(id, request);
    if (this.bytes + item.bytes > this.maxBytes) {
      throw new QueueFullError(
        `relay queue is full (${this.bytes} of ${this.maxBytes} bytes held for the receiver); refusing new uploads`,
      );
    }
    this.disk.assertRoomFor(item.bytes);
    this.bytes += item.bytes;
    try {
      await committed(this.store.requests.put(id, request));
    } catch (err) {
      this.bytes -= item.bytes;
      throw err;
    }
    this.pending.set(id, item);
    return item;
  }

  body(id: number): StoredRequest | undefined {
    return this.store.requests.get(id);
  }

  /** The receiver accepted the entries (one request, or a merged one): prune and count them, in one commit. */
  async markDelivered(ids: readonly number[]): Promise<void> {
    const known = ids.filter((id) => this.pending.has(id));
    if (known.length === 0) return;
    this.disk.assertRoomForBookkeeping();
    for (const id of known) this.forget(id);
    this.deliveredCount += known.length;
    await committed(
      this.store.root.transaction(() => {
        for (const id of known) this.store.requests.remove(id);
        this.store.counters.put('delivered', this.deliveredCount);
      }),
    );
  }

  /** An entry whose record cannot be read any more: stop counting it as pending. */
  forget(id: number): void {
    const item = this.pending.get(id);
    if (!item) return;
    this.pending.delete(id);
    this.bytes -= item.bytes;
  }

  /** The receiver refused the entry for good: keep it on disk, out of the way of the rest. */
  async markRejected(id: number, mark: RejectionMark): Promise<void> {
    const item = this.pending.get(id);
    if (!item) return;
    this.disk.assertRoomForBookkeeping();
    // Set aside: still on disk for a later try, but no longer held against the cap (or nothing new fits).
    this.forget(id);
    this.rejected.set(id, { ...item, ...mark });
    await committed(this.store.rejected.put(id, mark));
  }

  get delivered(): number {
    return this.deliveredCount;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  get capBytes(): number {
    return this.maxBytes;
  }

  oldestPending(): QueueItem | undefined {
    return this.pending.values().next().value;
  }
}
