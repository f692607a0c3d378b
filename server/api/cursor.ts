// Opaque pagination cursor: the (instant, id) of the last item of a page, newest-first order.
import { AppError } from '../http/errors.ts';

const MAX_BIGINT = 9_223_372_036_854_775_807n;

export function encodeCursor(p: { instant: Date; id: bigint }): string {
  return Buffer.from(JSON.stringify([p.instant.toISOString(), String(p.id)])).toString('base64url');
}

export function decodeCursor(cursor: string): { instant: Date; id: bigint } {
  try {
    const [instant, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const at = new Date(instant);
    // Postgres bigint and timestamptz bounds: a forged 10^26 must be a 400, not a failed query.
    if (Number.isNaN(at.getTime()) || at.getUTCFullYear() > 9999 || !/^\d{1,19}$/.test(id) || BigInt(id) > MAX_BIGINT) throw new Error('bad cursor');
    return { instant: at, id: BigInt(id) };
  } catch {
    throw new AppError(400, 'invalid_request', 'cursor: not a cursor this API returned');
  }
}

/** One page of rows fetched with `take: limit + 1`: the first `limit`, and a cursor when there are more. */
export function cursorPage<T>(rows: T[], limit: number, keyOf: (row: T) => { instant: Date; id: bigint }): { items: T[]; next_cursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
