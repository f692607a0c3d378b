// The JSON API takes JSON bodies only (the employee import takes text/csv): a cross-site form can send
// only form or text/plain bodies, so it cannot reach a route at all. 415 names what is expected.
import type { RequestHandler } from 'express';
import { AppError } from './errors.ts';

const CSV_ROUTES = new Set(['/employees/import']);

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/** Mounted on /zkteco/api, ahead of every body parser. */
export const apiBodyTypes: RequestHandler = (req, _res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD' || !hasBody(req.headers)) return next();
  const csv = CSV_ROUTES.has(req.path);
  const expected = csv ? 'text/csv' : 'application/json';
  if (req.is(expected)) return next();
  next(new AppError(415, 'unsupported_media_type', `Send the body as ${expected} (Content-Type: ${expected})`));
};
