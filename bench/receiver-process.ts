// The receiver as `npm start` runs it: compiled (`npm run build`), its own process (`node dist/server/main.js`), so its CPU and
// memory are its own and its event loop is not the bench's. Its database: a fresh folder (embedded; seeded
// from a migrated template when given one) or a new database on the DATABASE_URL server, dropped at close.
// The tests run it from the sources under tsx instead: what they check is that the section works, not
// what the build costs (tsc, about 10 s of CPU).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { onServer, seedDataDir, type DatabaseTemplate } from '../test/support/database.ts';
import { mainNodeArgs } from '../test/support/processes.ts';
import { repoRoot, rssMb, startChild } from './child.ts';
import { BENCH_TOKEN, freePort } from './setup.ts';

export interface ReceiverProcess {
  url: string;
  pid: number;
  logFile: string;
  /** CPU seconds (user + system) the process has used so far. */
  cpuSeconds(): Promise<number>;
  /** Resident memory now, MB. */
  rssMb(): Promise<number>;
  close(): Promise<void>;
}

const TICKS_PER_SECOND = 100; // Linux USER_HZ

let building: Promise<void> | undefined;
/** `npm run build` once per bench run (incremental: a no-op when dist/ is current). */
function built(): Promise<void> {
  building ??= new Promise<void>((resolve, reject) => {
    const npm = spawn('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    npm.stderr!.on('data', (d) => (err += d));
    npm.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build failed: ${err.slice(-300)}`))));
  });
  return building;
}

export interface SpawnReceiverOptions {
  adminUrl: string | undefined;
  env?: Record<string, string> | undefined;
  /** A migrated embedded database its data folder starts from (a restart, not a first start). */
  template?: DatabaseTemplate | undefined;
  /** server/main.ts as the tests start it (test/support/processes.ts), instead of dist/ (no build). */
  fromSources?: boolean | undefined;
}

export async function spawnReceiver(options: SpawnReceiverOptions): Promise<ReceiverProcess> {
  const dbName = options.adminUrl ? `zk_load_${randomBytes(5).toString('hex')}` : undefined;
  let databaseUrl: string | undefined;
  if (options.adminUrl && dbName) {
    await onServer(options.adminUrl, `CREATE DATABASE ${dbName}`);
    const url = new URL(options.adminUrl);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  }
  const dropDatabase = async () => {
    if (options.adminUrl && dbName) await onServer(options.adminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  if (!options.fromSources) await built();
  const { template } = options;
  const receiver = await startChild({
    name: 'receiver',
    nodeArgs: options.fromSources ? mainNodeArgs('server/main.ts') : [path.join(repoRoot, 'dist/server/main.js')],
    prepare: async (dir) => {
      if (template && !databaseUrl) await seedDataDir(path.join(dir, 'data'), template);
    },
    // Only what the receiver needs: no DATABASE_URL of the bench's own leaks in for the embedded run.
    env: (dir) => ({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: path.join(dir, 'data'),
      API_TOKENS: BENCH_TOKEN,
      JWT_SECRET: 'bench-jwt-secret-0123456789abcdef',
      DEVICE_TIMEZONE: 'UTC',
      RECONCILE_AT: 'off',
      LOG_LEVEL: 'warn',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...options.env,
    }),
    ready: () => fetch(`${url}/healthz`).then((r) => r.ok),
    readyMs: 120_000,
    graceMs: 15_000,
  }).catch(async (err: unknown) => {
    await dropDatabase();
    throw err;
  });
  const { pid, logFile } = receiver;
  const close = async () => {
    await receiver.stop();
    await dropDatabase();
  };

  return {
    url,
    pid,
    logFile,
    async cpuSeconds() {
      // /proc/<pid>/stat: fields 14 and 15 (utime, stime) after the command name in parentheses.
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    },
    rssMb: async () => (await rssMb(pid)) ?? 0,
    close,
  };
}
