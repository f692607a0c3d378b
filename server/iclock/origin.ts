// Where an /iclock request comes from: a clock directly, or a relay holding a token, which says for which
// clock (X-Forwarded-For), when it arrived (X-Relay-Received-At) and which serials it forwards.
import type { Request } from 'express';

export function relayReceivedAt(req: Request, now: Date): Date {
  const header = req.headers['x-relay-received-at'];
  const at = typeof header === 'string' ? new Date(header) : undefined;
  return at && !Number.isNaN(at.getTime()) && at.getTime() <= now.getTime() + 60_000 ? at : now;
}

/** The clock's address: the relay's word for it when the request carries a valid token, else the client as TRUST_PROXY's proxies report it. */
export function clientAddress(req: Request, trusted: boolean): string | undefined {
  const forwarded = req.headers['x-forwarded-for'];
  if (trusted && typeof forwarded === 'string' && forwarded) return forwarded.split(',')[0]!.trim();
  return (req.ip ?? req.socket.remoteAddress)?.replace(/^::ffff:/, '') ?? undefined;
}

export interface RelayOrigin {
  /** RELAY_NAME of the relay (X-Relay-Name), or a stand-in for a token holder that names none. */
  name: string;
  /** The serials the relay is set to forward (X-Relay-Serials): its token vouches for these only. */
  serials: ReadonlySet<string>;
}

const header = (req: Request, name: string) => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : '';
};

/** Read only for a request whose Bearer token was checked. */
export function relayOrigin(req: Request): RelayOrigin {
  let name = header(req, 'x-relay-name');
  try {
    name = decodeURIComponent(name);
  } catch {
    // kept as sent
  }
  const serials = header(req, 'x-relay-serials').split(',').map((sn) => sn.trim()).filter(Boolean);
  return { name: name.trim().slice(0, 100) || 'token holder without RELAY_NAME', serials: new Set(serials) };
}
