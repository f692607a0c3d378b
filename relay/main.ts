// `npm run relay`: reads settings (a .env file when present; real environment variables win), starts the
// relay, and stops it cleanly on SIGINT/SIGTERM. `npm run relay -- --check` tests the settings and exits.
import dotenv from 'dotenv';
import { FolderLockedError, lockFolder, type FolderLock } from '../server/folder-lock.ts';
import { checkRelay, formatCheck } from './check.ts';
import { ConfigError, readRelayConfig, type RelayConfig } from './config.ts';
import { createRelayLogger } from './logger.ts';
import { buildRelay } from './relay.ts';

dotenv.config({ quiet: true });

let config: Readonly<RelayConfig>;
try {
  config = readRelayConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`relay: ${err.message}`);
  process.exit(1);
}

if (process.argv.includes('--check')) {
  const lines = await checkRelay(config);
  console.log(formatCheck(lines));
  process.exit(lines.every((line) => line.ok) ? 0 : 1);
}

// One relay per queue folder, for the life of this process (released on exit; a killed one's lock is stale).
let lock: FolderLock;
try {
  lock = lockFolder({ dir: config.dataDir, setting: 'RELAY_DATA_DIR', name: 'relay.lock', program: 'relay' });
} catch (err) {
  if (!(err instanceof FolderLockedError)) throw err;
  console.error(`relay: ${err.message}`);
  process.exit(1);
}

const log = createRelayLogger(config.logLevel, { pretty: process.stdout.isTTY });
if (!lock.held) log.warn({ problem: lock.problem }, 'disk full: running without the RELAY_DATA_DIR lock (no other relay was found on it)');
// lmdb-js rejects an internal promise of its own when a commit fails (disk full, I/O error); the write
// itself is awaited and answered 503. Anything else unhandled still ends the process, as Node would.
process.on('unhandledRejection', (reason: unknown) => {
  if (reason instanceof Error && 'commitError' in reason) {
    log.error({ err: reason }, 'queue write failed (disk full or I/O error)');
    return;
  }
  log.fatal({ err: reason }, 'unhandled rejection');
  process.exit(1);
});
const relay = await buildRelay({ config, log });

// Handlers go in before the port is announced: a signal with no listener kills the process outright.
let stopping = false;
// SIGBREAK: Ctrl+Break in a Windows console (services stopped by NSSM get Ctrl+C, i.e. SIGINT).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGBREAK'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'relay stopping');
    relay.close().then(
      () => {
        log.info('relay stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'relay did not stop cleanly');
        process.exit(1);
      },
    );
  });
}

const address = await relay.listen(config.port, config.host).catch((err: Error) => {
  log.fatal({ err }, `cannot listen on ${config.host}:${config.port}`);
  process.exit(1);
});
log.info({ host: address.address, port: address.port, upstream: config.upstream }, 'relay listening');

