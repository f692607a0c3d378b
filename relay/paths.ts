// Which request paths the relay forwards with its token: only iClock ones, spelled as clocks spell them.
import { iclockVerb } from '../server/protocol/index.ts';

/**
 * `/iclock/<verb>` with the spellings clocks use (`//`, trailing `/`, `.aspx`), nothing else: no dot
 * segments, no percent escapes, no backslashes, which a proxy in front of the receiver could resolve to a
 * path outside /iclock (`/iclock/../zkteco/api/employees` would reach the admin API with the relay's token).
 */
const CLOCK_PATH = /^\/+iclock(?:\/+[A-Za-z0-9_-]+(?:\.aspx)?)*\/*$/;

/** The iClock verb of a path the relay may forward, or null. */
export function forwardableVerb(path: string): string | null {
  if (!CLOCK_PATH.test(path)) return null;
  // Resolving the path as any URL parser would must leave it unchanged.
  if (new URL(`http://relay.invalid${path}`).pathname !== path) return null;
  return iclockVerb(path);
}
