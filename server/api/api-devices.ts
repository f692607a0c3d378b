// Which device an API punch belongs to. Without device_sn it is the shop's only approved clock, so the
// seed relay's punches and the clock's own uploads of the same punch are one row; else the "API" device.
import type { Db } from '../db/open.ts';
import type { DeviceRegistry } from '../devices/registry.ts';

export const API_DEVICE_SN = 'API';

export async function resolveApiDevices(
  deps: { db: Db; registry: DeviceRegistry },
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
    // A caller with a token vouches for the serial it names: the device exists and is approved from now on.
    const device = await deps.db.device.upsert({
      where: { sn },
      create: { sn, state: 'approved', ...(sn === API_DEVICE_SN ? { name: 'Punches sent through the API' } : {}) },
      update: {},
    });
    zones.set(sn, deps.registry.zoneOf(device));
  }
  return serials.map((s) => {
    const sn = s ?? fallback!;
    return { sn, zone: zones.get(sn)! };
  });
}
