// Watches clocks and relays on a timer and raises an event once per transition: a clock offline or back
// online, a relay silent, a relay's backlog growing old.
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { formatOffset, zoneMismatch } from '../devices/clock-offset.ts';
import { zoneOffsetMinutes } from '../protocol/time.ts';
import { RELAY_BACKLOG_SECONDS, RELAY_ONLINE_SECONDS } from '../relays/relays.ts';
import type { OutgoingEvent } from '../webhooks/events.ts';
import { recordStates, type Observation } from './states.ts';

export interface AlarmWatchDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  offlineSeconds: number;
  /** DEVICE_TIMEZONE: the zone a clock's punches are read in when it has none of its own. */
  defaultZone: string;
  publish(events: OutgoingEvent[]): Promise<void>;
}

const EVENT_OF: Record<string, string> = {
  'device:online': 'device.online',
  'device:offline': 'device.offline',
  'relay:offline': 'relay.offline',
  'relay-backlog:backlog': 'relay.backlog',
  'device-zone:mismatch': 'device.zone_mismatch',
};

export class AlarmWatch {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(private readonly deps: AlarmWatchDeps) {}

  start(everyMs = 10_000): this {
    this.timer = setInterval(() => void this.sweep(), everyMs);
    this.timer.unref();
    return this;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** One look at every clock and relay; returns the events raised. */
  sweep(): Promise<void> {
    this.sweeping ??= this.look()
      .catch((err: unknown) => this.deps.log.warn({ err }, 'alarm sweep failed; next one in a few seconds'))
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async look(): Promise<void> {
    const now = this.deps.clock.now();
    const [devices, relays] = await Promise.all([
      this.deps.db.device.findMany({
        where: { state: 'approved', lastSeenAt: { not: null } },
        select: { sn: true, name: true, lastSeenAt: true, timezone: true, clockOffsetMinutes: true, clockOffsetAt: true },
      }),
      this.deps.db.relay.findMany({ select: { name: true, reportedAt: true, oldestPendingAgeS: true, queueDepth: true } }),
    ]);
    const ageS = (at: Date) => (now.getTime() - at.getTime()) / 1000;
    const observations: Observation[] = [
      ...devices.map((d) => ({ kind: 'device', key: d.sn, state: ageS(d.lastSeenAt!) < this.deps.offlineSeconds ? 'online' : 'offline' })),
      // The clock shows another offset than its zone's: its punches are read hours off until someone sets its zone.
      ...devices.map((d) => ({ kind: 'device-zone', key: d.sn, state: zoneMismatch(d, d.timezone ?? this.deps.defaultZone) ? 'mismatch' : 'ok' })),
      ...relays.map((r) => ({ kind: 'relay', key: r.name, state: ageS(r.reportedAt) < RELAY_ONLINE_SECONDS ? 'online' : 'offline' })),
      ...relays.map((r) => ({ kind: 'relay-backlog', key: r.name, state: (r.oldestPendingAgeS ?? 0) > RELAY_BACKLOG_SECONDS ? 'backlog' : 'ok' })),
    ];
    const changed = await recordStates(this.deps.db, observations, now, (o) => o.kind === 'device-zone' && o.state === 'mismatch');
    const events: OutgoingEvent[] = [];
    for (const change of changed) {
      const type = EVENT_OF[`${change.kind}:${change.state}`];
      if (!type) continue;
      const device = devices.find((d) => change.kind.startsWith('device') && d.sn === change.key);
      const relay = relays.find((r) => change.kind.startsWith('relay') && r.name === change.key);
      const data = device
        ? { sn: device.sn, name: device.name, last_seen: device.lastSeenAt!.toISOString(), ...(change.kind === 'device-zone' ? this.zoneFacts(device) : {}) }
        : { relay: relay!.name, last_report: relay!.reportedAt.toISOString(), queue_depth: relay!.queueDepth, oldest_pending_age_s: relay!.oldestPendingAgeS };
      this.deps.log.info({ event: type, ...data }, 'alarm');
      events.push({ type: type as OutgoingEvent['type'], data });
    }
    await this.deps.publish(events);
  }

  private zoneFacts(device: { timezone: string | null; clockOffsetMinutes: number | null; clockOffsetAt: Date | null }) {
    const zone = device.timezone ?? this.deps.defaultZone;
    return {
      zone,
      zone_offset: formatOffset(zoneOffsetMinutes(zone, device.clockOffsetAt ?? this.deps.clock.now())),
      observed_offset: device.clockOffsetMinutes === null ? null : formatOffset(device.clockOffsetMinutes),
    };
  }
}
