// Device records: created on first contact, approved by DEVICE_SERIALS, an admin, or a relay's token.
import type { Config } from '../config.ts';
import type { Device } from '../db/generated/client.ts';
import { Prisma } from '../db/generated/client.ts';
import type { Logger } from 'pino';
import type { ChangeFeed, ChangeListener } from '../db/changes.ts';
import type { Db } from '../db/open.ts';
import type { DeviceEvent, IngestBus } from '../ingest/events.ts';
import { DeviceCache } from './device-cache.ts';
import { LastSeenBuffer } from './last-seen.ts';
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

/** The fields a contact may change besides its time; the same values again are no change. */
const CONTACT_FIELDS = ['ipAddress', 'relayName', 'pushVersion', 'language', 'deviceType', 'firmware'] as const;

/**
 * Device rows, cached per process: every change goes through here (or, by another writer, reaches here
 * as a notification, server/db/changes.ts), so a clock's poll reads none. Contact times are kept in
 * memory and written in batches (LastSeenBuffer).
 */
export class DeviceRegistry implements ChangeListener {
  private readonly cache: DeviceCache;
  readonly lastSeen: LastSeenBuffer;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly bus: IngestBus,
    changes: Pick<ChangeFeed, 'live'>,
    log: Logger,
  ) {
    this.cache = new DeviceCache(changes);
    this.lastSeen = new LastSeenBuffer({ db, log, everyMs: config.lastSeenFlushMs });
  }

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
   * `previousContact` the contact before this one (outage detection). A contact that changes nothing but
   * its time costs no SQL while the row is cached.
   */
  async touch(contact: Contact): Promise<{ device: Device; promoted: boolean; previousContact: Date | null }> {
    const configured = this.config.deviceSerials.includes(contact.sn);
    const vouched = contact.trusted || configured;
    const facts = Object.fromEntries(Object.entries(contact.facts ?? {}).filter(([, v]) => v)) as Contact['facts'];
    const seen = {
      ...(contact.ipAddress ? { ipAddress: contact.ipAddress } : {}),
      ...(contact.relayName ? { relayName: contact.relayName } : {}),
      ...facts,
    };
    const since = this.cache.mark();
    const before = await this.current(contact);
    const previousContact = before?.lastSeenAt ?? null;
    const promote = vouched && before?.state === 'pending';
    const unchanged = (Object.keys(seen) as (typeof CONTACT_FIELDS)[number][]).every((k) => before?.[k] === seen[k]);
    // A clock back from silence (DEVICE_OFFLINE_SECONDS) is written at once: alarms and other receivers see it.
    const recent = previousContact !== null && contact.at.getTime() - previousContact.getTime() < this.config.deviceOfflineSeconds * 1000;
    if (before && unchanged && !promote && !contact.handshake && recent) {
      if (before.lastSeenAt! < contact.at) before.lastSeenAt = contact.at;
      this.lastSeen.note(contact.sn, contact.at);
      return { device: before, promoted: false, previousContact };
    }
    if (!before && !vouched) await admitPending(this.db, this.config.pendingLimits, contact.ipAddress, contact.at);
    const written = { lastSeenAt: contact.at, ...(contact.handshake ? { lastHandshakeAt: contact.at } : {}), ...seen };
    const device = await this.db.device.upsert({
      where: { sn: contact.sn },
      create: { sn: contact.sn, state: vouched ? 'approved' : 'pending', createdAt: contact.at, ...written },
      update: { ...written, ...(promote ? { state: 'approved' } : {}) },
    });
    this.remember(device, since);
    if (!before || device.state !== before.state) this.bus.emit('device', deviceEvent(device));
    return { device, promoted: promote, previousContact };
  }

  /** The row as cached, else read (and cached); a cached row of a clock silent for a while is read again. */
  private async current(contact: Contact): Promise<Device | null> {
    const cached = this.cache.get(contact.sn);
    const fresh = cached?.lastSeenAt && contact.at.getTime() - cached.lastSeenAt.getTime() < this.config.deviceOfflineSeconds * 1000;
    if (cached && fresh) return cached;
    const since = this.cache.mark();
    const device = await this.db.device.findUnique({ where: { sn: contact.sn } });
    return device && this.remember(device, since);
  }

  /** A device by serial, from the cache when it can be trusted. */
  async find(sn: string): Promise<Device | null> {
    const cached = this.cache.get(sn);
    if (cached) return cached;
    const since = this.cache.mark();
    const device = await this.db.device.findUnique({ where: { sn } });
    return device && this.remember(device, since);
  }

  /** Every change to a device row's fields (names, zones, addresses, measured offsets) goes through here. */
  async update(sn: string, data: Prisma.DeviceUpdateInput): Promise<Device> {
    const since = this.cache.mark();
    try {
      return this.remember(await this.db.device.update({ where: { sn }, data }), since);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2025') throw new DeviceNotFound(sn);
      throw err;
    }
  }

  /** Keeps a row read or written after `since`, with the latest contact time this process knows. */
  private remember(device: Device, since: number): Device {
    const unwritten = this.lastSeen.unwritten(device.sn);
    if (unwritten && (!device.lastSeenAt || device.lastSeenAt < unwritten)) device.lastSeenAt = unwritten;
    else this.lastSeen.written(device.sn, device.lastSeenAt);
    this.cache.keep(device, since);
    return device;
  }

  /** Another writer (or this one, heard back) changed a row: "<sn> <updated_at in ms>", or "*" for all. */
  deviceChanged(payload: string): void {
    const [sn = '', stamp = ''] = payload.split(' ');
    if (sn !== '*') return this.cache.changed(sn, stamp);
    // TRUNCATE: the rows are gone, and with them what this process had not written yet.
    this.lastSeen.clear();
    this.cache.clear();
  }

  commandQueued(): void {}

  changesMissed(): void {
    this.cache.clear();
  }

  /** Merges the last cursor per table into the device's stamps (after a successful upload). */
  async recordStamps(sn: string, stamps: Record<string, string>): Promise<void> {
    if (Object.keys(stamps).length === 0) return;
    await this.db.$executeRaw`UPDATE devices SET stamps = stamps || ${JSON.stringify(stamps)}::jsonb WHERE sn = ${sn}`;
    this.cache.drop(sn);
  }

  /** Merges facts (INFO fields, pushed options) into the device's info. */
  async recordInfo(sn: string, info: Record<string, unknown>, firmware?: string): Promise<void> {
    // A clock that sends the same INFO on every poll writes nothing after the first.
    const cached = this.cache.get(sn);
    const held = (cached?.info ?? {}) as Record<string, unknown>;
    const same = cached && (!firmware || cached.firmware === firmware) && Object.entries(info).every(([k, v]) => JSON.stringify(held[k]) === JSON.stringify(v));
    if (same) return;
    await this.db.$executeRaw`UPDATE devices SET info = info || ${JSON.stringify(info)}::jsonb,
      firmware = COALESCE(${firmware ?? null}, firmware) WHERE sn = ${sn}`;
    this.cache.drop(sn);
  }

  async setState(sn: string, state: DeviceState): Promise<Device> {
    const device = await this.update(sn, { state });
    this.bus.emit('device', deviceEvent(device));
    return device;
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
