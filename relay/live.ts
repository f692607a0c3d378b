// Requests that need the receiver's say now (handshake, getrequest, other bodiless GETs): asked live with a
// short time limit; null means "answer the clock locally".
import type { Logger } from 'pino';
import type { Clock } from '../server/clock.ts';
import type { UpstreamHealth } from './status.ts';
import { originHeaders, type UpstreamClient } from './upstream.ts';

/** The shapes a clock can use; anything else (a web page behind a wrong RELAY_UPSTREAM) is answered locally. */
export const LIVE_REPLY_SHAPES = Object.freeze({
  handshake: /^\s*GET OPTION FROM:/i,
  getrequest: /^\s*(OK|C:)/,
});

export interface LiveRequest {
  method: string;
  path: string;
  rawQuery: string;
  receivedAt: string;
  remoteAddress: string;
  userAgent?: string;
  contentType?: string;
  /** Sent only when non-empty (3.x registry and push carry one). */
  body?: Uint8Array;
}

/** The receiver's answer: its bytes (one char each, latin1) and the charset it labelled them with. */
export interface LiveReply {
  text: string;
  charset: string;
}

export type AskLive = (request: LiveRequest, shape?: RegExp) => Promise<LiveReply | null>;

/** `charset=` of a Content-Type; device text is UTF-8 unless said otherwise (GB18030 to Chinese clocks). */
export function charsetOf(contentType: string | undefined): string {
  return /;\s*charset="?([\w.:-]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase() ?? 'utf-8';
}

export function liveAsker(deps: { upstream: UpstreamClient; health: UpstreamHealth; clock: Clock; log: Logger; timeoutMs: number }): AskLive {
  const { upstream, health, clock, log, timeoutMs } = deps;
  return async (request, shape) => {
    try {
      const { method, path, rawQuery, body } = request;
      const reply = await upstream.send({ method, path, rawQuery, headers: originHeaders(request), body: body?.byteLength ? body : undefined, timeoutMs });
      const ok = reply.status >= 200 && reply.status < 300 && (!shape || shape.test(reply.text));
      if (ok) {
        health.reached(clock.now());
        return { text: reply.text, charset: charsetOf(reply.contentType) };
      }
      health.refused(clock.now(), { message: `receiver answered ${reply.status} to ${path}: ${reply.text.slice(0, 120)}`, status: reply.status });
      if (reply.status === 401) log.warn({ path, status: 401 }, 'the receiver refused the token (401): check RELAY_TOKEN; answering the clock locally');
      else log.warn({ path, status: reply.status }, 'receiver gave no usable live answer; answering locally');
      return null;
    } catch (err) {
      health.unreachable(clock.now(), `receiver unreachable: ${(err as Error).message}`);
      log.debug({ path: request.path, error: (err as Error).message }, 'receiver unreachable; answering locally');
      return null;
    }
  };
}
