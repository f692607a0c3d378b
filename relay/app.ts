// The relay's HTTP face: what the clock calls (/iclock/*) and what the shop checks (/relay/status).
// Uploads are queued durably, then answered at once; handshake and getrequest go to the receiver live.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { isHandshake, rawQueryOf, readDeviceQuery, uploadReply, uploadTable } from '../server/protocol/index.ts';
import type { Clock } from '../server/clock.ts';
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
function sendText(res: Response, status: number, text: string, charset = 'utf-8'): void {
  const body = Buffer.from(text, 'latin1');
  res.status(status).set({ 'Content-Type': `text/plain; charset=${charset}`, 'Content-Length': String(body.length) });
  res.end(body);
}

/** Who answered a clock's request, for its one log line. */
type AnsweredBy = 'queued' | 'receiver' | 'relay' | 'refused';

const clientAddress = (req: Request) => (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
const isLoopback = (address: string) => address === '::1' || address.startsWith('127.');

/** 3.x requests whose answer only the receiver can give (a `RegistryCode`, config lines), with their body. */
const PASS_THROUGH = { registry: /^\s*RegistryCode=/, push: undefined } as const satisfies Record<string, RegExp | undefined>;

export function buildRelayApp(deps: RelayAppDeps): express.Express {
  const { queue, devices, forwarder, askLive, health, refusals, contacts, serials, log, clock } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const intake = uploadIntake(deps.intake, (res, reason) => {
    refusals.note(clock.now(), reason);
    sendText(res, 503, 'relay busy');
  });

  app.get('/relay/status', (req, res) => {
    if (deps.statusLoopbackOnly && !isLoopback(clientAddress(req))) {
      return sendText(res, 403, 'relay status is shown only on this PC (RELAY_STATUS_LOOPBACK_ONLY=false shows it to the network)');
    }
    res.json({ ...relayStatus(queue, health, refusals, clock.now()), serials: serials.status(), uploads_reading: intake.load });
  });

  // Only iClock paths, and only from the serials this relay forwards: checked before any body is read.
  app.use((req, res, next) => {
    const path = req.originalUrl.split('?')[0]!;
    const verb = forwardableVerb(path);
    if (verb === null) {
      log.info({ method: req.method, path, status: 404 }, `${req.method} ${path} → 404 (not an iClock path)`);
      return sendText(res, 404, 'Not Found');
    }
    const sn = readDeviceQuery(rawQueryOf(req.originalUrl)).get('sn') ?? '';
    if (!serials.admits(sn, clientAddress(req), clock.now())) {
      res.set('Connection', 'close');
      return sendText(res, 403, 'serial not forwarded by this relay');
    }
    res.locals.verb = verb;
    res.locals.path = path;
    next();
  });

  // Device bodies are bytes whatever the Content-Type says (protocol.md §2.1): never a JSON/form parser.
  app.use(intake.handler, express.raw({ type: () => true, limit: deps.intake.maxBodyBytes }));

  app.use(async (req, res) => {
    const { verb, path } = res.locals as { verb: string; path: string };
    const rawQuery = rawQueryOf(req.originalUrl);
    const query = readDeviceQuery(rawQuery);
    const sn = query.get('sn') ?? '';
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const receivedAt = clock.now().toISOString();
    contacts.note(sn, clock.now());
    const remoteAddress = clientAddress(req);
    const userAgent = req.get('user-agent');
    const reqLog = log.child({ sn, verb, method: req.method });
    // One short info line per clock request, written when it is answered.
    const answer = (status: number, text: string, by: AnsweredBy, fields: Record<string, unknown> = {}, charset?: string) => {
      reqLog.info({ status, answered: by, ...fields }, `${req.method} ${path} → ${status} ${text.split('\n', 1)[0]!.slice(0, 40)} (${by})`);
      sendText(res, status, text, charset);
    };

    if (verb in PASS_THROUGH) {
      // Not punches: the receiver's own answer, or 503 so the clock asks again (a bare OK makes it loop).
      const live = await askLive(
        { method: req.method, path, rawQuery, receivedAt, remoteAddress, userAgent, contentType: req.get('content-type'), body },
        PASS_THROUGH[verb as keyof typeof PASS_THROUGH],
      );
      return live === null ? answer(503, 'receiver unavailable', 'relay') : answer(200, live.text, 'receiver', {}, live.charset);
    }

    const carriesData = body.length > 0 || (req.method !== 'GET' && req.method !== 'HEAD' && verb !== 'ping');
    if (carriesData) {
      const table = uploadTable(verb, query);
      let id: number;
      try {
        const request: StoredRequest = {
          method: req.method,
          path,
          rawQuery,
          contentType: req.get('content-type'),
          userAgent,
          body,
          receivedAt,
          remoteAddress,
          sn,
          table,
        };
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

    const handshake = isHandshake(verb, req.method, query);
    const shape = handshake ? LIVE_REPLY_SHAPES.handshake : verb === 'getrequest' ? LIVE_REPLY_SHAPES.getrequest : undefined;
    const live = await askLive({ method: req.method, path, rawQuery, receivedAt, remoteAddress, userAgent }, shape);
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
  });

  // Body reader failures (too large, connection cut): the clock is told "not delivered".
  app.use((err: { status?: number; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
    log.warn({ status: err.status, error: err.message }, 'clock request could not be read');
    sendText(res, err.status && err.status >= 400 && err.status < 600 ? err.status : 500, 'Error');
  });

  return app;
}
