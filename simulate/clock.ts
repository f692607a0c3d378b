// A ZKTeco clock in software: handshake, uploads of users and punches, heartbeat polls and command
// answers, over plain HTTP to a receiver or a relay. The CLI (main.ts), the tests and the bench drive it.
import { parseUploadAck } from '../server/protocol/replies.ts';
import { answerCommand, type CommandAnswer } from './commands.ts';
import { ClockMemory } from './memory.ts';
import { attlogBody, parseCommandLines, parseOptionsBlock, userBody, type SimPunch, type SimUser } from './records.ts';
import { deviceRequest, sendWithRetry, type DeviceReply, type RetryPolicy } from './transport.ts';

export interface SimulatedClockOptions {
  url: string;
  sn: string;
  /** Bearer token, as a relay would add (direct clocks send none). */
  token?: string;
  /** Lines per upload; real clocks were seen sending 128 per POST. */
  batch?: number;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  memory?: ClockMemory;
  firmware?: string;
}

export interface UploadReport {
  table: 'ATTLOG' | 'OPERLOG';
  uploads: number;
  lines: number;
  acknowledged: number;
  /** Requests sent, retries included. */
  attempts: number;
  /** Uploads whose `OK:<n>` named a different count than the lines sent. */
  mismatches: number;
  /** Time to the answer of each request, retries included. */
  latenciesMs: number[];
}

export interface PollListener {
  answers?(answers: CommandAnswer[]): void;
  error?(err: Error): void;
}

export class UploadFailed extends Error {
  constructor(readonly report: UploadReport, readonly last: DeviceReply) {
    super(`upload not acknowledged after ${report.attempts} attempts: ${last.status || 'no answer'} ${last.text.slice(0, 80)}`);
  }
}

/** A 401: the Bearer token sent is not one the receiver takes (sending it again changes nothing). */
export class TokenRefused extends Error {
  constructor(readonly reply: DeviceReply) {
    super(`token refused: ${reply.status} ${reply.text.slice(0, 80)}`);
  }
}

export class SimulatedClock {
  readonly sn: string;
  readonly memory: ClockMemory;
  /** The options block of the last handshake. */
  serverOptions: Record<string, string> = {};
  private readonly base: string;
  private readonly batch: number;
  private readonly policy: RetryPolicy;
  private readonly firmware: string;
  private polled = false;

  constructor(private readonly options: SimulatedClockOptions) {
    this.sn = options.sn;
    this.base = options.url.replace(/\/+$/, '');
    this.memory = options.memory ?? new ClockMemory();
    this.batch = options.batch ?? 128;
    this.policy = { attempts: options.retry?.attempts ?? 5, delayMs: options.retry?.delayMs ?? 1000 };
    this.firmware = options.firmware ?? 'Ver 6.60 Sim';
  }

  private request(method: 'GET' | 'POST', pathAndQuery: string, body?: string): Promise<DeviceReply> {
    const url = `${this.base}${pathAndQuery}${pathAndQuery.includes('?') ? '&' : '?'}SN=${encodeURIComponent(this.sn)}`;
    return deviceRequest(url, { method, body, token: this.options.token, timeoutMs: this.options.timeoutMs ?? 10_000 });
  }

  /** GET /iclock/cdata?options=all: returns the server's options (empty when it answered a bare OK). */
  async handshake(): Promise<Record<string, string>> {
    const reply = await sendWithRetry(
      () => this.request('GET', '/iclock/cdata?options=all&pushver=2.4.1&language=69'),
      (r) => r.status === 200 || r.status === 401,
      this.policy,
    );
    if (reply.status === 401) throw new TokenRefused(reply);
    if (reply.status !== 200) throw new Error(`handshake failed: ${reply.status || 'no answer'} ${reply.text.slice(0, 80)}`);
    this.serverOptions = reply.text.startsWith('GET OPTION FROM:') ? parseOptionsBlock(reply.text) : {};
    this.polled = false;
    return this.serverOptions;
  }

  enroll(users: readonly SimUser[]): void {
    this.memory.enroll(users);
  }

  /** Uploads users as OPERLOG USER lines (all enrolled users by default). */
  async uploadUsers(users: readonly SimUser[] = [...this.memory.users.values()]): Promise<UploadReport> {
    const report = emptyReport('OPERLOG');
    for (let i = 0; i < users.length; i += this.batch) await this.upload(report, userBody(users.slice(i, i + this.batch)), '');
    return report;
  }

  /** Records `punches` (if any) in the clock's log, then uploads everything not yet acknowledged. */
  async uploadPunches(punches: readonly SimPunch[] = []): Promise<UploadReport> {
    if (punches.length) this.memory.record(punches);
    const report = emptyReport('ATTLOG');
    for (let chunk = this.memory.unsent().slice(0, this.batch); chunk.length; chunk = this.memory.unsent().slice(0, this.batch)) {
      await this.upload(report, attlogBody(chunk), '');
      this.memory.markAcknowledged(chunk.length);
    }
    return report;
  }

  /** One upload, retried like a clock keeping its data; throws UploadFailed when attempts run out. */
  async upload(report: UploadReport, body: string, extraQuery: string): Promise<void> {
    const lines = body.split('\n').filter((l) => l.trim() !== '').length;
    const stamp = report.table === 'ATTLOG' ? 'Stamp=9999' : 'OpStamp=9999';
    const path = `/iclock/cdata?table=${report.table}&${stamp}${extraQuery ? `&${extraQuery}` : ''}`;
    const reply = await sendWithRetry(
      async () => {
        const r = await this.request('POST', path, body);
        report.latenciesMs.push(r.ms);
        return r;
      },
      (r) => r.status === 200 && parseUploadAck(r.text) !== null,
      this.policy,
    );
    report.attempts += reply.attempts;
    const ack = reply.status === 200 ? parseUploadAck(reply.text) : null;
    if (!ack) throw new UploadFailed(report, reply);
    report.uploads++;
    report.lines += lines;
    report.acknowledged += ack.count ?? lines;
    if (ack.count !== null && ack.count !== lines) report.mismatches++;
  }

  /** One heartbeat: fetch commands, answer each (uploading what they ask for), post the results. */
  async pollOnce(): Promise<CommandAnswer[]> {
    let path = '/iclock/getrequest';
    if (!this.polled) {
      const info = `${this.firmware},${this.memory.users.size},0,${this.memory.log.length},127.0.0.1,10,0,0,0,100`;
      path += `?INFO=${encodeURIComponent(info)}`;
    }
    const reply = await this.request('GET', path);
    if (reply.status !== 200) throw new Error(`getrequest failed: ${reply.status || 'no answer'} ${reply.text.slice(0, 80)}`);
    this.polled = true;
    const commands = parseCommandLines(reply.text);
    if (commands.length === 0) return [];
    const who = { sn: this.sn, firmware: this.firmware, ipAddress: '127.0.0.1', batch: this.batch };
    const answers = commands.map((c) => answerCommand(this.memory, who, c));
    for (const a of answers) {
      for (const u of a.uploads) await this.upload(emptyReport(u.table), u.body, u.query);
    }
    const results = `${answers.map((a) => a.result).join('\n')}\n`;
    const posted = await sendWithRetry(() => this.request('POST', '/iclock/devicecmd', results), (r) => r.status === 200, this.policy);
    if (posted.status !== 200) throw new Error(`devicecmd failed: ${posted.status || 'no answer'} ${posted.text.slice(0, 80)}`);
    if (answers.some((a) => a.handshakeAgain)) await this.handshake();
    return answers;
  }

  /**
   * Polls every `Delay` seconds (the server's, unless given) until `seconds` have passed. A failed poll is
   * reported and the clock carries on at the next interval, as a terminal does.
   */
  async poll(seconds: number, on: PollListener = {}, intervalMs?: number): Promise<number> {
    const every = intervalMs ?? Number(this.serverOptions.Delay ?? 10) * 1000;
    const until = Date.now() + seconds * 1000;
    let handled = 0;
    for (;;) {
      try {
        const answers = await this.pollOnce();
        handled += answers.length;
        if (answers.length) on.answers?.(answers);
      } catch (err) {
        on.error?.(err as Error);
      }
      if (Date.now() + every > until) return handled;
      await new Promise((resolve) => setTimeout(resolve, every));
    }
  }
}

function emptyReport(table: UploadReport['table']): UploadReport {
  return { table, uploads: 0, lines: 0, acknowledged: 0, attempts: 0, mismatches: 0, latenciesMs: [] };
}
