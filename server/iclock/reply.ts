// Replies to devices: 200 text/plain with Content-Length and a Date from our clock (the device sets its
// time from it), never chunked, never compressed (protocol.md §2.3). A Chinese-language clock reads
// command lines in GB2312 (encoded as GB18030); every other reply is UTF-8.
import type { Response } from 'express';
import type { Clock } from '../clock.ts';
import { encodeGb18030 } from '../devices/device-encoding.ts';

export function sendDeviceText(res: Response, clock: Clock, text: string, status = 200, encoding: 'utf-8' | 'gb18030' = 'utf-8'): void {
  const body = encoding === 'gb18030' ? encodeGb18030(text) : Buffer.from(text, 'utf8');
  res.status(status);
  res.setHeader('Date', clock.now().toUTCString());
  res.setHeader('Content-Type', `text/plain; charset=${encoding}`);
  res.setHeader('Content-Length', body.length);
  res.end(body);
}
