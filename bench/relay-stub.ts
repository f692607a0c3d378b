// The relay on its own: the same backlog drained into a stub receiver that acknowledges at once, so the
// relay's forwarding rate can be told apart from the real receiver's ingest rate.
import http from 'node:http';
import { countRecordLines } from '../server/protocol/lines.ts';
import { SimulatedClock } from '../simulate/clock.ts';
import { makePunches } from '../simulate/records.ts';
import { spawnRelay, waitDrained } from './relay-process.ts';
import { BENCH_TOKEN, freePort, round } from './setup.ts';

export interface RelayAloneResult {
  punches: number;
  uploads: number;
  ms: number;
  perS: number;
  /** Lines the stub received: ≥ punches (a retried upload may arrive twice). */
  received: number;
}

export async function benchRelayAlone(options: { backlog: number; perUpload: number; drainTimeoutMs?: number }): Promise<RelayAloneResult> {
  let received = 0;
  const stub = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const lines = countRecordLines(Buffer.concat(chunks));
      received += lines;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(req.method === 'POST' ? `OK:${lines}` : 'OK');
    });
  });
  const upstreamPort = await freePort();
  const relay = await spawnRelay({ upstream: `http://127.0.0.1:${upstreamPort}`, token: BENCH_TOKEN, port: await freePort() });
  try {
    const clock = new SimulatedClock({ url: relay.url, sn: 'RELAYALONE1', batch: options.perUpload, retry: { attempts: 1 }, timeoutMs: 30_000 });
    await clock.handshake();
    const pins = Array.from({ length: 25 }, (_, i) => String(i + 1));
    const report = await clock.uploadPunches(makePunches({ pins, count: options.backlog, timeZone: 'UTC', end: '2025-12-07 18:00:00', spacingSeconds: 1 }));
    const delivered = (await relay.status()).delivered;
    await new Promise<void>((resolve) => stub.listen(upstreamPort, '127.0.0.1', resolve));
    const drain = await waitDrained(relay, { at: performance.now(), delivered }, options.drainTimeoutMs ?? 120_000);
    return { punches: options.backlog, uploads: report.uploads, ms: round(drain.ms), perS: Math.round((options.backlog / drain.ms) * 1000), received };
  } finally {
    await relay.close();
    await new Promise((resolve) => stub.close(resolve));
  }
}
