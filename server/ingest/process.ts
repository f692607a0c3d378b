// Reads a journaled upload and applies it: punches, users, device facts, command results. Runs after the
// upload is durable; a failure here leaves the upload journaled as `failed`, ready to be re-parsed.
import type { Logger } from 'pino';
import type { Device, Upload } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import type { CommandQueue } from '../devices/commands.ts';
import type { DeviceRegistry } from '../devices/registry.ts';
import { parseAttlog, type RejectedLine } from '../protocol/attlog.ts';
import { decodeDeviceText } from '../protocol/decode.ts';
import { parseOptionsLine } from '../protocol/device-facts.ts';
import { parseCommandResults } from '../protocol/devicecmd.ts';
import { parseOperlog } from '../protocol/operlog.ts';
import { iclockVerb, readDeviceQuery } from '../protocol/request.ts';
import type { Clock } from '../clock.ts';
import { storeDeviceUsers } from './employees.ts';
import type { IngestBus } from './events.ts';
import { storePunches } from './punches.ts';
import { parseRtlog } from '../protocol/rtlog.ts';

export interface IngestDeps {
  db: Db;
  bus: IngestBus;
  registry: DeviceRegistry;
  commands: CommandQueue;
  clock: Clock;
  log: Logger;
}

interface Outcome {
  outcome: 'parsed' | 'partial' | 'failed' | 'ignored';
  linesTotal: number;
  linesTaken: number;
  errors: RejectedLine[] | { reason: string }[];
  /** Cursor to remember for the table (Stamp / OpStamp of the query). */
  stamp?: [string, string];
}

const STAMP_PARAM: Record<string, string[]> = { ATTLOG: ['stamp'], OPERLOG: ['opstamp', 'stamp'], ATTPHOTO: ['photostamp', 'stamp'], BIODATA: ['stamp'] };

export class Ingest {
  constructor(private readonly deps: IngestDeps) {}

  /** Applies one journaled upload and records its outcome on the journal row. */
  async apply(upload: Upload, device: Device): Promise<Outcome> {
    let result: Outcome;
    try {
      result = await this.dispatch(upload, device);
    } catch (err) {
      this.deps.log.error({ err, sn: upload.sn, uploadId: String(upload.id) }, 'upload journaled but not applied; kept for re-parse');
      result = { outcome: 'failed', linesTotal: 0, linesTaken: 0, errors: [{ reason: String(err) }] };
    }
    await this.recordOutcome(upload, result);
    if (result.stamp && result.outcome !== 'failed') {
      // A lost cursor only costs a resend the dedup absorbs; the upload itself is stored.
      await this.deps.registry
        .recordStamps(device.sn, Object.fromEntries([result.stamp]))
        .catch((err: unknown) => this.deps.log.error({ err, sn: device.sn }, 'upload stored but its stamp was not recorded'));
    }
    if (result.errors.length > 0 && result.outcome !== 'failed') {
      this.deps.log.warn({ sn: upload.sn, uploadId: String(upload.id), rejected: result.errors.length }, 'upload has lines that did not parse');
    }
    return result;
  }

  /** Never throws: the upload is durable already, and the device must hear OK for it. */
  private async recordOutcome(upload: Upload, result: Outcome): Promise<void> {
    const data = { outcome: result.outcome, linesTotal: result.linesTotal, linesTaken: result.linesTaken, parsedAt: this.deps.clock.now() };
    try {
      await this.deps.db.upload.update({ where: { id: upload.id }, data: { ...data, errors: result.errors as object[] } });
    } catch (err) {
      this.deps.log.error({ err, uploadId: String(upload.id) }, 'could not record the parse report of an upload');
      await this.deps.db.upload
        .update({ where: { id: upload.id }, data: { ...data, errors: [{ reason: 'parse report could not be stored' }] } })
        .catch(() => undefined);
    }
  }

  /** Applies the uploads held for a device until it was approved, oldest first. */
  async applyHeld(device: Device): Promise<number> {
    return this.applyWhere(device, 'held');
  }

  /** Applies uploads journaled but never applied (the process stopped in between). */
  async applyUnfinished(): Promise<number> {
    const sns = await this.deps.db.upload.findMany({ where: { outcome: 'received' }, distinct: ['sn'], select: { sn: true } });
    let count = 0;
    for (const { sn } of sns) {
      const device = await this.deps.db.device.findUnique({ where: { sn } });
      if (device?.state === 'approved') count += await this.applyWhere(device, 'received');
    }
    return count;
  }

  private async applyWhere(device: Device, outcome: 'held' | 'received'): Promise<number> {
    let count = 0;
    for (;;) {
      const batch = await this.deps.db.upload.findMany({ where: { sn: device.sn, outcome }, orderBy: { id: 'asc' }, take: 50 });
      for (const upload of batch) await this.apply(upload, device);
      count += batch.length;
      if (batch.length < 50) return count;
    }
  }

  private async dispatch(upload: Upload, device: Device): Promise<Outcome> {
    const query = readDeviceQuery(upload.query);
    const stampParam = STAMP_PARAM[upload.table]?.map((name) => query.get(name)).find(Boolean);
    const stamp: [string, string] | undefined = stampParam ? [upload.table, stampParam] : undefined;
    const body = Buffer.from(upload.body);
    const source = upload.via === 'relay' ? 'relay' : 'device';
    const ctx = { deviceSn: device.sn, zone: this.deps.registry.zoneOf(device), source, uploadId: upload.id, receivedAt: upload.receivedAt } as const;

    if (iclockVerb(upload.path) === 'devicecmd') {
      const results = parseCommandResults(decodeDeviceText(body));
      const { unknown } = await this.deps.commands.recordResults(device.sn, results, this.deps.clock.now());
      const info = results.find((r) => r.cmd.toUpperCase() === 'INFO' && Object.keys(r.extra).length > 0);
      if (info) await this.deps.registry.recordInfo(device.sn, { options: info.extra }, info.extra.FWVersion);
      return { outcome: 'parsed', linesTotal: results.length, linesTaken: results.length - unknown.length, errors: unknown.map((id) => ({ reason: `result for unknown command id ${id}` })) };
    }
    switch (upload.table) {
      case 'ATTLOG': {
        const parsed = parseAttlog(decodeDeviceText(body, 'latin1'));
        await storePunches(this.deps.db, this.deps.bus, ctx, parsed.punches);
        return { outcome: parsed.rejected.length ? 'partial' : 'parsed', linesTotal: parsed.lines, linesTaken: parsed.punches.length, errors: parsed.rejected, stamp };
      }
      case 'RTLOG': {
        const parsed = parseRtlog(decodeDeviceText(body));
        await storePunches(this.deps.db, this.deps.bus, ctx, parsed.punches);
        return { outcome: parsed.rejected.length ? 'partial' : 'parsed', linesTotal: parsed.lines, linesTaken: parsed.punches.length, errors: parsed.rejected };
      }
      case 'OPERLOG': {
        const parsed = parseOperlog(body);
        await storeDeviceUsers(this.deps, device.sn, parsed.users);
        return { outcome: parsed.rejected.length ? 'partial' : 'parsed', linesTotal: parsed.lines, linesTaken: parsed.lines - parsed.rejected.length, errors: parsed.rejected, stamp };
      }
      case 'OPTIONS': {
        const options = parseOptionsLine(decodeDeviceText(body));
        await this.deps.registry.recordInfo(device.sn, { options }, options.FWVersion);
        return { outcome: 'parsed', linesTotal: 1, linesTaken: 1, errors: [] };
      }
      default:
        return { outcome: 'ignored', linesTotal: 0, linesTaken: 0, errors: [], stamp };
    }
  }
}
