// The clock's TimeZone option is a fixed offset it reads at the handshake (protocol.md §8.3). When its
// zone's offset has changed since (a DST change, a new zone set by an admin), CHECK makes it read the new one.
import type { Logger } from 'pino';
import type { Device } from '../db/generated/client.ts';
import { zoneOffsetMinutes } from '../protocol/time.ts';
import type { CommandQueue } from './commands.ts';

/** A clock that does not handshake after CHECK is asked again at most once an hour. */
const RECHECK_AFTER_MS = 60 * 60 * 1000;

export async function checkAfterOffsetChange(
  deps: { commands: CommandQueue; log: Logger },
  device: Pick<Device, 'sn' | 'state' | 'lastHandshakeAt'>,
  zone: string,
  now: Date,
): Promise<boolean> {
  if (device.state !== 'approved' || !device.lastHandshakeAt) return false;
  const before = zoneOffsetMinutes(zone, device.lastHandshakeAt);
  const current = zoneOffsetMinutes(zone, now);
  if (before === current) return false;
  const command = await deps.commands.enqueueUnlessRecent(device.sn, 'CHECK', RECHECK_AFTER_MS);
  if (command) deps.log.info({ sn: device.sn, zone, before, current, commandId: command.id }, 'zone offset changed since the handshake; queued CHECK');
  return command !== null;
}

/** A zone an admin just chose reaches the clock only once it re-reads its options: CHECK (sent once approved). */
export async function checkAfterZoneChoice(
  commands: CommandQueue,
  device: Pick<Device, 'sn' | 'state' | 'timezone'>,
  previousZone: string | null,
): Promise<boolean> {
  if (!device.timezone || device.timezone === previousZone || device.state === 'rejected') return false;
  await commands.enqueueUnlessRecent(device.sn, 'CHECK', 0);
  return true;
}
