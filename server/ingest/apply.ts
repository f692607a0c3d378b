// Applies one journaled upload: punches, users, device facts, command results, and records the outcome on
// its journal row. A database failure throws, and the journal queue (process.ts) tries the upload again.
import type { Logger } from 'pino';
import type { Device, Upload } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import type { CommandQueue } from '../devices/commands.ts';
import type { DeviceRegistry } from '../devices/registry.ts';
import { parseAttlog, type AttlogParse, type RejectedLine } from '../protocol/attlog.ts';
import { printable } from '../protocol/fields.ts';
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

export interface Outcome {
  outcome: 'parsed' | 'partial' | 'ignored';
  linesTotal: number;
  linesTaken: number;
  errors: RejectedLine[] | { reason: string }[];
  /** Cursor to remember for the table (Stamp / OpStamp of the query). */
  stamp?: [string, string];
  /** Punches this apply stored that were not stored before. */
  punchesAdded: number;
}

const STAMP_PARAM: Record<string, string[]> = { ATTLOG: ['stamp'], OPERLOG: ['opstamp', 'stamp'], ATTPHOTO: ['photostamp', 'stamp'], BIODATA: ['stamp'] };

export class UploadApplier {
  constructor(private readonly deps: IngestDeps) {}

  /**
   * Applies one upload this process owns (just journaled, or claimed from the queue) and records its
   * outcome. Throws when the database fails: the row stays unapplied and the queue retries it.
   */
  async apply(upload: Upload, device: Device): Promise<Outcome> {
    const result = await this.dispatch(upload, device);
    await this.recordOutcome(upload, result);
    if (result.stamp) {
      // A lost cursor only costs a resend the dedup absorbs; the upload itself is stored.
      await this.deps.registry
        .recordStamps(device.sn, Object.fromEntries([result.stamp]))
        .catch((err: unknown) => this.deps.log.error({ err, sn: device.sn }, 'upload stored but its stamp was not recorded'));
    }
    if (result.errors.length > 0) {
      this.deps.log.warn({ sn: upload.sn, uploadId: String(upload.id), rejected: result.errors.length }, 'upload has lines that did not parse');
    }
    return result;
  }

  /** Parses and stores the punches of an ATTLOG or RTLOG upload again (reparse); null for other tables. */
  async reapplyPunches(upload: Upload, device: Device): Promise<Outcome | null> {
    if (!PUNCH_TABLES.has(upload.table) || iclockVerb(upload.path) === 'devicecmd') return null;
    const result = await this.dispatch(upload, device);
    await this.recordOutcome(upload, result);
    return result;
  }

  private async recordOutcome(upload: Upload, result: Outcome): Promise<void> {
    await this.deps.db.upload.update({
      where: { id: upload.id },
      data: {
        outcome: result.outcome,
        linesTotal: result.linesTotal,
        linesTaken: result.linesTaken,
        errors: result.errors as object[],
        parsedAt: this.deps.clock.now(),
        nextAttemptAt: null,
        lastError: null,
      },
    });
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
      return { outcome: 'parsed', linesTotal: results.length, linesTaken: results.length - unknown.length, errors: unknown.map((id) => ({ reason: `result for unknown command id ${printable(id)}` })), punchesAdded: 0 };
    }
    switch (upload.table) {
      case 'ATTLOG': {
        const parsed = parseAttlog(decodeDeviceText(body, 'latin1'));
        const added = await storePunches(this.deps.db, this.deps.bus, ctx, parsed.punches);
        return { ...punchOutcome(parsed, added.length), stamp };
      }
      case 'RTLOG': {
        const parsed = parseRtlog(decodeDeviceText(body));
        return punchOutcome(parsed, (await storePunches(this.deps.db, this.deps.bus, ctx, parsed.punches)).length);
      }
      case 'OPERLOG': {
        const parsed = parseOperlog(body);
        await storeDeviceUsers(this.deps, device.sn, parsed.users);
        return { outcome: parsed.rejected.length ? 'partial' : 'parsed', linesTotal: parsed.lines, linesTaken: parsed.lines - parsed.rejected.length, errors: parsed.rejected, stamp, punchesAdded: 0 };
      }
      case 'OPTIONS': {
        const options = parseOptionsLine(decodeDeviceText(body));
        await this.deps.registry.recordInfo(device.sn, { options }, options.FWVersion);
        return { outcome: 'parsed', linesTotal: 1, linesTaken: 1, errors: [], punchesAdded: 0 };
      }
      default:
        return { outcome: 'ignored', linesTotal: 0, linesTaken: 0, errors: [], stamp, punchesAdded: 0 };
    }
  }
}

const PUNCH_TABLES = new Set(['ATTLOG', 'RTLOG']);

function punchOutcome(parsed: AttlogParse, added: number): Outcome {
  return { outcome: parsed.rejected.length ? 'partial' : 'parsed', linesTotal: parsed.lines, linesTaken: parsed.punches.length, errors: parsed.rejected, punchesAdded: added };
}
