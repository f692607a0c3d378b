// Emulated clocks for the load section: each holds its own kept-alive TCP connection (as a clock does)
// and polls `getrequest` on a fixed interval. Plain HTTP/1.1 over a socket: thousands of fetch agents
// would cost the bench more CPU than the receiver it measures.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface PollOutcome {
  /** Latency of each answered poll, ms (connect included when the connection had to be made again). */
  latencies: number[];
  /** Polls answered with another status, refused, reset or timed out. */
  errors: number;
  /** The first few error reasons, for the table. */
  reasons: string[];
}

const ANSWER_TIMEOUT_MS = 10_000;

/** One clock: a socket opened on demand and kept while the receiver keeps it. */
class LoadClock {
  private socket: net.Socket | undefined;
  private pending: { resolve: (status: number) => void; reject: (err: Error) => void; buffered: Buffer } | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly request: Buffer,
  ) {}

  poll(): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error('no answer in 10 s')), ANSWER_TIMEOUT_MS);
      this.pending = {
        resolve: (s) => (clearTimeout(timer), resolve(s)),
        reject: (e) => (clearTimeout(timer), reject(e)),
        buffered: Buffer.alloc(0),
      };
      this.connected().write(this.request);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connected(): net.Socket {
    if (this.socket && !this.socket.destroyed && this.socket.writable) return this.socket;
    const socket = net.connect(this.port, this.host);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    // The receiver closed an idle connection (keep-alive timeout): the next poll opens a new one.
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      this.fail(new Error('connection closed before the answer'));
    });
    this.socket = socket;
    return socket;
  }

  private onData(chunk: Buffer): void {
    const p = this.pending;
    if (!p) return;
    p.buffered = Buffer.concat([p.buffered, chunk]);
    const end = p.buffered.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = p.buffered.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (p.buffered.length < end + 4 + length) return;
    this.pending = undefined;
    if (/\r\nconnection:\s*close/i.test(head)) this.close();
    p.resolve(Number(head.slice(9, 12)));
  }

  private fail(err: Error): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    this.close();
    p.reject(err);
  }
}

const requestFor = (host: string, port: number, sn: string) =>
  Buffer.from(`GET /iclock/getrequest?SN=${sn} HTTP/1.1\r\nHost: ${host}:${port}\r\nUser-Agent: iClock Proline\r\nConnection: keep-alive\r\n\r\n`, 'latin1');

export interface LoadOptions {
  url: string;
  serials: readonly string[];
  intervalMs: number;
  durationMs: number;
}

/** Every clock polls every `intervalMs`, start times spread over one interval, for `durationMs`. */
export async function pollLoad(options: LoadOptions): Promise<PollOutcome> {
  const { hostname, port } = new URL(options.url);
  const clocks = options.serials.map((sn) => new LoadClock(hostname, Number(port), requestFor(hostname, Number(port), sn)));
  const outcome: PollOutcome = { latencies: [], errors: 0, reasons: [] };
  const stopAt = performance.now() + options.durationMs;
  const runClock = async (clock: LoadClock, index: number) => {
    let next = performance.now() + (index / clocks.length) * options.intervalMs;
    while (next < stopAt) {
      const wait = next - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const started = performance.now();
      try {
        const status = await clock.poll();
        if (status === 200) outcome.latencies.push(performance.now() - started);
        else throw new Error(`status ${status}`);
      } catch (err) {
        outcome.errors++;
        if (outcome.reasons.length < 5) outcome.reasons.push((err as Error).message);
      }
      next += options.intervalMs;
    }
  };
  try {
    await Promise.all(clocks.map(runClock));
  } finally {
    for (const clock of clocks) clock.close();
  }
  return outcome;
}

/** One poll per clock, `concurrency` at a time: each clock exists on the receiver before the timed window. */
export async function firstContact(url: string, serials: readonly string[], concurrency = 32): Promise<number> {
  const { hostname, port } = new URL(url);
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < serials.length) {
      const sn = serials[next++]!;
      const clock = new LoadClock(hostname, Number(port), requestFor(hostname, Number(port), sn));
      try {
        if ((await clock.poll()) !== 200) failed++;
      } catch {
        failed++;
      } finally {
        clock.close();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failed;
}
