// One error type carrying its HTTP status, and one place that turns any error into a response:
// AppError (edge errors: auth, route validation), ZodError (400 naming the field), the domain errors and
// body-parser errors of the tables in domain-errors.ts, else 500. Routes only throw; nothing else answers errors.
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { BODY_PARSER_ERRORS, domainErrors } from './domain-errors.ts';

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

/** Names each wrong field as `[index].field` for batches, `field` for a single object; each unknown field by name. */
export function zodDetails(err: ZodError): { path: string; message: string }[] {
  const pathText = (path: readonly PropertyKey[]) =>
    path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(body)';
  return err.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pathText([...issue.path, key]), message: 'is not a known field' }))
      : [{ path: pathText(issue.path), message: issue.message }],
  );
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
  const rule = domainErrors().find(([type]) => err instanceof type);
  if (rule) return { status: rule[1], body: { error: rule[2], message: (err as Error).message } };
  const e = err as { type?: unknown; status?: unknown; expose?: unknown; message?: string };
  const parserError = typeof e?.type === 'string' ? BODY_PARSER_ERRORS[e.type] : undefined;
  if (parserError) return { status: parserError[0], body: { error: parserError[1], message: parserError[2] } };
  // Express's own client errors (http-errors marked safe to show, e.g. a path that does not decode).
  if (e?.expose === true && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return { status: e.status, body: { error: 'bad_request', message: e.message ?? 'Bad request' } };
  }
  return { status: 500, body: { error: 'internal', message: 'Internal error' } };
}

/** The last middleware: every route error becomes its reply here. 4xx are the caller's: info; 5xx: error. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { status, body } = toHttp(err);
    if (status >= 500) log.error({ err, method: req.method, path: req.path, status }, 'request failed');
    else log.info({ method: req.method, path: req.path, status, code: body.error }, body.message);
    if (res.headersSent) return;
    // The id ties a 500 the caller saw to the log line that says what went wrong.
    const reqId = res.locals.reqId as string | undefined;
    if (status >= 500 && reqId) body.message = `${body.message} (request ${reqId}; details in the server log)`;
    res.status(status).json(body);
  };
}

/** Unknown routes under an API prefix: JSON 404, not Express's HTML page. */
export class RouteNotFound extends AppError {
  constructor(method: string, url: string) {
    super(404, 'not_found', `No route ${method} ${url.split('?')[0]}`);
  }
}
