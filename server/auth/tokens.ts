// Bearer tokens compared in constant time: both sides hashed to equal length, every token checked.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function tokenMatcher(tokens: readonly string[]): (candidate: string) => boolean {
  const digests = tokens.map(digest);
  return (candidate) => {
    const d = digest(candidate);
    let match = false;
    for (const known of digests) match = timingSafeEqual(d, known) || match;
    return match;
  };
}

/** The token of an `Authorization: Bearer …` header, or undefined. */
export function bearerOf(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}
