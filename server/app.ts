// buildApp(deps) -> the Express app and the services behind it. No listening, no globals.
import cookieParser from 'cookie-parser';
import express from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { attendanceRoutes } from './api/attendance.ts';
import { auditRoutes } from './audit/routes.ts';
import { commandRoutes } from './api/commands.ts';
import { deviceRoutes } from './api/devices.ts';
import { employeeImportBody, employeeRoutes } from './api/employees.ts';
import { refuseNulInput } from './api/input-guard.ts';
import { uploadRoutes } from './api/uploads.ts';
import { Authenticator } from './auth/principal.ts';
import { accountRoutes } from './auth/account-routes.ts';
import { sessionRoutes } from './auth/session-routes.ts';
import { SessionStore } from './auth/sessions.ts';
import { StaffAccounts } from './auth/staff-accounts.ts';
import { staffRoutes } from './api/staff.ts';
import type { Secrets } from './auth/secrets.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import { ChangeFeed } from './db/changes.ts';
import { DatabaseUnavailable, type Database } from './db/open.ts';
import { AddressWatch } from './devices/address-watch.ts';
import { ClockDriftMonitor } from './devices/clock-drift.ts';
import { CommandQueue } from './devices/commands.ts';
import { correctionRoutes } from './corrections/routes.ts';
import { EmployeeSync } from './devices/employee-sync.ts';
import { Recovery } from './devices/recovery.ts';
import { DeviceRegistry } from './devices/registry.ts';
import { apiBodyTypes } from './http/body-types.ts';
import { errorHandler, RouteNotFound } from './http/errors.ts';
import { requestId } from './http/request-id.ts';
import { historyRoutes } from './history/routes.ts';
import { iclockRoutes } from './iclock/routes.ts';
import { IngestBus } from './ingest/events.ts';
import { UploadApplier } from './ingest/apply.ts';
import { Ingest } from './ingest/process.ts';
import { liveRoutes } from './live/routes.ts';
import { timesheetRoutes } from './timesheets/routes.ts';
import { AlarmWatch } from './alarms/watch.ts';
import { reconciliationRoutes } from './api/reconciliations.ts';
import { relayRoutes } from './api/relays.ts';
import { Reconciler } from './reconcile/reconciler.ts';
import { webhookRoutes } from './api/webhooks.ts';
import { Metrics } from './metrics/metrics.ts';
import { metricsRoutes, timeUploads } from './metrics/routes.ts';
import { WebhookDeliverer } from './webhooks/deliverer.ts';
import { WebhookPublisher } from './webhooks/publisher.ts';
import { WebhookStore } from './webhooks/store.ts';
import { pageRoutes } from './pages/routes.ts';

/** The pages load only their own scripts, styles and socket; no inline code, no framing by other sites. */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  // Shop installs answer on plain http: upgrading the pages' own requests to https would break them.
  upgradeInsecureRequests: null,
};

export interface AppDeps {
  config: Config;
  database: Database;
  secrets: Secrets;
  clock: Clock;
  log: Logger;
}

export interface Services {
  /** Other writers' changes to devices and commands (LISTEN/NOTIFY): keeps the caches true. */
  changes: ChangeFeed;
  bus: IngestBus;
  auth: Authenticator;
  staff: StaffAccounts;
  registry: DeviceRegistry;
  commands: CommandQueue;
  applier: UploadApplier;
  /** The journal as a retried queue: applies uploads, retries failed ones, ingests held ones on approval. */
  ingest: Ingest;
  employees: EmployeeSync;
  recovery: Recovery;
  drift: ClockDriftMonitor;
  webhooks: WebhookStore;
  deliverer: WebhookDeliverer;
  publisher: WebhookPublisher;
  alarms: AlarmWatch;
  metrics: Metrics;
  reconciler: Reconciler;
  addresses: AddressWatch;
}

export function buildServices(deps: AppDeps): Services {
  const db = deps.database.prisma;
  const bus = new IngestBus();
  const sessions = new SessionStore(db, deps.clock, deps.secrets.jwtSecret);
  const auth = new Authenticator(deps.secrets.apiTokens, deps.secrets.jwtSecret, sessions);
  const staff = new StaffAccounts(db, sessions);
  // Device rows and which clocks have commands are cached; changes by anyone on the database reach them.
  const changes = new ChangeFeed(deps.database.changes, deps.log);
  const registry = new DeviceRegistry(db, deps.config, bus, changes, deps.log);
  const commands = new CommandQueue(db, deps.clock, changes);
  changes.subscribe(registry);
  changes.subscribe(commands);
  const applier = new UploadApplier({ db, bus, registry, commands, clock: deps.clock, log: deps.log });
  const ingest = new Ingest({ db, applier, clock: deps.clock, log: deps.log });
  const employees = new EmployeeSync({ db, commands, log: deps.log }).listen(bus);
  const recovery = new Recovery({ db, commands, registry, log: deps.log });
  const drift = new ClockDriftMonitor({ db, bus, commands, registry, log: deps.log });
  const metrics = new Metrics({ db, bus, clock: deps.clock, offlineSeconds: deps.config.deviceOfflineSeconds });
  const webhooks = new WebhookStore(db, deps.clock);
  const deliverer = new WebhookDeliverer({ db, clock: deps.clock, log: deps.log, onResult: (result) => metrics.webhookAttempts.inc({ result }) });
  const publisher = new WebhookPublisher(webhooks, deliverer, deps.log).listen(bus);
  const alarms = new AlarmWatch({ db, clock: deps.clock, log: deps.log, offlineSeconds: deps.config.deviceOfflineSeconds, defaultZone: deps.config.deviceTimezone, publish: (events) => publisher.publish(events) });
  const reconciler = new Reconciler({ db, commands, recovery, registry, clock: deps.clock, log: deps.log, dailyAt: deps.config.reconcileAt, publish: (events) => publisher.publish(events) });
  const addresses = new AddressWatch({ registry, log: deps.log, pinning: deps.config.deviceAddressPinning });
  return { changes, bus, auth, staff, registry, commands, applier, ingest, employees, recovery, drift, webhooks, deliverer, publisher, alarms, metrics, reconciler, addresses };
}

export function buildApp(deps: AppDeps, services: Services): express.Express {
  const { config, clock, log } = deps;
  const db = deps.database.prisma;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Whose X-Forwarded-For/-Proto count (client address, Secure cookies): TRUST_PROXY, loopback by default.
  app.set('trust proxy', config.trustProxy === false || typeof config.trustProxy === 'number' ? config.trustProxy : [...config.trustProxy]);
  app.use(requestId);

  app.use(timeUploads(services.metrics));
  // Devices first, on raw bytes: no JSON or form parser may touch an /iclock body.
  app.use(iclockRoutes({ config, db, clock, log, ...services }));

  app.get('/healthz', async (_req, res) => {
    await deps.database.withSession((s) => s.query('SELECT 1')).catch(() => {
      throw new DatabaseUnavailable();
    });
    res.json({ status: 'ok' });
  });

  app.use(metricsRoutes(services));
  // Pages and API only: clocks get exactly the replies protocol.md shows.
  app.use(helmet({ contentSecurityPolicy: { directives: CONTENT_SECURITY_POLICY } }));
  app.use(cookieParser());
  const pages = { db, auth: services.auth, clock };
  app.use(sessionRoutes({ db, auth: services.auth }));
  app.use(pageRoutes(pages));
  app.use(accountRoutes({ ...pages, staff: services.staff }));
  app.use(liveRoutes({ db, auth: services.auth, clock, zone: config.deviceTimezone }));
  app.use(historyRoutes({ db, auth: services.auth, clock, zone: config.deviceTimezone }));
  app.use('/zkteco/api', apiBodyTypes);
  app.use(employeeImportBody);
  app.use('/zkteco/api', express.json({ limit: '2mb', type: () => true }));
  app.use('/zkteco/api', refuseNulInput);
  app.use(attendanceRoutes({ config, db, clock, ...services }));
  app.use(deviceRoutes({ db, clock, addressPinning: config.deviceAddressPinning, ...services }));
  app.use(commandRoutes({ db, clock, ...services }));
  app.use(employeeRoutes({ db, clock, log, ...services }));
  app.use(correctionRoutes({ config, db, clock, ...services }));
  app.use(auditRoutes({ db, auth: services.auth, zone: config.deviceTimezone }));
  app.use(timesheetRoutes({ db, clock, auth: services.auth, rules: config.timesheets, zoneOf: (d) => services.registry.zoneOf(d) }));
  app.use(reconciliationRoutes({ db, clock, auth: services.auth, registry: services.registry, reconciler: services.reconciler }));
  app.use(relayRoutes({ db, clock, auth: services.auth }));
  app.use(webhookRoutes({ auth: services.auth, webhooks: services.webhooks }));
  app.use(uploadRoutes({ db, ...services }));
  app.use(staffRoutes(services));
  app.use('/zkteco/api', (req) => {
    throw new RouteNotFound(req.method, req.originalUrl);
  });

  app.use(errorHandler(log));
  return app;
}
