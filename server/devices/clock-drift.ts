// Clock drift (protocol.md §8.3): a real-time punch arrives seconds after it was made, so the gap between
// its device time (as an instant) and its arrival shows how far the clock is off. Backlog batches and
// query answers are left out; of the last few real-time punches the one closest to its arrival counts.
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
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
  clock: Clock;
  log: Logger;
  /** false: only warn in the log (commands disabled). */
  correct?: boolean;
}

export class ClockDriftMonitor {
  private work: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: DriftDeps) {
    deps.bus.on('punches', (punches) => this.onPunches(punches));
  }

  /** Resolves when every measurement started so far has finished (tests, shutdown). */
  settled(): Promise<void> {
    return this.work.then(() => undefined);
  }

  private onPunches(punches: readonly PunchEvent[]): void {
    const perDevice = new Map<string, number>();
    for (const p of punches) if (p.source !== 'api') perDevice.set(p.deviceSn, (perDevice.get(p.deviceSn) ?? 0) + 1);
    // A backlog batch cannot show drift, and measuring after each one would slow every large upload.
    const serials = [...perDevice].filter(([, n]) => n <= REALTIME_UPLOAD_MAX_PUNCHES).map(([sn]) => sn);
    for (const sn of serials) {
      this.work = this.work
        .then(() => this.measure(sn))
        .catch((err: unknown) => this.deps.log.error({ err, sn }, 'clock drift not measured'));
    }
  }

  /** Measures and stores the drift of one clock (seconds, + when the clock is ahead); null without data. */
  async measure(sn: string): Promise<number | null> {
    const since = new Date(this.deps.clock.now().getTime() - 24 * 3600_000);
    const rows = await this.deps.db.$queryRaw<{ lateness: number }[]>`
      SELECT extract(epoch FROM (p.received_at - p.instant))::float8 AS lateness
      FROM punches p JOIN uploads u ON u.id = p.upload_id
      WHERE p.device_sn = ${sn} AND p.received_at > ${since}
        AND u.table_name IN ('ATTLOG', 'RTLOG') AND u.query !~* '(^|&)\\s*cmdid\\s*='
        AND (SELECT count(*) FROM punches q WHERE q.upload_id = p.upload_id) <= ${REALTIME_UPLOAD_MAX_PUNCHES}
      ORDER BY p.id DESC LIMIT ${SAMPLES}`;
    if (rows.length === 0) return null;
    const closest = rows.map((r) => r.lateness).reduce((a, b) => (Math.abs(b) < Math.abs(a) ? b : a));
    const drift = Math.round(-closest);
    await this.deps.db.device.update({ where: { sn }, data: { driftSeconds: drift } });
    if (Math.abs(drift) > DRIFT_LIMIT_S && rows.length >= SAMPLES_TO_ACT) await this.correct(sn, drift);
    return drift;
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
