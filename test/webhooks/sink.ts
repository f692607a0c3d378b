// A webhook subscriber for tests: checks every signature as Standard Webhooks verify it, and answers
// from a script (500 first, then 200, ...).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  timestamp: string;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
  signatureValid: boolean;
  answered: number;
  /** When the delivery arrived (performance.now(), this process's clock). */
  at: number;
}

export interface Sink {
  url: string;
  received: Received[];
  /** The secret the sink verifies with; set once the webhook is registered. */
  secret: string | undefined;
  close(): Promise<void>;
}

export async function startSink(answers: number[] = []): Promise<Sink> {
  const received: Received[] = [];
  const sink: Sink = { url: '', received, secret: undefined, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers = { 'webhook-id': String(req.headers['webhook-id']), 'webhook-timestamp': String(req.headers['webhook-timestamp']), 'webhook-signature': String(req.headers['webhook-signature']) };
      let signatureValid = false;
      try {
        new Webhook(sink.secret ?? 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').verify(raw, headers);
        signatureValid = true;
      } catch {
        signatureValid = false;
      }
      const answered = answers.shift() ?? 200;
      received.push({ id: headers['webhook-id'], timestamp: headers['webhook-timestamp'], body: JSON.parse(raw), signatureValid, answered, at: performance.now() });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  sink.close = () => new Promise((resolve) => server.close(() => resolve()));
  return sink;
}
