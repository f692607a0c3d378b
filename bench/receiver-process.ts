// The receiver as `npm start` runs it: compiled (`npm run build`), its own process (`node dist/server/main.js`), so its CPU and
// memory are its own and its event loop is not the bench's. Its database: a fresh folder (embedded) or a
// new database on the DATABASE_URL server, dropped at close.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onServer } from '../test/support/database.ts';
import { rssMb } from './relay-process.ts';
import { BENCH_TOKEN, freePort, sleep } from './setup.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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

export async function spawnReceiver(options: { adminUrl: string | undefined; env?: Record<string, string> }): Promise<ReceiverProcess> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'zk-bench-load-'));
  const dbName = options.adminUrl ? `zk_load_${randomBytes(5).toString('hex')}` : undefined;
  let databaseUrl: string | undefined;
  if (options.adminUrl && dbName) {
    await onServer(options.adminUrl, `CREATE DATABASE ${dbName}`);
    const url = new URL(options.adminUrl);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  }
  const port = await freePort();
  const logFile = path.join(dir, 'receiver.log');
  await built();
  const child: ChildProcess = spawn(process.execPath, ['dist/server/main.js'], {
    cwd: repoRoot,
    // Only what the receiver needs: no DATABASE_URL of the bench's own leaks in for the embedded run.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
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
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const pid = child.pid!;

  const close = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
    if (options.adminUrl && dbName) await onServer(options.adminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      const text = await readFile(logFile, 'utf8').catch(() => '');
      await close();
      throw new Error(`receiver exited at start: ${text.slice(-500)}`);
    }
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await close();
      throw new Error('receiver did not answer /healthz within 2 minutes');
    }
    await sleep(200);
  }

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
