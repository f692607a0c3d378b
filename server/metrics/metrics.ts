// Prometheus figures: counters this process keeps, and gauges read from Postgres at scrape time so every
// receiver behind a balancer reports the same state.
import client from 'prom-client';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import type { IngestBus } from '../ingest/events.ts';

export interface MetricsDeps {
  db: Db;
  bus: IngestBus;
  clock: Clock;
  offlineSeconds: number;
}

export class Metrics {
  readonly registry = new client.Registry();
  readonly ingestDuration: client.Histogram<'table'>;
  readonly webhookAttempts: client.Counter<'result'>;

  constructor(deps: MetricsDeps) {
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry, prefix: 'zk_process_' });

    const punches = new client.Counter({ name: 'zk_punches_stored_total', help: 'Punches newly stored by this process', labelNames: ['source'], registers });
    deps.bus.on('punches', (rows) => {
      for (const row of rows) punches.inc({ source: row.source });
    });
    this.ingestDuration = new client.Histogram({
      name: 'zk_ingest_duration_seconds',
      help: 'Time to answer a device upload (journal, parse, store)',
      labelNames: ['table'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.webhookAttempts = new client.Counter({ name: 'zk_webhook_attempts_total', help: 'Webhook delivery attempts by this process', labelNames: ['result'], registers });

    const grouped = (name: string, help: string, label: string, query: () => Promise<{ key: string | null; n: bigint | number }[]>) =>
      new client.Gauge({
        name,
        help,
        labelNames: [label],
        registers,
        async collect() {
          this.reset();
          for (const row of await query()) this.set({ [label]: row.key ?? 'unknown' }, Number(row.n));
        },
      });
    grouped('zk_uploads', 'Journaled uploads by outcome', 'outcome', () => deps.db.$queryRaw`SELECT outcome AS key, count(*) AS n FROM uploads GROUP BY outcome`);
    grouped('zk_commands', 'Device commands by status', 'status', () => deps.db.$queryRaw`SELECT status AS key, count(*) AS n FROM commands GROUP BY status`);
    grouped('zk_devices', 'Devices by state', 'state', () => deps.db.$queryRaw`SELECT state AS key, count(*) AS n FROM devices GROUP BY state`);
    grouped('zk_webhook_deliveries', 'Webhook deliveries by status', 'status', () => deps.db.$queryRaw`SELECT status AS key, count(*) AS n FROM webhook_deliveries GROUP BY status`);
    new client.Gauge({
      name: 'zk_devices_online',
      help: `Approved devices heard from within DEVICE_OFFLINE_SECONDS (${deps.offlineSeconds} s)`,
      registers,
      async collect() {
        const since = new Date(deps.clock.now().getTime() - deps.offlineSeconds * 1000);
        this.set(await deps.db.device.count({ where: { state: 'approved', lastSeenAt: { gte: since } } }));
      },
    });
    const relays = async () => deps.db.relay.findMany({ select: { name: true, queueDepth: true, oldestPendingAgeS: true } });
    new client.Gauge({
      name: 'zk_relay_backlog',
      help: 'Uploads waiting in each relay, as last reported',
      labelNames: ['relay'],
      registers,
      async collect() {
        this.reset();
        for (const r of await relays()) this.set({ relay: r.name }, r.queueDepth);
      },
    });
    new client.Gauge({
      name: 'zk_relay_oldest_pending_seconds',
      help: 'Age of the oldest upload waiting in each relay, as last reported',
      labelNames: ['relay'],
      registers,
      async collect() {
        this.reset();
        for (const r of await relays()) this.set({ relay: r.name }, r.oldestPendingAgeS ?? 0);
      },
    });
  }
}
