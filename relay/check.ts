// `npm run relay -- --check`: is everything in place for this relay to run? The receiver's address, the
// token, the port and the queue folder, each tested for real and reported in plain words. Changes nothing.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { lockHolder } from '../server/folder-lock.ts';
import type { RelayConfig } from './config.ts';
import { createUpstreamClient, UpstreamUnreachable, type UpstreamClient, type UpstreamReply } from './upstream.ts';

export interface CheckLine {
  ok: boolean;
  what: string;
  text: string;
}

const TIMEOUT_MS = 5_000;

async function ask(upstream: UpstreamClient, urlPath: string): Promise<UpstreamReply | UpstreamUnreachable> {
  try {
    return await upstream.send({ method: 'GET', path: urlPath, rawQuery: '', headers: {}, timeoutMs: TIMEOUT_MS });
  } catch (err) {
    if (err instanceof UpstreamUnreachable) return err;
    throw err;
  }
}

const brief = (text: string) => JSON.stringify(text.replace(/\s+/g, ' ').trim().slice(0, 80));

function receiverLine(upstreamUrl: string, reply: UpstreamReply | UpstreamUnreachable): CheckLine {
  const what = 'receiver';
  if (reply instanceof UpstreamUnreachable) {
    const hint = /CERT|SELF_SIGNED|certificate/i.test(reply.reason)
      ? 'its HTTPS certificate is not trusted here (give the receiver a real certificate, or set NODE_EXTRA_CA_CERTS)'
      : 'is the receiver running, is RELAY_UPSTREAM right (http or https, host, port), and is this PC online?';
    return { ok: false, what, text: `nothing answers at ${upstreamUrl} (${reply.reason}): ${hint}` };
  }
  let status: unknown;
  try {
    status = (JSON.parse(reply.text) as { status?: unknown }).status;
  } catch {
    status = undefined;
  }
  if (reply.status === 200 && status === 'ok') return { ok: true, what, text: `${upstreamUrl} answers and is a ZKTeco receiver (/healthz ok)` };
  if (reply.status === 503 && status !== undefined) return { ok: false, what, text: `${upstreamUrl} is the receiver, but its database does not answer (/healthz 503): look at the receiver's log` };
  return {
    ok: false,
    what,
    text: `${upstreamUrl} answers, but it is not the receiver (/healthz gave ${reply.status} ${brief(reply.text)}): set RELAY_UPSTREAM to the address the receiver prints at start`,
  };
}

function tokenLine(reply: UpstreamReply | UpstreamUnreachable): CheckLine {
  const what = 'token';
  if (reply instanceof UpstreamUnreachable) return { ok: false, what, text: `could not be checked: the receiver stopped answering (${reply.reason})` };
  if (reply.status === 200) return { ok: true, what, text: 'the receiver accepts RELAY_TOKEN' };
  if (reply.status === 401) {
    return { ok: false, what, text: "the receiver refused RELAY_TOKEN (401): use one of its API tokens (API_TOKENS, or the one it printed at first start, in its DATA_DIR/api-token)" };
  }
  return { ok: false, what, text: `could not be checked: the receiver answered ${reply.status} ${brief(reply.text)} to GET /zkteco/api/relays` };
}

function portLine(host: string, port: number): Promise<CheckLine> {
  const what = 'port';
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? 'another program already listens there (a relay already running, as a service or in another window?)'
          : err.code === 'EACCES'
            ? 'this user may not listen there (choose a port above 1024)'
            : err.code === 'EADDRNOTAVAIL'
              ? 'this PC has no such address (RELAY_HOST)'
              : err.message;
      resolve({ ok: false, what, text: `cannot listen on ${host}:${port}: ${why}` });
    });
    server.listen(port, host, () => server.close(() => resolve({ ok: true, what, text: `${host}:${port} is free: clocks will reach the relay there` })));
  });
}

function folderLine(dataDir: string): CheckLine {
  const what = 'folder';
  const holder = lockHolder({ dir: dataDir, name: 'relay.lock' });
  if (holder) return { ok: false, what, text: `a relay is already running on ${dataDir} (pid ${holder.pid}, since ${holder.startedAt})` };
  const probe = path.join(dataDir, `.check-${process.pid}`);
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(probe, 'check');
    fs.rmSync(probe);
  } catch (err) {
    return { ok: false, what, text: `cannot write in ${dataDir} (${(err as Error).message}): set RELAY_DATA_DIR to a folder on a local disk this user may write to` };
  }
  return { ok: true, what, text: `${dataDir} is writable and no other relay uses it` };
}

/** Runs every check (the token only once the receiver answers) and returns one line per check. */
export async function checkRelay(config: Readonly<RelayConfig>): Promise<CheckLine[]> {
  const upstream = createUpstreamClient(config.upstream, config.token);
  try {
    const lines: CheckLine[] = [];
    const health = await ask(upstream, '/healthz');
    const receiver = receiverLine(config.upstream, health);
    lines.push(receiver);
    // GET, read only: the token is checked on a route that changes nothing.
    if (receiver.ok) lines.push(tokenLine(await ask(upstream, '/zkteco/api/relays')));
    else lines.push({ ok: false, what: 'token', text: 'not checked: the receiver must answer first' });
    lines.push(await portLine(config.host, config.port));
    lines.push(folderLine(config.dataDir));
    return lines;
  } finally {
    upstream.close();
  }
}

export function formatCheck(lines: readonly CheckLine[]): string {
  const failed = lines.filter((l) => !l.ok).length;
  const body = lines.map((l) => `${l.ok ? 'OK  ' : 'FAIL'} ${l.what.padEnd(8)} ${l.text}`);
  body.push(failed === 0 ? 'All checks passed: the relay can run.' : `${failed} check(s) failed: fix the line(s) marked FAIL, then check again.`);
  return body.join('\n');
}
