// Device records: created on first contact, approved by DEVICE_SERIALS, an admin, or a relay's token.
import type { Config } from '../config.ts';
import type { Device } from '../db/generated/client.ts';
import { Prisma } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import type { DeviceEvent, IngestBus } from '../ingest/events.ts';
import { admitPending } from './pending-limit.ts';

export type DeviceState = 'approved' | 'pending' | 'rejected';

export interface Contact {
  sn: string;
  at: Date;
  /** A relay's valid token vouched for this serial (it is on that relay's list). */
  trusted: boolean;
  /** The relay that forwarded the request (whether or not it vouched for the serial). */
  relayName?: string | undefined;
  ipAddress?: string | undefined;
  facts?: Partial<Pick<Device, 'pushVersion' | 'language' | 'deviceType' | 'firmware'>>;
  handshake?: boolean;
}

export function deviceEvent(device: Device): DeviceEvent {
  return { sn: device.sn, state: device.state, lastSeenAt: device.lastSeenAt?.toISOString() ?? null };
}

export class DeviceRegistry {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly bus: IngestBus,
  ) {}

  /** The zone a clock's punches are read in: its own, else DEVICE_TIMEZONE, else the server's. */
  zoneOf(device: Pick<Device, 'timezone'>): string {
    return device.timezone ?? this.config.deviceTimezone;
  }

  /** The zone someone chose (an admin, at approval or later, or DEVICE_TIMEZONE); null: the clock may not be told one. */
  chosenZoneOf(device: Pick<Device, 'timezone'>): string | null {
    return device.timezone ?? (this.config.deviceTimezoneSet ? this.config.deviceTimezone : null);
  }

  /**
   * Records contact from a device (creating it on first sight); `promoted` when this contact approved it,
   * `previousContact` the contact before this one (outage detection).
   */
  async touch(contact: Contact): Promise<{ device: Device; promoted: boolean; previousContact: Date | null }> {
    const configured = this.config.deviceSerials.includes(contact.sn);
    const facts = Object.fromEntries(Object.entries(contact.facts ?? {}).filter(([, v]) => v)) as Contact['facts'];
    const seen = {
      lastSeenAt: contact.at,
      ...(contact.ipAddress ? { ipAddress: contact.ipAddress } : {}),
      ...(contact.relayName ? { relayName: contact.relayName } : {}),
      ...(contact.handshake ? { lastHandshakeAt: contact.at } : {}),
      ...facts,
    };
    const before = await this.db.device.findUnique({ where: { sn: contact.sn }, select: { state: true, lastSeenAt: true } });
    const promote = (contact.trusted || configured) && before?.state === 'pending';
    const vouched = contact.trusted || configured;
    if (!before && !vouched) await admitPending(this.db, this.config.pendingLimits, contact.ipAddress, contact.at);
    const device = await this.db.device.upsert({
      where: { sn: contact.sn },
      create: { sn: contact.sn, state: vouched ? 'approved' : 'pending', createdAt: contact.at, ...seen },
      update: { ...seen, ...(promote ? { state: 'approved' } : {}) },
    });
    if (!before || device.state !== before.state) this.bus.emit('device', deviceEvent(device));
    return { device, promoted: promote, previousContact: before?.lastSeenAt ?? null };
  }

  /** Merges the last cursor per table into the device's stamps (after a successful upload). */
  async recordStamps(sn: string, stamps: Record<string, string>): Promise<void> {
    if (Object.keys(stamps).length === 0) return;
    await this.db.$executeRaw`UPDATE devices SET stamps = stamps || ${JSON.stringify(stamps)}::jsonb WHERE sn = ${sn}`;
  }

  /** Merges facts (INFO fields, pushed options) into the device's info. */
  async recordInfo(sn: string, info: Record<string, unknown>, firmware?: string): Promise<void> {
    await this.db.$executeRaw`UPDATE devices SET info = info || ${JSON.stringify(info)}::jsonb,
      firmware = COALESCE(${firmware ?? null}, firmware) WHERE sn = ${sn}`;
  }

  async setState(sn: string, state: DeviceState): Promise<Device> {
    try {
      const device = await this.db.device.update({ where: { sn }, data: { state } });
      this.bus.emit('device', deviceEvent(device));
      return device;
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2025') throw new DeviceNotFound(sn);
      throw err;
    }
  }
}

export class DeviceNotFound extends Error {
  constructor(readonly sn: string) {
    super(`Unknown device ${sn}`);
  }
}

/** A serial that is no clock (the API's pseudo-device): it never polls, so nothing may be queued for it. */
export class NotAClock extends Error {
  constructor(readonly sn: string) {
    super(`${sn} is not a clock (it holds the punches sent through the API): it takes no commands and has no log to recover`);
  }
}

/** A rejected clock never polls, so nothing may be queued for it. */
export class DeviceRejected extends Error {
  constructor(readonly sn: string) {
    super(`Device ${sn} is rejected; approve it first`);
  }
}
