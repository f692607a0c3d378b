// A clock (or a relay forwarding for one) speaking iClock over HTTP to a test receiver, and an admin
// speaking to the JSON API. Enough protocol to drive commands, uploads and results from a test.
import jwt from 'jsonwebtoken';
import { TEST_JWT_SECRET, TEST_TOKEN, type TestReceiver } from '../support/receiver.ts';

export interface CommandLine {
  id: string;
  command: string;
}

/** `C:<id>:<command>` lines of a getrequest reply; [] for `OK`. */
export function parseCommandLines(reply: string): CommandLine[] {
  if (reply.trim() === 'OK') return [];
  return reply
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const m = /^C:([^:]+):(.*)$/.exec(line);
      if (!m) throw new Error(`not a command line: ${line}`);
      return { id: m[1]!, command: m[2]! };
    });
}

export class TalkingClock {
  /** viaRelay: every request carries the relay's Bearer token, as the relay forwards it. */
  constructor(
    private readonly t: TestReceiver,
    readonly sn: string,
    private readonly viaRelay = false,
  ) {}

  private async send(method: string, pathAndQuery: string, body?: string | Buffer): Promise<{ status: number; text: string; bytes: Buffer }> {
    const headers: Record<string, string> = { 'User-Agent': 'iClock Proxy/1.09' };
    if (this.viaRelay) {
      headers.Authorization = `Bearer ${TEST_TOKEN}`;
      headers['X-Relay-Serials'] = this.sn;
      headers['X-Relay-Received-At'] = this.t.clock.now().toISOString();
    }
    const res = await fetch(`${this.t.url}${pathAndQuery}`, { method, headers, body: body === undefined ? undefined : new Uint8Array(Buffer.from(body)) });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, text: bytes.toString('utf8'), bytes };
  }

  /** language 83: a Chinese-language clock, which reads and writes names in GB2312. */
  async handshake(language = '69'): Promise<string> {
    return (await this.send('GET', `/iclock/cdata?SN=${this.sn}&options=all&pushver=2.4.1&language=${language}`)).text;
  }

  /** One heartbeat; returns the commands handed out. */
  async poll(): Promise<CommandLine[]> {
    const reply = await this.send('GET', `/iclock/getrequest?SN=${this.sn}`);
    return parseCommandLines(reply.text);
  }

  async pollRaw(): Promise<Buffer> {
    return (await this.send('GET', `/iclock/getrequest?SN=${this.sn}`)).bytes;
  }

  /** Posts command results (one `ID=..&Return=..&CMD=..` per line, extra lines allowed). */
  async answer(body: string): Promise<string> {
    return (await this.send('POST', `/iclock/devicecmd?SN=${this.sn}`, body)).text;
  }

  /** Posts punches as `pin\tYYYY-MM-DD HH:MM:SS\tstatus\tverify` lines; extraQuery e.g. `&CmdId=7`. */
  async punches(records: readonly [pin: string, localTime: string][], extraQuery = ''): Promise<string> {
    const body = records.map(([pin, time]) => `${pin}\t${time}\t0\t1\t0\t0\t0\n`).join('');
    return (await this.send('POST', `/iclock/cdata?SN=${this.sn}&table=ATTLOG&Stamp=9999${extraQuery}`, body)).text;
  }

  async operlog(body: string | Buffer): Promise<string> {
    return (await this.send('POST', `/iclock/cdata?SN=${this.sn}&table=OPERLOG&OpStamp=9999`, body)).text;
  }
}

export type Caller = 'admin' | 'staff' | 'admin-jwt' | 'none';

export function credentials(caller: Caller): Record<string, string> {
  if (caller === 'none') return {};
  if (caller === 'admin') return { Authorization: `Bearer ${TEST_TOKEN}` };
  const role = caller === 'staff' ? 'staff' : 'admin';
  return { Authorization: `Bearer ${jwt.sign({ sub: 'u1', role }, TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: 60 })}` };
}

export interface ApiReply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A JSON (or text/csv) call to the admin API. */
export async function api(t: TestReceiver, method: string, path: string, options: { body?: unknown; csv?: string; as?: Caller } = {}): Promise<ApiReply> {
  const headers: Record<string, string> = { ...credentials(options.as ?? 'admin') };
  let body: string | undefined;
  if (options.csv !== undefined) {
    headers['Content-Type'] = 'text/csv; charset=utf-8';
    body = options.csv;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetch(`${t.url}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A clock that has handshaken and been approved by an admin. */
export async function approvedClock(t: TestReceiver, sn: string): Promise<TalkingClock> {
  const clock = new TalkingClock(t, sn);
  await clock.handshake();
  const res = await api(t, 'POST', `/zkteco/api/devices/${sn}/approve`);
  if (res.status !== 200) throw new Error(`approve ${sn}: ${res.status} ${JSON.stringify(res.body)}`);
  return clock;
}
