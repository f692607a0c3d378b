// No API input may carry a NUL: Postgres text cannot hold one, so it would surface as a 500 from deep
// inside a query. Checked once, for every route, on the path, the query and the JSON body; the answer is
// a 400 naming the field. (Each route's schema bounds lengths and formats; this is the floor under all.)
import type { RequestHandler } from 'express';
import { AppError } from '../http/errors.ts';

/** Where a NUL sits in a parsed JSON value or query object, as `[2].name`; null when there is none. */
export function nulPath(value: unknown, root = ''): string | null {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [item, at] = stack.pop()!;
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return at || '(body)';
    } else if (Array.isArray(item)) {
      item.forEach((child, i) => stack.push([child, `${at}[${i}]`]));
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        const path = at ? `${at}.${key}` : key;
        if (key.includes('\u0000')) return path.replace(/\u0000/g, '\\0');
        stack.push([child, path]);
      }
    }
  }
  return null;
}

const refuse = (field: string) =>
  new AppError(400, 'invalid_request', `${field}: must not contain a NUL character`, [{ path: field, message: 'must not contain a NUL character' }]);

export const refuseNulInput: RequestHandler = (req, _res, next) => {
  if (/%00/i.test(req.path)) return next(refuse('path'));
  const inQuery = nulPath(req.query);
  if (inQuery) return next(refuse(inQuery));
  const inBody = Buffer.isBuffer(req.body) ? null : nulPath(req.body);
  if (inBody) return next(refuse(inBody));
  next();
};
