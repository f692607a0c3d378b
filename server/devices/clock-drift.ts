// Clock drift (protocol.md §8.3): a real-time punch arrives seconds after it was made, so the gap between
// its device time (as an instant) and its arrival shows how far the clock is off. Backlog batches and
// query answers are left out; of the last few real-time punches the one closest to its arrival counts.
import type { Logger } from 'pino';
import type { Db } from '../db/open.ts';
import type { IngestBus, PunchEvent } from '../ingest/events.ts';
import { SET_TIME_COMMAND } from './command-policy.ts';
import type { CommandQueue } from './commands.ts';

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

  /** Adds real-time punches to a clock's samples; stores and returns its drift (+ when ahead). */
  async measure(sn: string, punches: readonly PunchEvent[]): Promise<number | null> {
    if (await this.answersAQuery(punches[0]!)) return null;
    const samples = [...(this.samples.get(sn) ?? []), ...punches.map((p) => (Date.parse(p.receivedAt) - Date.parse(p.instant)) / 1000)].slice(-SAMPLES);
    this.samples.set(sn, samples);
    const closest = samples.reduce((a, b) => (Math.abs(b) < Math.abs(a) ? b : a));
    const drift = Math.round(-closest);
    await this.deps.db.device.update({ where: { sn }, data: { driftSeconds: drift } });
    if (Math.abs(drift) > DRIFT_LIMIT_S && samples.length >= SAMPLES_TO_ACT) await this.correct(sn, drift);
    return drift;
  }

  /** Punches re-sent for DATA QUERY ATTLOG (CmdId= in the upload) are old by design. */
  private async answersAQuery(punch: PunchEvent): Promise<boolean> {
    const rows = await this.deps.db.$queryRaw<{ query: string }[]>`
      SELECT u.query FROM punches p JOIN uploads u ON u.id = p.upload_id WHERE p.id = ${BigInt(punch.id)}`;
    return rows.some((r) => /(^|&)\s*cmdid\s*=/i.test(r.query));
  }

  private async correct(sn: string, drift: number): Promise<void> {
    const log = this.deps.log.child({ sn, driftSeconds: drift });
    if (this.deps.correct === false) {
      log.warn('clock is off by more than a minute; commands are disabled, set its time by hand');
      return;
    }
    const command = await this.deps.commands.enqueueUnlessRecent(sn, SET_TIME_COMMAND, RESEND_SET_TIME_AFTER_MS);
    if (!command) return;
    log.warn({ commandId: command.id }, 'clock is off by more than a minute; queued a set-time command');
  }
}
