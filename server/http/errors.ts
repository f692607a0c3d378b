// One error type carrying its HTTP status, and one place that turns any error into a response.
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface HttpError {
  status: number;
  body: { error: string; message: string; details?: unknown };
}

/** Names each wrong field as `[index].field` for batches, `field` for a single object. */
export function zodDetails(err: ZodError): { path: string; message: string }[] {
  return err.issues.map((issue) => ({
    path: issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(body)',
    message: issue.message,
  }));
}

export function toHttp(err: unknown): HttpError {
  if (err instanceof AppError) {
    return { status: err.status, body: { error: err.code, message: err.message, details: err.details } };
  }
  if (err instanceof ZodError) {
    const details = zodDetails(err);
    const first = details[0]!;
    return { status: 400, body: { error: 'invalid_request', message: `${first.path}: ${first.message}`, details } };
  }
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.too.large') {
    return { status: 413, body: { error: 'payload_too_large', message: 'Request body is over the size limit' } };
  }
  if (e?.type === 'entity.parse.failed') {
    return { status: 400, body: { error: 'invalid_json', message: 'Request body is not valid JSON' } };
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return { status: e.status, body: { error: 'bad_request', message: e.message ?? 'Bad request' } };
  }
  return { status: 500, body: { error: 'internal', message: 'Internal error' } };
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { status, body } = toHttp(err);
    if (status >= 500) log.error({ err, path: req.path }, 'request failed');
    if (res.headersSent) return;
    res.status(status).json(body);
  };
}
