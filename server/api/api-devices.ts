// Which device an API punch belongs to. Without device_sn it is the shop's only approved clock, so the
// seed relay's punches and the clock's own uploads of the same punch are one row; else the "API" device.
import type { Config } from '../config.ts';
import type { Db } from '../db/open.ts';
import type { DeviceRegistry } from '../devices/registry.ts';

export const API_DEVICE_SN = 'API';

/**
 * The device and zone of each API punch. A serial the receiver does not know is created pending (or
 * approved when DEVICE_SERIALS names it): an API caller, even a staff JWT, approves nothing for direct push.
 */
export async function resolveApiDevices(
  deps: { db: Db; registry: DeviceRegistry; config: Pick<Config, 'deviceSerials'> },
  serials: readonly (string | undefined)[],
): Promise<{ sn: string; zone: string }[]> {
  let fallback: string | undefined;
  if (serials.some((s) => !s)) {
    const approved = await deps.db.device.findMany({ where: { state: 'approved', sn: { not: API_DEVICE_SN } }, select: { sn: true }, take: 2 });
    fallback = approved.length === 1 ? approved[0]!.sn : API_DEVICE_SN;
  }
  const wanted = [...new Set(serials.map((s) => s ?? fallback!))];
  const zones = new Map<string, string>();
  for (const sn of wanted) {
    // The API pseudo-device is never a clock: a clock pushing with its serial is ignored (iclock routes).
    const state = sn === API_DEVICE_SN || deps.config.deviceSerials.includes(sn) ? 'approved' : 'pending';
    const device = await deps.db.device.upsert({
      where: { sn },
      create: { sn, state, ...(sn === API_DEVICE_SN ? { name: 'Punches sent through the API' } : {}) },
      update: {},
    });
    zones.set(sn, deps.registry.zoneOf(device));
  }
  return serials.map((s) => {
    const sn = s ?? fallback!;
    return { sn, zone: zones.get(sn)! };
  });
}
