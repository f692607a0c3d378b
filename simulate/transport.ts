// The clock's HTTP side: plain requests as a terminal sends them, and its retry rule — any answer but a
// 200 (or no answer at all) means "not delivered": keep the data, wait, send it again (protocol.md §2.3).
import http from 'node:http';
import https from 'node:https';

export interface DeviceReply {
  /** 0 when no HTTP answer came (refused, reset, timed out). */
  status: number;
  text: string;
  ms: number;
}

export interface RequestInit {
  method: 'GET' | 'POST';
  body?: string;
  token?: string;
  timeoutMs: number;
}

// node:http rather than fetch: fetch refuses some ports outright ("bad port"), a clock does not.
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

export function deviceRequest(url: string, init: RequestInit, retried = false): Promise<DeviceReply> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  // No Content-Type, like many real terminals: the server must read the body as raw bytes.
  const headers: Record<string, string | number> = { 'user-agent': 'iClock Proxy/1.09' };
  // As a relay does: the token vouches only for the serials named with it (this clock's).
  if (init.token) {
    headers.authorization = `Bearer ${init.token}`;
    const sn = target.searchParams.get('SN');
    if (sn) headers['x-relay-serials'] = sn;
  }
  const body = init.body === undefined ? undefined : Buffer.from(init.body, 'utf8');
  if (body) headers['content-length'] = body.length;
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (status: number, text: string) => resolve({ status, text, ms: performance.now() - started });
    const req = (secure ? https : http).request(target, { method: init.method, headers, agent: agents[secure ? 'https:' : 'http:'] }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
      res.on('error', (err) => done(0, err.message));
    });
    req.setTimeout(init.timeoutMs, () => req.destroy(new Error(`no answer within ${init.timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed while idle: Node's documented race; send once more on a new one.
      if (req.reusedSocket && err.code === 'ECONNRESET' && !retried) resolve(deviceRequest(url, init, true));
      else done(0, err.code ? `${err.code} ${err.message}` : err.message);
    });
    req.end(body);
  });
}

export interface RetryPolicy {
  attempts: number;
  delayMs: number;
}

export interface RetriedReply extends DeviceReply {
  attempts: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends until `accepted` says yes or the attempts run out; the last reply is returned either way. */
export async function sendWithRetry(
  send: () => Promise<DeviceReply>,
  accepted: (reply: DeviceReply) => boolean,
  policy: RetryPolicy,
): Promise<RetriedReply> {
  let attempts = 0;
  for (;;) {
    attempts++;
    const reply = await send();
    if (accepted(reply) || attempts >= policy.attempts) return { ...reply, attempts };
    await sleep(policy.delayMs);
  }
}
