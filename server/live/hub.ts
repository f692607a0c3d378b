// socket.io on the receiver's HTTP server: signed-in viewers only, fed from the IngestBus (the one place
// ingest announces committed data). On real Postgres the adapter relays broadcasts between receivers.
import type http from 'node:http';
import { createAdapter } from '@socket.io/postgres-adapter';
import type pg from 'pg';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import { SESSION_COOKIE, type Authenticator } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/open.ts';
import type { IngestBus, IngestEvents } from '../ingest/events.ts';
import type { CatchUpCursor, ClientToServerEvents, ServerToClientEvents, SocketData } from './events.ts';
import { NameDirectory } from './names.ts';
import { allDevices, liveDevice, livePunches, shopDay, todaysPunches } from './today.ts';

/** Between receivers (through the adapter): names one of them saw change. */
interface InterServerEvents {
  namesChanged: (changed: { pins?: string[]; sn?: string }) => void;
}

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface LiveHub {
  io: LiveServer;
  close(): Promise<void>;
}

export interface LiveDeps {
  server: http.Server;
  database: Database;
  bus: IngestBus;
  auth: Authenticator;
  clock: Clock;
  zone: string;
  log: Logger;
}

/** Postgres NOTIFY carries at most 8000 bytes: batches go out in slices well under it. */
const PUNCHES_PER_MESSAGE = 16;

// Larger payloads go through this table (the adapter's documented schema); kept outside Prisma's
// migrations because it belongs to the adapter and holds only seconds-old messages.
function sessionCookieOf(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** A cookie-authenticated socket must come from a page on this host (no cross-site socket hijacking). */
function sameOrigin(headers: http.IncomingHttpHeaders): boolean {
  if (!headers.origin) return true;
  try {
    return new URL(headers.origin).host === headers.host;
  } catch {
    return false;
  }
}

const sessionRoom = (sessionId: string) => `session:${sessionId}`;

function parseCursor(value: unknown): CatchUpCursor {
  const v = (value ?? {}) as Record<string, unknown>;
  return {
    afterId: typeof v.afterId === 'string' ? v.afterId : null,
    since: typeof v.since === 'string' ? v.since : null,
  };
}

/**
 * The adapter keeps one LISTEN client checked out and watches only its 'end': without an 'error' listener
 * a Postgres restart would crash the receiver. The adapter reconnects on 'end', which follows the error,
 * and forgets the dead client without releasing it.
 */
function listenerSafePool(pool: pg.Pool, log: Logger): pg.Pool {
  const connect = async () => {
    const client = await pool.connect();
    const release = client.release.bind(client);
    const onError = (err: Error) => {
      log.warn({ err: err.message }, 'live adapter lost its Postgres connection; reconnecting');
      // Hand the dead client back so the pool drops it (else pool.end() waits for it forever).
      client.release(err);
    };
    // Our listener lives only while the adapter holds the client; released once, idle errors are the pool's.
    client.release = (err?: Error | boolean) => {
      client.off('error', onError);
      client.release = release;
      release(err);
    };
    client.on('error', onError);
    return client;
  };
  // The adapter calls only connect() and query() on its pool.
  const query = (...args: Parameters<pg.Pool['query']>) => (pool.query as (...a: unknown[]) => unknown)(...args);
  return { connect, query } as unknown as pg.Pool;
}

export async function attachLive(deps: LiveDeps): Promise<LiveHub> {
  const { database, bus, auth, clock, zone, log } = deps;
  const db = database.prisma;
  const io: LiveServer = new Server(deps.server, { serveClient: true, connectionStateRecovery: undefined });

  if (database.pool) {
    // Its socket_io_attachments table comes with the migrations (prisma/migrations).
    io.adapter(createAdapter(listenerSafePool(database.pool, log), { errorHandler: (err) => log.warn({ err }, 'live adapter error') }));
  }

  io.use(async (socket, next) => {
    const given = socket.handshake.auth?.token;
    const fromCookie = typeof given === 'string' ? undefined : sessionCookieOf(socket.request.headers.cookie);
    if (fromCookie) {
      if (!sameOrigin(socket.request.headers)) return next(new Error('unauthorized: cross-site connection'));
      try {
        const session = await auth.sessions.lookup(fromCookie);
        if (!session) return next(new Error('unauthorized: your session has ended, sign in again'));
        socket.data = { subject: session.subject, role: session.role, expiresAt: session.expiresAt.getTime() };
        // Ending the session (sign-out, password change, account removed) closes this socket at once.
        void socket.join(sessionRoom(session.id));
        return next();
      } catch (err) {
        log.warn({ err }, 'live session lookup failed');
        return next(new Error('session lookup failed, retrying'));
      }
    }
    if (typeof given !== 'string' || !given) return next(new Error('unauthorized: sign in first'));
    if (auth.isApiToken(given)) {
      socket.data = { subject: 'api-token', role: 'admin', expiresAt: null };
      return next();
    }
    try {
      const claims = auth.verifyJwt(given);
      socket.data = { subject: claims.sub, role: claims.role, expiresAt: claims.exp * 1000 };
      next();
    } catch (err) {
      next(new Error(`unauthorized: ${err instanceof Error ? err.message : 'invalid credentials'}`));
    }
  });
  // Through the Postgres adapter this reaches the sockets held by every receiver.
  const stopRevocations = auth.sessions.onRevoked((ids) => io.in(ids.map(sessionRoom)).disconnectSockets(true));

  io.on('connection', (socket: LiveSocket) => {
    // A session ends on time even for an open socket: the page reconnects, is refused, and shows sign-in.
    if (socket.data.expiresAt !== null) {
      const timer = setTimeout(() => socket.disconnect(true), Math.min(Math.max(0, socket.data.expiresAt - Date.now()), 2 ** 31 - 1));
      socket.once('disconnect', () => clearTimeout(timer));
    }
    socket.on('catchUp', async (cursor, reply) => {
      if (typeof reply !== 'function') return;
      try {
        reply(await todaysPunches(db, shopDay(clock.now(), zone), parseCursor(cursor)));
      } catch (err) {
        // No reply: the page's ack times out and it asks again, so nothing is skipped.
        log.warn({ err }, 'live catch-up failed');
      }
    });
    socket.on('devices', async (reply) => {
      if (typeof reply !== 'function') return;
      try {
        reply(await allDevices(db, clock.now(), zone));
      } catch (err) {
        log.warn({ err }, 'live device list failed');
      }
    });
  });

  const names = await new NameDirectory(db).start((err) => log.warn({ err }, 'live name reload failed'));
  io.on('namesChanged', (changed) => {
    if (changed.pins) void names.refreshEmployees(changed.pins).catch((err: unknown) => log.warn({ err }, 'live name refresh failed'));
    if (changed.sn) void names.reload().catch((err: unknown) => log.warn({ err }, 'live name reload failed'));
  });

  // Tell the other receivers (Postgres adapter only; alone there is no one to tell).
  const shareNames = (changed: { pins?: string[]; sn?: string }) => database.pool && io.serverSideEmit('namesChanged', changed);

  // Synchronous from commit to emit: no query stands between a punch and its viewers.
  const onPunches = async (...[events]: IngestEvents['punches']) => {
    const punches = livePunches(events, shopDay(clock.now(), zone), names);
    for (let i = 0; i < punches.length; i += PUNCHES_PER_MESSAGE) io.emit('punches', punches.slice(i, i + PUNCHES_PER_MESSAGE));
    // Then, off the hot path, name anyone the directory did not know yet.
    const unknown = names.unknownPins(punches.map((p) => p.pin));
    if (unknown.length === 0) return;
    const named = (await names.refreshEmployees(unknown)).filter((c) => c.name !== null);
    if (named.length > 0) io.emit('employees', named);
  };
  const onDevice = async (...[event]: IngestEvents['device']) => {
    const device = await db.device.findUnique({ where: { sn: event.sn } });
    if (!device) return;
    names.rememberDevice(device.sn, device.name);
    shareNames({ sn: device.sn });
    io.emit('device', liveDevice(device, clock.now(), zone));
  };
  const onEmployees = async (...[event]: IngestEvents['employees']) => {
    const changes = await names.refreshEmployees(event.pins);
    shareNames({ pins: event.pins });
    for (let i = 0; i < changes.length; i += 100) io.emit('employees', changes.slice(i, i + 100));
  };
  const onVoided = async (...[event]: IngestEvents['voided']) => {
    io.emit('voided', event.ids);
  };
  // A failed broadcast must never break ingest; the page's catch-up covers what it missed.
  const guarded =
    <A extends unknown[]>(what: string, fn: (...args: A) => Promise<void>) =>
    (...args: A) =>
      void fn(...args).catch((err: unknown) => log.warn({ err }, `live ${what} broadcast failed`));
  const listeners = {
    punches: guarded('punches', onPunches),
    device: guarded('device', onDevice),
    employees: guarded('employees', onEmployees),
    voided: guarded('voided', onVoided),
  };
  bus.on('punches', listeners.punches);
  bus.on('device', listeners.device);
  bus.on('employees', listeners.employees);
  bus.on('voided', listeners.voided);

  return {
    io,
    async close() {
      stopRevocations();
      bus.off('punches', listeners.punches);
      bus.off('device', listeners.device);
      bus.off('employees', listeners.employees);
      bus.off('voided', listeners.voided);
      names.stop();
      // io.close() also closes the HTTP server (waiting for requests in flight) and the adapter's LISTEN client.
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
