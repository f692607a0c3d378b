// Issue 13 item 8: webhook delivery latency, from a clock's upload to the signed delivery at a subscriber
// (a sink on loopback that verifies every signature), one punch per upload at a steady pace.
import { startSink } from '../test/webhooks/sink.ts';
import { BENCH_TOKEN, benchDatabase, benchReceiver, percentile, round, sleep, type BenchDatabaseOptions } from './setup.ts';

export interface WebhookBenchResult {
  database: string;
  punches: number;
  delivered: number;
  p50Ms: number;
  p99Ms: number;
  /** Deliveries whose signature did not verify at the sink (must be 0). */
  badSignatures: number;
}

const SN = 'HOOKBENCH';

export async function benchWebhooks(options: BenchDatabaseOptions & { punches: number; perSecond?: number }): Promise<WebhookBenchResult> {
  const gapMs = 1000 / (options.perSecond ?? 100);
  const db = await benchDatabase(options.template);
  const recv = await benchReceiver(db.database, [SN]);
  const sink = await startSink();
  try {
    const created = await fetch(`${recv.url}/zkteco/api/webhooks`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${BENCH_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: sink.url, events: ['punch.created'] }),
    });
    if (created.status !== 201) throw new Error(`webhook registration answered ${created.status}: ${await created.text()}`);
    sink.secret = ((await created.json()) as { secret: string }).secret;

    const sentAt = new Map<string, number>();
    const base = Date.UTC(2026, 0, 5, 6, 0, 0);
    for (let i = 0; i < options.punches; i++) {
      const local = new Date(base + i * 1000).toISOString().slice(0, 19).replace('T', ' ');
      const pin = String(1 + (i % 500));
      sentAt.set(`${pin}|${local}`, performance.now());
      const res = await fetch(`${recv.url}/iclock/cdata?SN=${SN}&table=ATTLOG&Stamp=${i}`, { method: 'POST', body: `${pin}\t${local}\t0\t1\t0\t0\t0\n` });
      if ((await res.text()) !== 'OK:1') throw new Error(`upload ${i} answered ${res.status}`);
      await sleep(gapMs);
    }
    const deadline = Date.now() + 60_000;
    while (sink.received.length < options.punches && Date.now() < deadline) await sleep(100);
    const latencies = sink.received.flatMap((d) => {
      const sent = sentAt.get(`${String(d.body.data.pin)}|${String(d.body.data.local_time)}`);
      return sent === undefined ? [] : [d.at - sent];
    });
    return {
      database: db.label,
      punches: options.punches,
      delivered: sink.received.length,
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      badSignatures: sink.received.filter((d) => !d.signatureValid).length,
    };
  } finally {
    await sink.close();
    await recv.close();
    await db.drop();
  }
}
