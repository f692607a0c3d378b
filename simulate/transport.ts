// The clock's HTTP side: plain requests as a terminal sends them, and its retry rule — any answer but a
// 200 (or no answer at all) means "not delivered": keep the data, wait, send it again (protocol.md §2.3).

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

export async function deviceRequest(url: string, init: RequestInit): Promise<DeviceReply> {
  // No Content-Type, like many real terminals: the server must read the body as raw bytes.
  const headers: Record<string, string> = { 'user-agent': 'iClock Proxy/1.09' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: init.method,
      headers,
      body: init.body === undefined ? undefined : Buffer.from(init.body, 'utf8'),
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    const text = await res.text();
    return { status: res.status, text, ms: performance.now() - started };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { status: 0, text: cause ?? (err as Error).message, ms: performance.now() - started };
  }
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
