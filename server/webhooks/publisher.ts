// Turns what ingest announces (punches stored, a clock first seen) into webhook events in the outbox.
import type { Logger } from 'pino';
import type { IngestBus, PunchEvent } from '../ingest/events.ts';
import type { OutgoingEvent } from './events.ts';
import type { WebhookDeliverer } from './deliverer.ts';
import type { WebhookStore } from './store.ts';

export function punchCreated(punch: PunchEvent): OutgoingEvent {
  return {
    type: 'punch.created',
    data: {
      id: punch.id,
      device_sn: punch.deviceSn,
      pin: punch.pin,
      local_time: punch.localTime,
      instant: punch.instant,
      punch_type: punch.punchType,
      status: punch.status,
      verify: punch.verify,
      source: punch.source,
    },
  };
}

/** Queues events for subscribers and wakes the deliverer; a failure is logged, never thrown at ingest. */
export class WebhookPublisher {
  constructor(
    private readonly store: WebhookStore,
    private readonly deliverer: WebhookDeliverer,
    private readonly log: Logger,
  ) {}

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    try {
      const wanted = [];
      for (const event of events) if (await this.store.wants(event.type)) wanted.push(event);
      if ((await this.store.enqueue(wanted)) > 0) this.deliverer.kick();
    } catch (err) {
      this.log.error({ err, events: events.length }, 'could not queue webhook events');
    }
  }

  listen(bus: IngestBus): this {
    bus.on('punches', (punches) => void this.publish(punches.map(punchCreated)));
    bus.on('device', (device) => {
      // The registry announces a device when it is created or changes state: pending means first seen.
      if (device.state === 'pending') void this.publish([{ type: 'device.pending', data: { sn: device.sn, last_seen: device.lastSeenAt } }]);
    });
    return this;
  }
}
