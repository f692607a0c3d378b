// Replies to devices: 200 text/plain with Content-Length and a Date from our clock (the device sets its
// time from it), never chunked, never compressed (protocol.md §2.3).
import type { Response } from 'express';
import type { Clock } from '../clock.ts';

export function sendDeviceText(res: Response, clock: Clock, text: string, status = 200): void {
  res.status(status);
  res.setHeader('Date', clock.now().toUTCString());
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
