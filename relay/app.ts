// The relay's HTTP face: what the clock calls (/iclock/*) and what the shop checks (/relay/status).
// Uploads are queued durably, then answered at once; handshake and getrequest go to the receiver live.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { iclockVerb, isHandshake, rawQueryOf, readDeviceQuery, uploadReply, uploadTable } from '../server/protocol/index.ts';
import type { Clock } from '../server/clock.ts';
import type { DeviceMemories } from './devices.ts';
import type { Forwarder } from './forwarder.ts';
import type { ClockContacts } from './heartbeat.ts';
import { LIVE_REPLY_SHAPES, type AskLive } from './live.ts';
import type { RelayQueue } from './queue.ts';
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
  log: Logger;
  clock: Clock;
}

/**
 * Plain text with a Content-Length (never chunked); Node adds the Date header the clock sets its time from.
 * Text is byte-per-char (latin1): the receiver's live answers pass through byte for byte (upstream.ts),
 * and everything the relay writes itself is ASCII.
 */
function sendText(res: Response, status: number, text: string): void {
  const body = Buffer.from(text, 'latin1');
  res.status(status).set({ 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(body.length) });
  res.end(body);
}

const clientAddress = (req: Request) => (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');

export function buildRelayApp(deps: RelayAppDeps): express.Express {
  const { queue, devices, forwarder, askLive, health, refusals, contacts, log, clock } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/relay/status', (_req, res) => {
    res.json(relayStatus(queue, health, refusals, clock.now()));
  });

  // Device bodies are bytes whatever the Content-Type says (protocol.md §2.1): never a JSON/form parser.
  app.use(express.raw({ type: () => true, limit: '20mb' }));

  app.use(async (req, res) => {
    const path = req.originalUrl.split('?')[0]!;
    const verb = iclockVerb(path);
    if (verb === null) return sendText(res, 404, 'Not Found');
    const rawQuery = rawQueryOf(req.originalUrl);
    const query = readDeviceQuery(rawQuery);
    const sn = query.get('sn') ?? '';
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const receivedAt = clock.now().toISOString();
    contacts.note(sn, clock.now());
    const remoteAddress = clientAddress(req);
    const userAgent = req.get('user-agent');
    const reqLog = log.child({ sn, verb, method: req.method });

    const carriesData = body.length > 0 || (req.method !== 'GET' && req.method !== 'HEAD' && verb !== 'ping');
    if (carriesData) {
      const table = uploadTable(verb, query);
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
        reqLog.info({ id: item.id, table, bytes: body.length }, 'queued');
      } catch (err) {
        // Not on disk, so not acknowledged: the clock keeps the data and sends it again after ErrorDelay.
        reqLog.error({ err, table, bytes: body.length }, 'could not queue an upload; answered 503');
        refusals.note(clock.now(), (err as Error).message);
        return sendText(res, 503, 'relay queue unavailable');
      }
      return sendText(res, 200, uploadReply(table, body));
    }

    if (verb === 'ping') return sendText(res, 200, 'OK');

    const handshake = isHandshake(verb, req.method, query);
    const shape = handshake ? LIVE_REPLY_SHAPES.handshake : verb === 'getrequest' ? LIVE_REPLY_SHAPES.getrequest : undefined;
    const live = await askLive({ method: req.method, path, rawQuery, receivedAt, remoteAddress, userAgent }, shape);
    if (live !== null) {
      if (handshake) await devices.rememberOptions(sn, live, clock.now()).catch((err) => reqLog.warn({ err }, 'could not keep the options block'));
      return sendText(res, 200, live);
    }
    if (handshake) {
      const { block, source } = devices.fallbackOptions(sn, clock.now());
      reqLog.warn({ source }, 'receiver unavailable: answered the handshake from the relay');
      return sendText(res, 200, block);
    }
    reqLog.debug('receiver unavailable: answered OK');
    return sendText(res, 200, 'OK');
  });

  // Body reader failures (too large, connection cut): the clock is told "not delivered".
  app.use((err: { status?: number; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
    log.warn({ status: err.status, error: err.message }, 'clock request could not be read');
    sendText(res, err.status && err.status >= 400 && err.status < 600 ? err.status : 500, 'Error');
  });

  return app;
}
