// The receiver once its settings are read and its folder locked (server/main.ts): the database opened, the
// server listening, the start-up banner, and a clean stop on SIGINT/SIGTERM.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { adminPasswordFile } from './auth/staff.ts';
import { startupBanner } from './banner.ts';
import { systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { makeDataDirPrivate } from './db/data-dir.ts';
import { openDatabase } from './db/open.ts';
import { unsetZoneWarning } from './devices/clock-offset.ts';
import { startReceiver } from './server.ts';

export async function serve(config: Config, log: Logger): Promise<void> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
    onConnectionError: (err) => log.warn({ err: err.message }, 'database connection lost; will reconnect on next use'),
  });
  // The embedded database sets 0666 on the files it creates, whatever the umask; DATA_DIR's own 0700 keeps
  // them out of reach, and they are set 0600 again now and at every stop.
  await makeDataDirPrivate(config.dataDir);
  const receiver = await startReceiver({ config, database, clock: systemClock, log });

  const { generatedTokenFile, tokenFile } = receiver.secrets;
  const passwordFile = adminPasswordFile(config.dataDir);
  const lines = startupBanner({
    host: config.host,
    port: Number(new URL(receiver.url).port),
    database: database.describe,
    token: {
      generated: generatedTokenFile ? { file: generatedTokenFile, value: (await readFile(generatedTokenFile, 'utf8')).trim() } : undefined,
      file: tokenFile,
    },
    admin: {
      generated: receiver.generatedAdmin,
      fromSettings: config.admin?.user,
      passwordFile: existsSync(passwordFile) ? passwordFile : undefined,
      staffAccounts: await database.prisma.staffUser.count(),
    },
  });
  const zoneWarning = unsetZoneWarning(config, systemClock.now());
  if (zoneWarning) lines.push(zoneWarning);
  // Signal handlers go in before the banner: a signal with no listener kills the process outright.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: finishing requests in flight');
    setTimeout(() => {
      log.error('requests still in flight after 10 s; exiting anyway (journaled uploads are re-applied at next start)');
      process.exit(1);
    }, 10_000).unref();
    await receiver.close();
    await database.close();
    await makeDataDirPrivate(config.dataDir).catch((err: unknown) => log.error({ err }, 'could not set DATA_DIR to owner only'));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  console.log(lines.join('\n'));
}
