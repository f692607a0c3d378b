// Free space on the queue's disk, checked before every write. LMDB must never meet a full disk: a failed
// commit leaves lmdb-js broken (its next write corrupts memory and aborts the process, measured on a full
// tmpfs). So writes are refused while they would eat into a small reserve, and the clock is answered 503.
import fs from 'node:fs';

export class DiskFullError extends Error {
  readonly code = 'DISK_FULL';
}

const MB = 1024 * 1024;
/** What small bookkeeping writes (a cursor, a delivery) may still use; uploads stop above it. */
const BOOKKEEPING_BYTES = 256 * 1024;

export class DiskGuard {
  constructor(private readonly dir: string) {}

  /** Free bytes on the disk, and the reserve kept: 5 % of the disk, between 1 and 64 MB. */
  private space(): { free: number; reserve: number } {
    const stats = fs.statfsSync(this.dir);
    const free = Number(stats.bavail) * Number(stats.bsize);
    const size = Number(stats.blocks) * Number(stats.bsize);
    return { free, reserve: Math.min(64 * MB, Math.max(1 * MB, size * 0.05)) };
  }

  /** Throws DiskFullError unless an entry of `bytes` (twice that on disk, copy-on-write) leaves the reserve free. */
  assertRoomFor(bytes: number): void {
    const { free, reserve } = this.space();
    if (free - 2 * bytes < reserve) {
      throw new DiskFullError(`disk nearly full (${Math.round(free / 1024)} KB free, ${Math.round(reserve / 1024)} KB kept in reserve); refusing new uploads`);
    }
  }

  /** Small writes (cursors, marks, deliveries) may use the reserve, not its last bytes. */
  assertRoomForBookkeeping(): void {
    const { free } = this.space();
    if (free < BOOKKEEPING_BYTES) throw new DiskFullError(`disk full (${Math.round(free / 1024)} KB free)`);
  }
}
