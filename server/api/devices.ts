// Admin routes for devices: list with state, approve (ingests what was held) or reject, name and zone.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { actorOf, recordAudit } from '../audit/audit-log.ts';
import { API_DEVICE_SN } from './api-devices.ts';
import type { Authenticator } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { Device } from '../db/generated/client.ts';
import { addressJson, type AddressWatch } from '../devices/address-watch.ts';
import type { Db } from '../db/open.ts';
import { formatOffset, zoneMismatch } from '../devices/clock-offset.ts';
import type { CommandQueue } from '../devices/commands.ts';
import type { EmployeeSync } from '../devices/employee-sync.ts';
import { heldPunchCount } from '../devices/held-punches.ts';
import { reinterpretPunches } from '../devices/reinterpret.ts';
import { DeviceNotFound, type DeviceRegistry } from '../devices/registry.ts';
import { checkAfterZoneChoice } from '../devices/zone-offset-watch.ts';
import type { Ingest } from '../ingest/process.ts';
import { isValidZone } from '../protocol/time.ts';
import { deviceLocalTime } from './commands.ts';

export interface DeviceRouteDeps {
  db: Db;
  auth: Authenticator;
  registry: DeviceRegistry;
  ingest: Ingest;
  employees: EmployeeSync;
  commands: CommandQueue;
  addresses: AddressWatch;
  addressPinning: boolean;
  clock: Clock;
}

/** Online while contact is recent: max(60 s, 3 × Delay of 10 s) (protocol.md §7). */
export const ONLINE_WINDOW_MS = 60_000;

/** The zone a device's punches are read in, and who chose it (`server`: nobody; the clock is told none). */
export interface DeviceZone {
  zone: string;
  source: 'device' | 'DEVICE_TIMEZONE' | 'server';
}

export function deviceZone(registry: DeviceRegistry, device: Pick<Device, 'timezone'>): DeviceZone {
  const source = device.timezone ? 'device' : registry.chosenZoneOf(device) ? 'DEVICE_TIMEZONE' : 'server';
  return { zone: registry.zoneOf(device), source };
}

export function deviceJson(device: Device, now: Date, zone: DeviceZone, counts?: { punches: number; held: number }, addressPinning = false) {
  return {
    sn: device.sn,
    name: device.name,
    timezone: zone.zone,
    timezone_source: zone.source,
    state: device.state,
    online: device.lastSeenAt ? now.getTime() - device.lastSeenAt.getTime() < ONLINE_WINDOW_MS : false,
    last_seen: device.lastSeenAt?.toISOString() ?? null,
    firmware: device.firmware,
    push_version: device.pushVersion,
    ip_address: device.ipAddress,
    /** The address remembered for the clock, and a change seen since (flagged until an admin confirms). */
    address: addressJson(device, addressPinning),
    /** The relay that reported this clock (its RELAY_NAME); null for a clock that pushes directly. */
    relay: device.relayName,
    stamps: device.stamps,
    /** Seconds the clock is ahead (+) or behind (-) of the offset it shows, from real-time punches; null until measured. */
    drift_seconds: device.driftSeconds,
    /** UTC offset the clock shows (`+01:00`), from real-time punches; null until measured. */
    observed_offset: device.clockOffsetMinutes === null ? null : formatOffset(device.clockOffsetMinutes),
    zone_mismatch: zoneMismatch(device, zone.zone),
    /** The serial API punches without a clock are filed under: not a clock (the clocks page leaves it out). */
    pseudo: device.sn === API_DEVICE_SN,
    counts,
  };
}

const zoneSchema = z.string().refine(isValidZone, 'must be an IANA time zone such as Europe/Paris');
const nameSchema = z.string().trim().max(100).nullable();
const approveSchema = z.strictObject({ name: nameSchema.optional(), timezone: zoneSchema.optional() });
const patchSchema = z
  .strictObject({ name: nameSchema.optional(), timezone: zoneSchema.optional(), reinterpret_from: deviceLocalTime(false).optional() })
  .refine((p) => !p.reinterpret_from || p.timezone, { message: 'needs timezone: the zone to read the punches in', path: ['reinterpret_from'] });

type DeviceField = 'state' | 'name' | 'timezone';
const keysOf = (fields: Partial<Record<DeviceField, unknown>>) => (Object.keys(fields) as DeviceField[]).filter((k) => fields[k] !== undefined);
/** The audit's before and after: only the fields a request set. */
const changeOf = (before: Device, after: Device, fields: readonly DeviceField[]) => ({
  before: Object.fromEntries(fields.map((k) => [k, before[k]])),
  after: Object.fromEntries(fields.map((k) => [k, after[k]])),
});

const confirmSchema = z.object({ address: z.string().trim().min(1).max(100).optional() }).strict();

export function deviceRoutes(deps: DeviceRouteDeps): Router {
  const router = Router();
  const admin = deps.auth.require('admin');

  const counted = async (device: Device) => {
    const [punches, held] = await Promise.all([
      deps.db.punch.count({ where: { deviceSn: device.sn } }),
      heldPunchCount(deps.db, device.sn),
    ]);
    return deviceJson(device, deps.clock.now(), deviceZone(deps.registry, device), { punches, held }, deps.addressPinning);
  };
  const existing = async (sn: string) => {
    const device = await deps.db.device.findUnique({ where: { sn } });
    if (!device) throw new DeviceNotFound(sn);
    return device;
  };

  router.get('/zkteco/api/devices', admin, async (_req, res) => {
    // Contact times kept in memory are written first: the list shows what this receiver heard.
    await deps.registry.lastSeen.flush();
    const devices = await deps.db.device.findMany({ orderBy: { sn: 'asc' } });
    res.json({ items: await Promise.all(devices.map(counted)) });
  });

  router.post('/zkteco/api/devices/:sn/approve', admin, async (req: Request, res: Response) => {
    const choice = approveSchema.parse(req.body ?? {});
    const before = await existing(String(req.params.sn));
    // Name and zone first: what was held is then read in the zone in force, the one given here.
    if (Object.keys(choice).length > 0) await deps.registry.update(before.sn, choice);
    let device = await deps.registry.setState(before.sn, 'approved');
    await recordAudit(deps.db, actorOf(res), { action: 'device.approve', entity: 'device', entityId: device.sn, ...changeOf(before, device, ['state', ...keysOf(choice)]) });
    // The address it was approved at is the one it is known by.
    device = await deps.addresses.confirm(device);
    await checkAfterZoneChoice(deps.commands, device, before.timezone);
    const applied = await deps.ingest.applyHeld(device);
    // A clock approved now learns the current employees (serialised with the bus listener, which sees the same approval).
    await deps.employees.syncAllTo(device.sn);
    const employees = (await deps.commands.pendingStartingWith(device.sn, 'DATA UPDATE USERINFO ')).length;
    res.json({ ...(await counted(device)), held_uploads_applied: applied, employee_updates_pending: employees });
  });

  router.post('/zkteco/api/devices/:sn/reject', admin, async (req, res) => {
    const before = await existing(String(req.params.sn));
    const device = await deps.registry.setState(before.sn, 'rejected');
    await recordAudit(deps.db, actorOf(res), { action: 'device.reject', entity: 'device', entityId: device.sn, ...changeOf(before, device, ['state']) });
    res.json({ ...(await counted(device)), held_uploads_applied: 0, employee_updates_pending: 0 });
  });
  router.post('/zkteco/api/devices/:sn/confirm-address', admin, async (req, res) => {
    const { address } = confirmSchema.parse(req.body ?? {});
    const existing = await deps.db.device.findUnique({ where: { sn: String(req.params.sn) } });
    if (!existing) throw new DeviceNotFound(String(req.params.sn));
    res.json(await counted(await deps.addresses.confirm(existing, address)));
  });
  router.patch('/zkteco/api/devices/:sn', admin, async (req, res) => {
    const { reinterpret_from: from, ...patch } = patchSchema.parse(req.body ?? {});
    const before = await existing(String(req.params.sn));
    const device = await deps.registry.update(before.sn, patch);
    await checkAfterZoneChoice(deps.commands, device, before.timezone);
    const reinterpreted = from ? await reinterpretPunches(deps.db, device.sn, from, patch.timezone!) : undefined;
    const changed = keysOf(patch).filter((k) => (patch as Partial<Record<DeviceField, unknown>>)[k] !== before[k]);
    if (changed.length > 0 || from) {
      const change = changeOf(before, device, changed);
      await recordAudit(deps.db, actorOf(res), {
        action: changed.includes('timezone') || from ? 'device.zone' : 'device.update',
        entity: 'device',
        entityId: device.sn,
        before: change.before,
        after: from ? { ...change.after, reinterpreted_from: from, reinterpreted } : change.after,
      });
    }
    res.json({ ...(await counted(device)), ...(from ? { reinterpreted_from: from, reinterpreted } : {}) });
  });
  return router;
}
