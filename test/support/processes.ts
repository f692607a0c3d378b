// Our own programs (server/main.ts, simulate/main.ts) started as `npm start` / `npm run …` would, but
// never on the developer's set-up: the working directory is a temp folder (no ./.env, no ./data) and
// the environment is only what the test gives (plus PATH and HOME).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Resolved when used: the tests' global setup imports this file where import.meta.resolve is missing. */
const tsxLoader = () => import.meta.resolve('tsx');

/** node's arguments to run one of our TypeScript programs from any working directory: tsx, and the script's full path. */
export const tsxArgs = (script: string): string[] => ['--import', tsxLoader(), path.join(REPO_ROOT, script)];

/** The same as runMain starts it. --liftoff-only: see vitest.config.ts; a receiver started this way compiles
 *  PGlite again (about 1.8 s of CPU less). */
export const mainNodeArgs = (script: string): string[] => ['--liftoff-only', ...tsxArgs(script)];

/** A child's whole environment: what it is given, plus PATH and HOME to find node and npm; nothing else of ours. */
export const childEnv = <T extends Record<string, string | undefined>>(env: T) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env });

export interface MainProcess {
  child: ChildProcess;
  /** Exit code, or the signal's name when killed. */
  exited: Promise<number | string | null>;
  out(): string;
  err(): string;
}

/** Children still running when the test worker ends (a test that timed out) are killed, never left behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/** Compiles the relay (relay/dist/relay.mjs) as `npm run relay` does first; the tests' global setup runs it once. */
export function buildRelay(): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'relay', 'build.mjs')], { stdio: 'inherit' });
}

/** node's arguments for the relay exactly as package.json's `relay` script gives them (flags included). */
export function relayNodeArgs(): string[] {
  const script: string = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts.relay;
  const [program, ...args] = script.split(/\s+/);
  if (program !== 'node') throw new Error(`package.json's relay script no longer starts with node: ${script}`);
  return args.map((arg) => (arg.startsWith('-') ? arg : path.join(REPO_ROOT, arg)));
}

/**
 * Runs `script` (relative to the repository) with node + tsx; `cwd` defaults to the temp folder.
 * `umask`: the shell's (e.g. '000', a umask that lets everyone read and write), set before node starts.
 */
export function runMain(script: string, args: string[], env: Record<string, string>, cwd = os.tmpdir(), umask?: string): MainProcess {
  return runNode([...mainNodeArgs(script), ...args], env, cwd, umask);
}

/** The relay as production runs it: compiled (buildRelay), plain node, package.json's flags. */
export function runRelay(args: string[], env: Record<string, string>, cwd = os.tmpdir()): MainProcess {
  return runNode([...relayNodeArgs(), ...args], env, cwd);
}

function runNode(nodeArgs: string[], env: Record<string, string>, cwd: string, umask?: string): MainProcess {
  const node = [process.execPath, ...nodeArgs];
  const [command, ...commandArgs] = umask ? ['/bin/sh', '-c', `umask ${umask} && exec "${node.join('" "')}"`] : node;
  const child = spawn(command!, commandArgs, {
    cwd,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  // 'close', not 'exit': by then every line the process wrote has been read.
  const exited = new Promise<number | string | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal)));
  return { child, exited, out: () => out, err: () => err };
}
