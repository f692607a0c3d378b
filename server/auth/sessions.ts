// Server-side staff sessions: the cookie holds a random secret, the table its hash. Ending a session is
// deleting its row, so sign-out, a password change or an account's removal takes effect at once.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import type { Role } from './principal.ts';

/** A working shift and then some; after it the page sends the user back to the form. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

export interface Session {
  /** SHA-256 of the cookie value: the row's key, and the socket.io room of its sockets. */
  id: string;
  subject: string;
  role: Role;
  expiresAt: Date;
  /** The CSRF token of this session (see csrf.ts). */
  csrf: string;
}

export type RevokedListener = (sessionIds: string[]) => void;

const hashOf = (cookieValue: string) => createHash('sha256').update(cookieValue).digest('hex');

export class SessionStore {
  private readonly listeners = new Set<RevokedListener>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** Keys the CSRF tokens: a token is an HMAC of the session's secret, so it is never stored. */
    private readonly secret: string,
  ) {}

  /** Open sockets of ended sessions are closed by whoever listens (the live hub). */
  onRevoked(listener: RevokedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A new session; returns the cookie value (shown to the browser only) and the session. */
  async create(claims: { subject: string; role: Role; via: 'password' | 'handoff' }): Promise<{ cookie: string; session: Session }> {
    const now = this.clock.now();
    const cookie = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SESSION_TTL_SECONDS * 1000);
    // Expired rows go as new ones come: the table stays the size of the sessions in use.
    await this.db.staffSession.deleteMany({ where: { expiresAt: { lt: now } } });
    await this.db.staffSession.create({ data: { id: hashOf(cookie), subject: claims.subject, role: claims.role, via: claims.via, expiresAt } });
    return { cookie, session: { id: hashOf(cookie), subject: claims.subject, role: claims.role, expiresAt, csrf: this.csrfOf(cookie) } };
  }

  /** The live session behind a cookie value, or undefined (unknown, ended or expired). */
  async lookup(cookie: string): Promise<Session | undefined> {
    const row = await this.db.staffSession.findUnique({ where: { id: hashOf(cookie) } });
    if (!row || row.expiresAt.getTime() <= this.clock.now().getTime()) return undefined;
    return { id: row.id, subject: row.subject, role: row.role === 'admin' ? 'admin' : 'staff', expiresAt: row.expiresAt, csrf: this.csrfOf(cookie) };
  }

  /** Ends one session (sign-out). */
  async end(sessionId: string): Promise<void> {
    await this.db.staffSession.deleteMany({ where: { id: sessionId } });
    this.announce([sessionId]);
  }

  /** Ends every session of a user (password changed, account removed or demoted), but `keep`. */
  async endAllOf(subject: string, keep?: string): Promise<number> {
    const rows = await this.db.staffSession.findMany({ where: { subject, ...(keep ? { id: { not: keep } } : {}) }, select: { id: true } });
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) return 0;
    await this.db.staffSession.deleteMany({ where: { id: { in: ids } } });
    this.announce(ids);
    return ids.length;
  }

  private csrfOf(cookie: string): string {
    return createHmac('sha256', this.secret).update(`csrf\0${cookie}`).digest('base64url');
  }

  private announce(ids: string[]): void {
    for (const listener of this.listeners) listener(ids);
  }
}
