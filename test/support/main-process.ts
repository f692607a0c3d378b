// `npm start` as an operator runs it: server/main.ts in its own process, its output collected.
import { spawn } from 'node:child_process';

export interface MainProcess {
  child: ReturnType<typeof spawn>;
  exited: Promise<number | string | null>;
  out(): string;
  err(): string;
}

/** env: the receiver's settings (only PATH and HOME are inherited); umask: the shell's, e.g. '000'. */
export function runMain(env: Record<string, string>, options: { umask?: string } = {}): MainProcess {
  const node = [process.execPath, '--import', 'tsx', 'server/main.ts'];
  const [command, ...args] = options.umask ? ['/bin/sh', '-c', `umask ${options.umask} && exec "${node.join('" "')}"`] : node;
  const child = spawn(command!, args, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  return { child, exited, out: () => out, err: () => err };
}
