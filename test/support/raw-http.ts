// A raw HTTP/1.x client over a socket: sends exactly what a clock sends (HTTP/1.0 included, no
// Content-Type when a device omits it) and returns the reply as the device would read it.
import net from 'node:net';

export interface RawReply {
  status: number;
  headers: Record<string, string>;
  headerNames: string[];
  body: Buffer;
  text: string;
}

export interface RawRequest {
  method: string;
  url: string;
  httpVersion?: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawReply> {
  const { hostname, port } = new URL(baseUrl);
  const body = req.body ?? Buffer.alloc(0);
  const headers = { Host: `${hostname}:${port}`, Connection: 'close', ...req.headers };
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion ?? '1.1'}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (req.method !== 'GET' || body.length > 0) lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const finish = () => {
      try {
        resolve(parseReply(Buffer.concat(chunks)));
      } catch (err) {
        reject(err);
      }
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // Devices may ask to keep the connection (`Connection: starting`): stop once Content-Length is read.
      if (replyComplete(Buffer.concat(chunks))) {
        socket.destroy();
        finish();
      }
    });
    socket.on('error', reject);
    socket.on('end', finish);
    socket.write(Buffer.concat([head, body]));
  });
}

function replyComplete(raw: Buffer): boolean {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) return false;
  const m = /\r\ncontent-length:\s*(\d+)/i.exec(raw.subarray(0, split).toString('latin1'));
  return m !== null && raw.length - split - 4 >= Number(m[1]);
}

function parseReply(raw: Buffer): RawReply {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) throw new Error(`incomplete HTTP reply: ${raw.toString('latin1').slice(0, 200)}`);
  const [statusLine, ...headerLines] = raw.subarray(0, split).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  const headerNames: string[] = [];
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim();
    headerNames.push(name);
    headers[name.toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = raw.subarray(split + 4);
  return { status: Number(statusLine!.split(' ')[1]), headers, headerNames, body, text: body.toString('utf8') };
}
