// Admin routes for devices: list with state, approve (ingests what was held) or reject, name and zone.
import { Router } from 'express';
import { z } from 'zod';
import { actorOf, recordAudit } from '../audit/audit-log.ts';
import type { Authenticator } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { Device } from '../db/generated/client.ts';
import { addressJson, type AddressWatch } from '../devices/address-watch.ts';
import type { Db } from '../db/open.ts';
import type { CommandQueue } from '../devices/commands.ts';
import type { EmployeeSync } from '../devices/employee-sync.ts';
import { heldPunchCount } from '../devices/held-punches.ts';
import { DeviceNotFound, type DeviceRegistry } from '../devices/registry.ts';
import type { Ingest } from '../ingest/process.ts';
import { isValidZone } from '../protocol/time.ts';

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

export function deviceJson(device: Device, now: Date, zone: string, counts?: { punches: number; held: number }, addressPinning = false) {
  return {
    sn: device.sn,
    name: device.name,
    timezone: zone,
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
    /** Seconds the clock is ahead (+) or behind (-), from real-time punches; null until measured. */
    drift_seconds: device.driftSeconds,
    counts,
  };
}

const patchSchema = z.strictObject({
  name: z.string().trim().max(100).nullable().optional(),
  timezone: z.string().refine(isValidZone, 'must be an IANA time zone such as Europe/Paris').optional(),
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
    return deviceJson(device, deps.clock.now(), deps.registry.zoneOf(device), { punches, held }, deps.addressPinning);
  };

  const decide = (state: 'approved' | 'rejected') => async (req: import('express').Request, res: import('express').Response) => {
    const sn = String(req.params.sn);
    const before = await deps.db.device.findUnique({ where: { sn } });
    let device = await deps.registry.setState(sn, state);
    await recordAudit(deps.db, actorOf(res), { action: state === 'approved' ? 'device.approve' : 'device.reject', entity: 'device', entityId: sn, before: before && { state: before.state }, after: { state } });
    // The address it was approved at is the one it is known by.
    if (state === 'approved') device = await deps.addresses.confirm(device);
    const applied = state === 'approved' ? await deps.ingest.applyHeld(device) : 0;
    // A clock approved now learns the current employees (serialised with the bus listener, which sees the same approval).
    if (state === 'approved') await deps.employees.syncAllTo(device.sn);
    const employees = state === 'approved' ? (await deps.commands.pendingStartingWith(device.sn, 'DATA UPDATE USERINFO ')).length : 0;
    res.json({ ...(await counted(device)), held_uploads_applied: applied, employee_updates_pending: employees });
  };

  router.get('/zkteco/api/devices', admin, async (_req, res) => {
    const devices = await deps.db.device.findMany({ orderBy: { sn: 'asc' } });
    res.json({ items: await Promise.all(devices.map(counted)) });
  });
  router.post('/zkteco/api/devices/:sn/approve', admin, decide('approved'));
  router.post('/zkteco/api/devices/:sn/reject', admin, decide('rejected'));
  router.post('/zkteco/api/devices/:sn/confirm-address', admin, async (req, res) => {
    const { address } = confirmSchema.parse(req.body ?? {});
    const existing = await deps.db.device.findUnique({ where: { sn: String(req.params.sn) } });
    if (!existing) throw new DeviceNotFound(String(req.params.sn));
    res.json(await counted(await deps.addresses.confirm(existing, address)));
  });
  router.patch('/zkteco/api/devices/:sn', admin, async (req, res) => {
    const patch = patchSchema.parse(req.body ?? {});
    const existing = await deps.db.device.findUnique({ where: { sn: String(req.params.sn) } });
    if (!existing) throw new DeviceNotFound(String(req.params.sn));
    const device = await deps.db.device.update({ where: { sn: existing.sn }, data: patch });
    const changed = (Object.keys(patch) as (keyof typeof patch)[]).filter((k) => patch[k] !== undefined && patch[k] !== existing[k]);
    if (changed.length > 0) {
      const pick = (d: Device) => Object.fromEntries(changed.map((k) => [k, d[k]]));
      await recordAudit(deps.db, actorOf(res), { action: changed.includes('timezone') ? 'device.zone' : 'device.update', entity: 'device', entityId: device.sn, before: pick(existing), after: pick(device) });
    }
    // The clock applies a new zone's offset only after it re-reads its options.
    if (patch.timezone && patch.timezone !== existing.timezone && device.state !== 'rejected') {
      await deps.commands.enqueueUnlessRecent(device.sn, 'CHECK', 0);
    }
    res.json(await counted(device));
  });
  return router;
}
