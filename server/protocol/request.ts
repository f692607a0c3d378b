// Request shapes devices send: path spellings and query names as found in the wild (protocol.md §2).

const VERBS = new Set([
  'cdata', 'getrequest', 'devicecmd', 'ping', 'fdata', 'registry', 'push', 'querydata', 'rtdata', 'exchange', 'file',
]);

/** The iClock verb of a path, tolerating `//`, a trailing `/` and `.aspx`; null when not under /iclock. */
export function iclockVerb(path: string): string | null {
  const clean = path.replace(/\/{2,}/g, '/').replace(/\/+$/, '').toLowerCase();
  const match = /^\/iclock\/([a-z0-9_]+?)(?:\.aspx)?$/.exec(clean);
  if (!match) return clean.startsWith('/iclock') ? 'unknown' : null;
  return VERBS.has(match[1]!) ? match[1]! : 'unknown';
}

export type DeviceQuery = ReadonlyMap<string, string>;

/** Query parameters keyed by lower-case name with trimmed values; the first occurrence wins. */
export function readDeviceQuery(rawQuery: string): DeviceQuery {
  const out = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    const name = key.trim().toLowerCase();
    if (!out.has(name)) out.set(name, value.trim());
  }
  return out;
}

/** The raw query string of a URL ('' when none), kept byte for byte for the journal and the relay. */
export function rawQueryOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

/** Upper-case table name of an upload (`table=` or, for old photo uploads, derived from the verb). */
export function uploadTable(verb: string, query: DeviceQuery): string {
  const table = query.get('table');
  if (table) return table.toUpperCase();
  if (verb === 'fdata') return 'ATTPHOTO';
  return '';
}

export function isHandshake(verb: string, method: string, query: DeviceQuery): boolean {
  return verb === 'cdata' && method === 'GET' && !query.get('table') && !query.get('type');
}
