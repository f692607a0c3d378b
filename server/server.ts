// Starts a receiver on an HTTP server: used by main.ts, by the tests (port 0) and by the bench.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { buildApp, buildServices, type Services } from './app.ts';
import { loadSecrets, type Secrets } from './auth/secrets.ts';
import { ensureAdminAccount, type GeneratedAdmin } from './auth/staff.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Database } from './db/open.ts';
import { attachLive, type LiveHub } from './live/hub.ts';

export interface Receiver {
  url: string;
  server: http.Server;
  services: Services;
  secrets: Secrets;
  /** Set when start-up created the first admin account: its password is printed once. */
  generatedAdmin: GeneratedAdmin | undefined;
  /** socket.io for the live page, on the same HTTP server. */
  live: LiveHub;
  close(): Promise<void>;
}

export interface ReceiverDeps {
  config: Config;
  database: Database;
  clock: Clock;
  log: Logger;
}

export async function startReceiver(deps: ReceiverDeps, listen = { port: deps.config.port, host: deps.config.host }): Promise<Receiver> {
  const secrets = await loadSecrets(deps.config);
  const services = buildServices({ ...deps, secrets });
  const app = buildApp({ ...deps, secrets }, services);
  const generatedAdmin = await ensureAdminAccount(deps.database.prisma, deps.config.admin, deps.config.dataDir);
  const server = http.createServer(app);
  server.keepAliveTimeout = 5_000;
  const live = await attachLive({ server, database: deps.database, bus: services.bus, auth: services.auth, clock: deps.clock, zone: deps.config.deviceTimezone, log: deps.log });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  // Uploads journaled but never applied (a crash, a failed apply) are applied now, and retried from then on.
  await services.ingest.start({ releaseLeases: deps.database.kind === 'embedded' });
  await services.changes.start();
  services.registry.lastSeen.start();
  services.deliverer.start();
  services.alarms.start();
  services.reconciler.start();
  const { port } = server.address() as AddressInfo;
  const host = listen.host === '0.0.0.0' || listen.host === '::' ? '127.0.0.1' : listen.host;
  return {
    url: `http://${host}:${port}`,
    server,
    services,
    secrets,
    generatedAdmin,
    live,
    async close() {
      await Promise.all([services.deliverer.stop(), services.alarms.stop(), services.reconciler.stop()]);
      // Closing socket.io closes the HTTP server too, after its sockets and adapter.
      const closing = live.close();
      server.closeIdleConnections();
      await closing;
      await services.ingest.stop();
      // No poll comes in any more: the contact times kept in memory are written now.
      await services.registry.lastSeen.stop();
      await services.changes.close();
    },
  };
}
