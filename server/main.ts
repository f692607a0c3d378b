// The ERP receiver: the only place that reads the environment, listens and handles signals.
import 'dotenv/config';
import { readFile } from 'node:fs/promises';
import { systemClock } from './clock.ts';
import { ConfigError, readConfig } from './config.ts';
import { openDatabase } from './db/open.ts';
import { createLogger } from './log.ts';
import { startReceiver } from './server.ts';

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
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onConnectionError: (err) => log.warn({ err: err.message }, 'database connection lost; will reconnect on next use'),
  });
  const receiver = await startReceiver({ config, database, clock: systemClock, log });

  const lines = [
    `ZKTeco receiver listening on ${receiver.url.replace('127.0.0.1', config.host)} (devices: /iclock, API: /zkteco/api, live page: /employees/attendance/live)`,
    `Database: ${database.describe}`,
  ];
  if (receiver.secrets.generatedTokenFile) {
    const token = (await readFile(receiver.secrets.generatedTokenFile, 'utf8')).trim();
    lines.push(`API token (generated now, shown once; kept in ${receiver.secrets.generatedTokenFile}): ${token}`);
  } else if (receiver.secrets.tokenFile) {
    lines.push(`API token: in ${receiver.secrets.tokenFile}`);
  } else {
    lines.push('API tokens: from API_TOKENS');
  }
  // A newcomer must know how to get past the sign-in form.
  const signIn = `${receiver.url.replace('127.0.0.1', config.host)}/employees/login`;
  if (receiver.generatedAdmin) {
    const { username, password, file } = receiver.generatedAdmin;
    lines.push(`Live page sign-in: ${signIn} as ${username} / ${password} (generated now, shown once; kept in ${file})`);
  } else {
    const staffAccounts = await database.prisma.staffUser.count();
    lines.push(`Live page sign-in: ${signIn} (${staffAccounts} staff account${staffAccounts === 1 ? '' : 's'})`);
  }
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
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(`Receiver failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
