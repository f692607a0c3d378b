// A program the bench starts in a process of its own (the receiver, the relay): its output kept in a log
// file, waited for until it answers, stopped with SIGTERM (SIGKILL after a grace time), its folder removed.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv } from '../test/support/processes.ts';
import { sleep } from './setup.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BenchChild {
  pid: number;
  logFile: string;
  /** SIGTERM, SIGKILL after graceMs; then its temp folder (data, log) goes. */
  stop(): Promise<void>;
}

/** Resident memory of a process in MB (Linux /proc; null elsewhere). */
export async function rssMb(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const kb = status ? /VmRSS:\s+(\d+) kB/.exec(status)?.[1] : undefined;
  return kb ? Math.round(Number(kb) / 102.4) / 10 : null;
}

/**
 * Starts `node <nodeArgs>` (full paths) in its temp folder, so no ./.env of the developer's is read, with
 * `env(dir)` only (plus PATH and HOME), and resolves once `ready()` says so; a child that exits first, or is
 * not ready within `readyMs`, is stopped and the error carries the end of its log.
 */
export async function startChild(options: {
  name: string;
  nodeArgs: string[];
  env: (dir: string) => Record<string, string | undefined>;
  /** Runs on the new temp folder before the program starts (e.g. seeds its data folder). */
  prepare?: (dir: string) => Promise<void>;
  ready: () => Promise<boolean>;
  readyMs: number;
  graceMs: number;
}): Promise<BenchChild> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `zk-bench-${options.name}-`));
  const logFile = path.join(dir, `${options.name}.log`);
  await options.prepare?.(dir);
  const child: ChildProcess = spawn(process.execPath, options.nodeArgs, {
    cwd: dir,
    env: childEnv(options.env(dir)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), options.graceMs);
      await exited;
      clearTimeout(killer);
    }
    log.end();
    await rm(dir, { recursive: true, force: true });
  };
  const failed = async (why: string) => {
    const text = await readFile(logFile, 'utf8').catch(() => '');
    await stop();
    return new Error(`${options.name} ${why}: ${text.slice(-500)}`);
  };

  const deadline = Date.now() + options.readyMs;
  for (;;) {
    if (child.exitCode !== null) throw await failed(`exited with code ${child.exitCode} before it answered`);
    if (await options.ready().catch(() => false)) break;
    if (Date.now() > deadline) throw await failed(`did not answer within ${options.readyMs / 1000} s`);
    await sleep(100);
  }
  return { pid: child.pid!, logFile, stop };
}
