// The ERP receiver's entry: the only place that reads the environment. Settings and the folder lock are
// checked first; the receiver itself (server/serve.ts) is loaded once they hold.
import 'dotenv/config';
import { ConfigError, readConfig } from './config.ts';
import { lockEmbeddedDataDir, makeDataDirPrivate, PRIVATE_UMASK } from './db/data-dir.ts';
import { FolderLockedError } from './folder-lock.ts';
import { createLogger } from './log.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = readConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel, { pretty: process.stdout.isTTY });
  // Secrets and database files are the receiver's alone: 0700/0600 for what exists and what it creates.
  process.umask(PRIVATE_UMASK);
  const tightened = await makeDataDirPrivate(config.dataDir);
  if (tightened > 0) log.warn({ dataDir: config.dataDir, entries: tightened }, 'DATA_DIR was readable by other users; set to owner only (0700/0600)');
  try {
    lockEmbeddedDataDir(config, 'receiver');
  } catch (err) {
    if (!(err instanceof FolderLockedError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
  // Express, Prisma and the embedded database are loaded only now: a wrong setting or a second start on
  // this folder is told in half a second, without loading them (about 1 s of CPU).
  const { serve } = await import('./serve.ts');
  await serve(config, log);
}

main().catch((err) => {
  console.error(`Receiver failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
