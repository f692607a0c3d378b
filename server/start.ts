// The receiver once its settings are read and its folder locked (server/main.ts): the database opened, the
// server listening, and the start-up banner's lines (main.ts prints them once its signal handlers are in).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { adminPasswordFile } from './auth/staff.ts';
import { startupBanner } from './banner.ts';
import { systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { makeDataDirPrivate } from './db/data-dir.ts';
import { openDatabase, type Database } from './db/open.ts';
import { unsetZoneWarning } from './devices/clock-offset.ts';
import { startReceiver, type Receiver } from './server.ts';

export interface Started {
  receiver: Receiver;
  database: Database;
  banner: string[];
}

export async function startFromSettings(config: Config, log: Logger): Promise<Started> {
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
  return { receiver, database, banner: lines };
}
