// A request id on every reply (X-Request-Id) and on every log line written while the request is handled.
// A caller's own id (a proxy's, the ERP's) is kept when it looks like an id; anything else gets a new one.
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { logContext } from '../log.ts';

const SANE_ID = /^[\w.:@+=/-]{1,128}$/;

export const REQUEST_ID_HEADER = 'X-Request-Id';

export function requestIdOf(incoming: unknown): string {
  return typeof incoming === 'string' && SANE_ID.test(incoming) ? incoming : randomUUID();
}

export const requestId: RequestHandler = (req, res, next) => {
  const reqId = requestIdOf(req.get(REQUEST_ID_HEADER));
  res.locals.reqId = reqId;
  res.set(REQUEST_ID_HEADER, reqId);
  logContext.run({ reqId }, next);
};
