// Reads a clock's request body as bytes, whatever its Content-Type says (protocol.md §2.1), up to a limit.
// A failure carries the HTTP status the clock is answered with: it keeps the data and sends it again.
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';

export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The body source, inflated when the clock (or a proxy before it) compressed it. */
function decoded(req: IncomingMessage): Readable {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding === 'identity') return req;
  if (encoding === 'gzip' || encoding === 'x-gzip') return req.pipe(zlib.createGunzip());
  if (encoding === 'deflate') return req.pipe(zlib.createInflate());
  throw new BodyError(415, `unsupported content encoding "${encoding}"`);
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      return reject(new BodyError(413, `body of ${declared} bytes is over the ${limit}-byte limit`));
    }
    let source: Readable;
    try {
      source = decoded(req);
    } catch (err) {
      req.resume();
      return reject(err);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return fail(new BodyError(413, `body over the ${limit}-byte limit`));
      chunks.push(chunk);
    };
    // The rest of the body is read and dropped, never the socket destroyed: the clock gets the answer.
    const fail = (err: BodyError) => {
      if (settled) return;
      settled = true;
      source.off('data', onData);
      if (source !== req) {
        req.unpipe();
        source.destroy();
      }
      req.resume();
      reject(err);
    };
    source.on('data', onData);
    source.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, size));
    });
    source.once('error', (err) => fail(new BodyError(400, `body could not be read: ${err.message}`)));
    req.once('close', () => {
      if (!req.complete) fail(new BodyError(400, 'request aborted'));
    });
  });
}
