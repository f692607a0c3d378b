// The relay's HTTP client to the receiver, and the one table that turns its answers into decisions.
import http from 'node:http';
import https from 'node:https';
import { parseUploadAck } from '../server/protocol/index.ts';

export interface UpstreamRequest {
  method: string;
  /** Path and raw query as the clock sent them; appended to the upstream base URL unchanged. */
  path: string;
  rawQuery: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  timeoutMs: number;
}

export interface UpstreamReply {
  status: number;
  text: string;
  /** The receiver's Content-Type (its charset says how the bytes in `text` are encoded). */
  contentType?: string;
}

/** No HTTP answer at all: refused, reset, DNS, TLS, or no answer in time. */
export class UpstreamUnreachable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export type Outcome = 'delivered' | 'retry' | 'reject';

/**
 * The receiver's answer to a forwarded upload. 2xx with `OK`/`OK:<n>`: it has it. 408/429/5xx: try again
 * later. Any other answer, including a 2xx that is no iClock acknowledgement (a web page behind a wrong
 * RELAY_UPSTREAM), is no proof of storage: set the entry aside.
 */
export function uploadOutcome(reply: UpstreamReply): Outcome {
  const { status } = reply;
  if (status >= 200 && status < 300) return parseUploadAck(reply.text) ? 'delivered' : 'reject';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'reject';
}

/** What the receiver learns about the clock's original request, on every forwarded or live request. */
export function originHeaders(origin: { receivedAt: string; remoteAddress: string; userAgent?: string; contentType?: string }): Record<string, string> {
  const headers: Record<string, string> = { 'x-relay-received-at': origin.receivedAt, 'x-forwarded-for': origin.remoteAddress };
  if (origin.userAgent) headers['user-agent'] = origin.userAgent;
  if (origin.contentType) headers['content-type'] = origin.contentType;
  return headers;
}

const MAX_REPLY_BYTES = 1024 * 1024;

export interface UpstreamClient {
  send(request: UpstreamRequest): Promise<UpstreamReply>;
  close(): void;
}

/**
 * The relay's name and the serials it forwards go with every request: the receiver lets this relay's
 * token approve only those serials (a made-up serial would otherwise be vouched for by the token).
 */
export function relayHeaders(name: string, serials: readonly string[]): Record<string, string> {
  return { 'x-relay-name': encodeURIComponent(name), 'x-relay-serials': serials.join(',') };
}

export function createUpstreamClient(baseUrl: string, token: string, identity: () => Record<string, string> = () => ({})): UpstreamClient {
  const base = new URL(baseUrl);
  const secure = base.protocol === 'https:';
  const transport = secure ? https : http;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 32 });
  const prefix = base.pathname.replace(/\/+$/, '');

  function send(request: UpstreamRequest): Promise<UpstreamReply> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...request.headers, ...identity(), authorization: `Bearer ${token}` };
      if (request.body) headers['content-length'] = request.body.byteLength;
      let req: http.ClientRequest;
      try {
        req = transport.request({
          agent,
          protocol: base.protocol,
          hostname: base.hostname.replace(/^\[|\]$/g, ''),
          port: base.port || (secure ? 443 : 80),
          method: request.method,
          path: prefix + request.path + (request.rawQuery ? `?${request.rawQuery}` : ''),
          headers,
        });
      } catch (err) {
        // A path Node refuses to put on the wire never reaches the receiver: treat it as a 400 would be.
        resolve({ status: 400, text: `not sendable: ${(err as Error).message}` });
        return;
      }
      // Settles once, whatever fails first: socket, response stream, or the time limit.
      const fail = (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof UpstreamUnreachable ? err : new UpstreamUnreachable(errorText(err)));
        req.destroy();
      };
      const timer = setTimeout(() => fail(new UpstreamUnreachable(`no answer within ${request.timeoutMs} ms`)), request.timeoutMs);
      req.on('error', fail);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_REPLY_BYTES) chunks.push(chunk);
        });
        res.on('error', fail);
        res.on('aborted', () => fail(new UpstreamUnreachable('answer cut off')));
        res.on('end', () => {
          clearTimeout(timer);
          // latin1 keeps every byte: a reply in GB2312 (Chinese-language clocks) reaches the clock unchanged.
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('latin1'), contentType: res.headers['content-type'] });
        });
      });
      req.end(request.body);
    });
  }

  return { send, close: () => agent.destroy() };
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code} ${e.message}` : String(e.message ?? err);
}
