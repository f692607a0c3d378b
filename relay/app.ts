// The relay's HTTP face: what the clock calls (/iclock/*) and what the shop checks (/relay/status).
// Uploads are queued durably, then answered at once; handshake and getrequest go to the receiver live.
// Plain node:http, no framework: the relay has one route and one status page, and runs on a shop PC where
// every megabyte of resident memory counts (issue 13).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isHandshake, rawQueryOf, readDeviceQuery, uploadReply, uploadTable } from '../server/protocol/index.ts';
import type { Clock } from '../server/clock.ts';
import { BodyError, readBody } from './body.ts';
import type { DeviceMemories } from './devices.ts';
import type { IntakeSettings } from './config.ts';
import type { Forwarder } from './forwarder.ts';
import type { ClockContacts } from './heartbeat.ts';
import { uploadIntake } from './intake.ts';
import { LIVE_REPLY_SHAPES, type AskLive } from './live.ts';
import type { RelayQueue } from './queue.ts';
import { forwardableVerb } from './paths.ts';
import type { SerialGate } from './serials.ts';
import type { StoredRequest } from './store.ts';
import { relayStatus, type IntakeRefusals, type UpstreamHealth } from './status.ts';

export interface RelayAppDeps {
  queue: RelayQueue;
  devices: DeviceMemories;
  forwarder: Forwarder;
  askLive: AskLive;
  health: UpstreamHealth;
  refusals: IntakeRefusals;
  contacts: ClockContacts;
  serials: SerialGate;
  intake: Readonly<IntakeSettings>;
  statusLoopbackOnly: boolean;
  log: Logger;
  clock: Clock;
}

/**
 * Plain text with a Content-Length (never chunked); Node adds the Date header the clock sets its time from.
 * Text is byte-per-char (latin1): the receiver's live answers pass through byte for byte (upstream.ts) with
 * the charset the receiver gave them (GB18030 to a Chinese-language clock); the relay's own text is ASCII.
 */
function sendText(res: ServerResponse, status: number, text: string, charset = 'utf-8'): void {
  send(res, status, `text/plain; charset=${charset}`, Buffer.from(text, 'latin1'));
}

function send(res: ServerResponse, status: number, contentType: string, body: Buffer): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(body.length) });
  res.end(body);
}

/** Who answered a clock's request, for its one log line. */
type AnsweredBy = 'queued' | 'receiver' | 'relay' | 'refused';

const clientAddress = (req: IncomingMessage) => (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
const isLoopback = (address: string) => address === '::1' || address.startsWith('127.');
const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

/** 3.x requests whose answer only the receiver can give (a `RegistryCode`, config lines), with their body. */
const PASS_THROUGH = { registry: /^\s*RegistryCode=/, push: undefined } as const satisfies Record<string, RegExp | undefined>;

export function buildRelayApp(deps: RelayAppDeps): RequestListener {
  const { queue, devices, forwarder, askLive, health, refusals, contacts, serials, log, clock } = deps;
  const intake = uploadIntake(deps.intake);

  const statusPage = (req: IncomingMessage, res: ServerResponse) => {
    if (deps.statusLoopbackOnly && !isLoopback(clientAddress(req))) {
      return sendText(res, 403, 'relay status is shown only on this PC (RELAY_STATUS_LOOPBACK_ONLY=false shows it to the network)');
    }
    const status = { ...relayStatus(queue, health, refusals, clock.now()), serials: serials.status(), uploads_reading: intake.load };
    send(res, 200, 'application/json; charset=utf-8', Buffer.from(JSON.stringify(status)));
  };

  const clockRequest = async (req: IncomingMessage, res: ServerResponse, path: string, verb: string) => {
    const rawQuery = rawQueryOf(req.url ?? '');
    const query = readDeviceQuery(rawQuery);
    const sn = query.get('sn') ?? '';
    // Only the serials this relay forwards: checked before any body is read.
    if (!serials.admits(sn, clientAddress(req), clock.now())) {
      res.setHeader('Connection', 'close');
      return sendText(res, 403, 'serial not forwarded by this relay');
    }
    const admission = intake.admit(req, res);
    if (!admission.admitted) {
      refusals.note(clock.now(), admission.reason);
      res.setHeader('Connection', 'close');
      return sendText(res, 503, 'relay busy');
    }
    let body: Buffer;
    try {
      body = await readBody(req, deps.intake.maxBodyBytes);
    } catch (err) {
      // Too large, cut off, compressed in a way we do not read: the clock is told "not delivered".
      const status = err instanceof BodyError ? err.status : 400;
      log.warn({ status, error: (err as Error).message, sn }, 'clock request could not be read');
      res.setHeader('Connection', 'close');
      return sendText(res, status, 'Error');
    }

    const receivedAt = clock.now().toISOString();
    contacts.note(sn, clock.now());
    const remoteAddress = clientAddress(req);
    const userAgent = header(req, 'user-agent');
    const contentType = header(req, 'content-type');
    const method = req.method ?? 'GET';
    const reqLog = log.child({ sn, verb, method });
    // One short info line per clock request, written when it is answered.
    const answer = (status: number, text: string, by: AnsweredBy, fields: Record<string, unknown> = {}, charset?: string) => {
      reqLog.info({ status, answered: by, ...fields }, `${method} ${path} → ${status} ${text.split('\n', 1)[0]!.slice(0, 40)} (${by})`);
      sendText(res, status, text, charset);
    };

    if (verb in PASS_THROUGH) {
      // Not punches: the receiver's own answer, or 503 so the clock asks again (a bare OK makes it loop).
      const live = await askLive(
        { method, path, rawQuery, receivedAt, remoteAddress, userAgent, contentType, body },
        PASS_THROUGH[verb as keyof typeof PASS_THROUGH],
      );
      return live === null ? answer(503, 'receiver unavailable', 'relay') : answer(200, live.text, 'receiver', {}, live.charset);
    }

    const carriesData = body.length > 0 || (method !== 'GET' && method !== 'HEAD' && verb !== 'ping');
    if (carriesData) {
      const table = uploadTable(verb, query);
      let id: number;
      try {
        const request: StoredRequest = { method, path, rawQuery, contentType, userAgent, body, receivedAt, remoteAddress, sn, table };
        const [item] = await Promise.all([queue.append(request), devices.noteUpload(sn, table, query)]);
        forwarder.add(item);
        id = item.id;
      } catch (err) {
        // Not on disk, so not acknowledged: the clock keeps the data and sends it again after ErrorDelay.
        reqLog.error({ err, table, bytes: body.length }, 'could not queue an upload; answered 503');
        refusals.note(clock.now(), (err as Error).message);
        return answer(503, 'relay queue unavailable', 'refused', { table, bytes: body.length });
      }
      return answer(200, uploadReply(table, body), 'queued', { id, table, bytes: body.length });
    }

    if (verb === 'ping') return answer(200, 'OK', 'relay');

    const handshake = isHandshake(verb, method, query);
    const shape = handshake ? LIVE_REPLY_SHAPES.handshake : verb === 'getrequest' ? LIVE_REPLY_SHAPES.getrequest : undefined;
    const live = await askLive({ method, path, rawQuery, receivedAt, remoteAddress, userAgent }, shape);
    if (live !== null) {
      if (handshake) await devices.rememberOptions(sn, live.text, clock.now()).catch((err) => reqLog.warn({ err }, 'could not keep the options block'));
      return answer(200, live.text, 'receiver', {}, live.charset);
    }
    // Why the receiver gave no answer (unreachable, refused the token, ...) was logged by askLive.
    if (handshake) {
      const { block, source } = devices.fallbackOptions(sn);
      return answer(200, block, 'relay', { source });
    }
    return answer(200, 'OK', 'relay');
  };

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/relay/status' && (req.method === 'GET' || req.method === 'HEAD')) return statusPage(req, res);
    // Only iClock paths leave the relay.
    const verb = forwardableVerb(path);
    if (verb === null) {
      log.info({ method: req.method, path, status: 404 }, `${req.method} ${path} → 404 (not an iClock path)`);
      return sendText(res, 404, 'Not Found');
    }
    clockRequest(req, res, path, verb).catch((err: unknown) => {
      log.error({ err, path }, 'clock request failed');
      sendText(res, 500, 'Error');
    });
  };
}
