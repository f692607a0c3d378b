// How many punches a pending clock's held uploads carry: they are parsed only once it is approved, so
// the count is read from the journal (a punch sent twice counts once, as it will be stored once).
import type { Db } from '../db/open.ts';
import { parseAttlog } from '../protocol/attlog.ts';
import { decodeDeviceText } from '../protocol/decode.ts';
import { parseRtlog } from '../protocol/rtlog.ts';

export async function heldPunchCount(db: Db, sn: string): Promise<number> {
  const held = await db.upload.findMany({ where: { sn, outcome: 'held', table: { in: ['ATTLOG', 'RTLOG'] } }, select: { table: true, body: true } });
  const keys = new Set<string>();
  for (const upload of held) {
    const body = Buffer.from(upload.body);
    const parsed = upload.table === 'ATTLOG' ? parseAttlog(decodeDeviceText(body, 'latin1')) : parseRtlog(decodeDeviceText(body));
    for (const punch of parsed.punches) keys.add(`${punch.pin}\u0000${punch.localTime}`);
  }
  return keys.size;
}
