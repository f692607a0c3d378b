// What the relay remembers per clock so it can answer a handshake on its own while the receiver is away:
// the receiver's last options block, and the last cursor (Stamp) the clock sent per table.
import { deviceOptionsReply, type DeviceQuery } from '../server/protocol/index.ts';
import type { DiskGuard } from './disk.ts';
import { committed, type DeviceMemory, type RelayStore } from './store.ts';

/** The query name that carries each table's cursor (protocol.md §4.3); OPERLOG also uses Stamp on some firmware. */
const STAMP_PARAMS: Readonly<Record<string, readonly string[]>> = {
  ATTLOG: ['stamp'],
  OPERLOG: ['opstamp', 'stamp'],
  ATTPHOTO: ['photostamp', 'stamp'],
  BIODATA: ['stamp'],
};

export class DeviceMemories {
  constructor(
    private readonly store: RelayStore,
    private readonly disk: DiskGuard,
  ) {}

  private get(sn: string): DeviceMemory {
    return this.store.devices.get(sn) ?? { stamps: {} };
  }

  /**
   * Remembers the cursor an upload carried. Called in the same tick as the upload's append, so both land
   * in one commit; best effort (never rejects): it only shapes a fallback handshake.
   */
  async noteUpload(sn: string, table: string, query: DeviceQuery): Promise<void> {
    const names = STAMP_PARAMS[table];
    const stamp = names?.map((name) => query.get(name)).find((value) => value);
    if (!sn || !stamp) return;
    const memory = this.get(sn);
    if (memory.stamps[table] === stamp) return;
    try {
      this.disk.assertRoomForBookkeeping();
    } catch {
      return;
    }
    await committed(this.store.devices.put(sn, { ...memory, stamps: { ...memory.stamps, [table]: stamp } })).catch(() => undefined);
  }

  /** Keeps the receiver's options block for this clock (the caller checked it is one). */
  async rememberOptions(sn: string, block: string, at: Date): Promise<void> {
    if (!sn) return;
    const memory = this.get(sn);
    if (memory.options === block) return;
    this.disk.assertRoomForBookkeeping();
    await committed(this.store.devices.put(sn, { ...memory, options: block, optionsAt: at.toISOString() }));
  }

  /**
   * The handshake answer when the receiver cannot be reached: its last block for this clock, else our own
   * block without a TimeZone (a clock is told only a zone chosen for it on the receiver). Either way the cursors are the ones this clock last sent (the
   * relay holds those uploads, even if the receiver has not seen them yet), and a table without a known
   * cursor gets no Stamp line: `Stamp=None` (the seed's block) asks the clock to resend its whole log,
   * while a missing line leaves the clock's own cursor as it is.
   */
  fallbackOptions(sn: string): { block: string; source: 'kept' | 'default' } {
    const memory = this.get(sn);
    const block = memory.options ?? deviceOptionsReply({ sn, stamps: {}, offsetMinutes: null });
    return { block: withClockStamps(block, memory.stamps), source: memory.options ? 'kept' : 'default' };
  }
}

/** Stamp line prefixes and their tables, including the PUSH 1.0 names (`Stamp`, `OpStamp`, `PhotoStamp`). */
const STAMP_LINE_TABLES: Readonly<Record<string, string>> = { '': 'ATTLOG', OP: 'OPERLOG', PHOTO: 'ATTPHOTO' };

function withClockStamps(block: string, stamps: Readonly<Record<string, string>>): string {
  return block
    .split('\n')
    .flatMap((line) => {
      const m = /^(\w*?)Stamp=(.*?)\r?$/i.exec(line);
      if (!m) return [line];
      const prefix = m[1]!.toUpperCase();
      const known = stamps[STAMP_LINE_TABLES[prefix] ?? prefix];
      if (known) return [`${m[1]}Stamp=${known}`];
      return m[2]!.trim().toLowerCase() === 'none' ? [] : [line];
    })
    .join('\n');
}
