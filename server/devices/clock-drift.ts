// Clock drift (protocol.md §8.3): a real-time punch arrives seconds after it was made, so the gap between
// its device-local time and its arrival shows the UTC offset the clock shows and how far it is off.
// Backlog batches and query answers are left out; of the last few real-time punches the closest counts.
import type { Logger } from 'pino';
import type { Db } from '../db/open.ts';
import type { IngestBus, PunchEvent } from '../ingest/events.ts';
import { SET_TIME_COMMAND } from './command-policy.ts';
import { zoneOffsetMinutes } from '../protocol/time.ts';
import { formatOffset, readClockOffset, shownOffsetSeconds, zoneMismatch } from './clock-offset.ts';
import type { CommandQueue } from './commands.ts';
import type { DeviceRegistry } from './registry.ts';

/** A clock off by more than this gets a set-time command. */
export const DRIFT_LIMIT_S = 60;
/** Punches that measure the drift, and how many must agree before we act. */
const SAMPLES = 5;
const SAMPLES_TO_ACT = 3;
/** An upload of more than this many punches is a backlog, not real time. */
const REALTIME_UPLOAD_MAX_PUNCHES = 3;
const RESEND_SET_TIME_AFTER_MS = 60 * 60 * 1000;

export interface DriftDeps {
  db: Db;
  bus: IngestBus;
  commands: CommandQueue;
  registry: DeviceRegistry;
  log: Logger;
  /** false: only warn in the log (commands disabled). */
  correct?: boolean;
}

export class ClockDriftMonitor {
  private work: Promise<unknown> = Promise.resolve();
  /** Seconds each recent real-time punch arrived after its device time, newest last, per clock. */
  private readonly samples = new Map<string, number[]>();

  constructor(private readonly deps: DriftDeps) {
    deps.bus.on('punches', (punches) => this.onPunches(punches));
  }

  /** Resolves when every measurement started so far has finished (tests, shutdown). */
  settled(): Promise<void> {
    return this.work.then(() => undefined);
  }

  private onPunches(punches: readonly PunchEvent[]): void {
    const byClock = new Map<string, PunchEvent[]>();
    for (const p of punches) {
      if (p.source === 'api') continue;
      // Pushed in place: copying the list per punch made a 50,000-line upload cost minutes (quadratic).
      const mine = byClock.get(p.deviceSn);
      if (mine) mine.push(p);
      else byClock.set(p.deviceSn, [p]);
    }
    for (const [sn, mine] of byClock) {
      if (mine.length > REALTIME_UPLOAD_MAX_PUNCHES) continue;
      this.work = this.work
        .then(() => this.measure(sn, mine))
        .catch((err: unknown) => this.deps.log.error({ err, sn }, 'clock drift not measured'));
    }
  }

  /**
   * Adds real-time punches to a clock's samples; stores the offset it shows and its drift (+ when ahead),
   * and returns the drift. A clock is set right only in a zone someone chose, and only when it shows it.
   */
  async measure(sn: string, punches: readonly PunchEvent[]): Promise<number | null> {
    if (await this.answersAQuery(punches[0]!)) return null;
    const device = await this.deps.registry.find(sn);
    if (!device) return null;
    const shown = punches.map((p) => shownOffsetSeconds(p.localTime, new Date(p.receivedAt)));
    const samples = [...(this.samples.get(sn) ?? []), ...shown].slice(-SAMPLES);
    this.samples.set(sn, samples);
    const at = new Date(punches.at(-1)!.receivedAt);
    const zone = this.deps.registry.zoneOf(device);
    const reading = readClockOffset(samples, zoneOffsetMinutes(zone, at));
    const measured = { driftSeconds: reading.driftSeconds, clockOffsetMinutes: reading.offsetMinutes, clockOffsetAt: at };
    await this.deps.registry.update(sn, measured);
    const log = this.deps.log.child({ sn, driftSeconds: reading.driftSeconds });
    if (zoneMismatch(measured, zone) && !zoneMismatch(device, zone)) {
      log.warn({ zone, shows: formatOffset(reading.offsetMinutes) }, 'clock shows another UTC offset than its zone; set its zone (PATCH /zkteco/api/devices/:sn)');
    }
    if (Math.abs(reading.driftSeconds) > DRIFT_LIMIT_S && samples.length >= SAMPLES_TO_ACT) {
      if (this.deps.registry.chosenZoneOf(device) && !zoneMismatch(measured, zone)) await this.correct(sn, log);
      else log.warn('clock is off by more than a minute; it is not set from here until its zone is chosen and it shows that zone');
    }
    return reading.driftSeconds;
  }

  /** Punches re-sent for DATA QUERY ATTLOG (CmdId= in the upload) are old by design. */
  private async answersAQuery(punch: PunchEvent): Promise<boolean> {
    const rows = await this.deps.db.$queryRaw<{ query: string }[]>`
      SELECT u.query FROM punches p JOIN uploads u ON u.id = p.upload_id WHERE p.id = ${BigInt(punch.id)}`;
    return rows.some((r) => /(^|&)\s*cmdid\s*=/i.test(r.query));
  }

  private async correct(sn: string, log: Logger): Promise<void> {
    if (this.deps.correct === false) {
      log.warn('clock is off by more than a minute; commands are disabled, set its time by hand');
      return;
    }
    const command = await this.deps.commands.enqueueUnlessRecent(sn, SET_TIME_COMMAND, RESEND_SET_TIME_AFTER_MS);
    if (!command) return;
    log.warn({ commandId: command.id }, 'clock is off by more than a minute; queued a set-time command');
  }
}
