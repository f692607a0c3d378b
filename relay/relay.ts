// Wires the relay: store, queue, forwarder, HTTP app. Building is separate from listening, so tests and
// benches run it on port 0 in-process; main.ts is the only place that reads the environment.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { buildRelayApp } from './app.ts';
import { systemClock, type Clock } from '../server/clock.ts';
import type { RelayConfig } from './config.ts';
import { DeviceMemories } from './devices.ts';
import { DiskGuard } from './disk.ts';
import { Forwarder } from './forwarder.ts';
import { ClockContacts, RelayReporter } from './heartbeat.ts';
import { liveAsker } from './live.ts';
import { RelayQueue } from './queue.ts';
import { SerialGate } from './serials.ts';
import { IntakeRefusals, relayStatus, UpstreamHealth } from './status.ts';
import { openRelayStore } from './store.ts';
import { createUpstreamClient, relayHeaders } from './upstream.ts';

export interface RelayDeps {
  config: Readonly<RelayConfig>;
  log: Logger;
  clock?: Clock;
}

export interface Relay {
  /** Starts forwarding and listens; resolves with the bound address (port 0 picks a free port). */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, finishes requests in flight, stops forwarding, closes the store. */
  close(): Promise<void>;
  status(): ReturnType<typeof relayStatus>;
}

const FORWARD_GRACE_MS = 5_000;

export async function buildRelay({ config, log, clock = systemClock }: RelayDeps): Promise<Relay> {
  const store = openRelayStore(config.dataDir);
  const disk = new DiskGuard(config.dataDir);
  const queue = new RelayQueue(store, config.queueMaxBytes, disk);
  // The entries are queued again either way; only their marks stay when the disk is full.
  const released = await queue.releaseRejectedFromEarlierRun().catch((err: unknown) => {
    log.error({ err }, 'could not clear the marks of entries set aside in an earlier run');
    return 0;
  });
  if (released > 0) log.warn({ count: released }, 'entries the receiver refused in an earlier run are queued again');
  warnIfCleartext(config.upstream, log);
  const serials = new SerialGate({ configured: config.serials, dataDir: config.dataDir, learnMs: config.learnMs, log });
  const health = new UpstreamHealth();
  const upstream = createUpstreamClient(config.upstream, config.token, () => relayHeaders(config.name, serials.list()));
  const devices = new DeviceMemories(store, disk);
  const forwarder = new Forwarder({ queue, upstream, health, settings: config.forwarding, log, clock });
  const askLive = liveAsker({ upstream, health, clock, log, timeoutMs: config.forwarding.liveTimeoutMs });
  const refusals = new IntakeRefusals();
  const contacts = new ClockContacts();
  const status = () => relayStatus(queue, health, refusals, clock.now());
  const reporter = new RelayReporter({ upstream, name: config.name, everySeconds: config.reportSeconds, status, contacts, clock, log });
  const app = buildRelayApp({
    queue, devices, forwarder, askLive, health, refusals, contacts, serials, log, clock,
    intake: config.intake,
    statusLoopbackOnly: config.statusLoopbackOnly,
  });
  const server = http.createServer(app);
  let closing: Promise<void> | null = null;

  return {
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          forwarder.start();
          reporter.start();
          log.info({ pending: queue.pending.size, data_dir: config.dataDir }, 'forwarding started');
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await stopped;
        await reporter.stop();
        await forwarder.stop(FORWARD_GRACE_MS);
        await store.close();
      })();
      return closing;
    },
    status,
  };
}

/** The token and every punch cross the internet in clear over plain http:// to anything but this machine. */
function warnIfCleartext(upstream: string, log: Logger): void {
  const { protocol, hostname } = new URL(upstream);
  const loopback = hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname);
  if (protocol === 'http:' && !loopback) {
    log.warn({ upstream }, 'RELAY_UPSTREAM is plain http:// to another machine: the token and the punches travel unencrypted; use https://');
  }
}
