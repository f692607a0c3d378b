// Bounds the pending serials anyone can create: a loop of made-up handshakes must not flood the devices
// list or the live page. Past a limit the new serial is answered 503 and not recorded; a real clock
// keeps its data and tries again later.
import type { Config } from '../config.ts';
import type { Db } from '../db/open.ts';

const HOUR_MS = 3_600_000;

export class PendingLimitReached extends Error {}

/** Throws PendingLimitReached when one more pending device from this address would pass a limit. */
export async function admitPending(db: Db, limits: Config['pendingLimits'], address: string | undefined, at: Date): Promise<void> {
  const pending = await db.device.count({ where: { state: 'pending' } });
  if (pending >= limits.total) {
    throw new PendingLimitReached(`${pending} clocks already wait for approval (DEVICE_PENDING_MAX=${limits.total})`);
  }
  if (!address) return;
  const recent = await db.device.count({ where: { state: 'pending', ipAddress: address, createdAt: { gte: new Date(at.getTime() - HOUR_MS) } } });
  if (recent >= limits.perAddressPerHour) {
    throw new PendingLimitReached(`${recent} new serials from ${address} in the last hour (DEVICE_PENDING_PER_ADDRESS_HOUR=${limits.perAddressPerHour})`);
  }
}
