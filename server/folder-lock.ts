// One process per data folder (issue 9): a receiver on an embedded database, or a relay on its queue, takes
// a lock file in its folder for its whole life. Shared by the receiver and the relay: Node built-ins only.
//
// A pid file created only if absent (a hard link: atomic on local disks, Linux and Windows), checked for liveness:
// - released on any exit Node sees (process 'exit': normal end, process.exit, signals handled, a crash);
// - after SIGKILL or a power cut the file stays, and the next start finds its pid dead (process.kill(pid, 0))
//   or the machine booted since (boot time in the file): stale, taken over at once, with no wait.
// proper-lockfile was the alternative: its lock is a directory kept fresh by a timer, stale after a delay
// (10 s by default) rather than at once, and it records no pid to name. A timer also calls a busy receiver
// "compromised" when its event loop is held longer than the delay (a large upload on the embedded database).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LockHolder {
  pid: number;
  host: string;
  /** What holds it (`receiver`, `relay`) and since when. */
  program: string;
  startedAt: string;
  /** When the holder's machine booted (ms since epoch, to the second): a lock from before a reboot is stale. */
  bootedAt: number;
}

/** Which folder, under which setting, and the lock file's name in it. */
export interface LockSpec {
  dir: string;
  /** The setting that names the folder (DATA_DIR, RELAY_DATA_DIR), for the message. */
  setting: string;
  name: string;
  /** What takes it: `receiver`, `relay`. */
  program: string;
}

export class FolderLockedError extends Error {
  constructor(
    readonly spec: LockSpec,
    readonly holder: LockHolder,
  ) {
    const where = holder.host === os.hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on ${holder.host}`;
    const file = path.join(spec.dir, spec.name);
    super(`${spec.setting} ${spec.dir} is in use by another ${holder.program} (${where}, since ${holder.startedAt}): stop that one first, or delete ${file} if no such process runs`);
  }
}

export interface FolderLock {
  file: string;
  /** false: the disk is full, the lock file could not be written; no live holder was found, so we run on. */
  held: boolean;
  /** Why it is not held. */
  problem?: string;
  release(): void;
}

/** The disk has no room for a lock file: running matters more (a relay answers 503 and clocks keep their data). */
const diskFull = (err: unknown) => ['ENOSPC', 'EDQUOT'].includes((err as NodeJS.ErrnoException).code ?? '');

const BOOT_TOLERANCE_MS = 2 * 60_000;

const bootedAt = () => Math.round((Date.now() - os.uptime() * 1000) / 1000) * 1000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    if (Number.isInteger(holder.pid) && holder.pid > 0) return holder;
  } catch {
    // Not a lock we wrote (it is linked whole): nobody holds it.
  }
  return { pid: 0, host: os.hostname(), program: 'process', startedAt: '?', bootedAt: 0 };
}

/** The live holder of a folder's lock, or null when it is free or its holder is gone. */
export function lockHolder({ dir, name }: Pick<LockSpec, 'dir' | 'name'>): LockHolder | null {
  const holder = readHolder(path.join(dir, name));
  if (!holder || holder.pid === 0) return null;
  // Another machine's process cannot be checked from here: assume it lives (the message names the host).
  if (holder.host !== os.hostname()) return holder;
  if (Math.abs(holder.bootedAt - bootedAt()) > BOOT_TOLERANCE_MS) return null;
  // Our own pid in the file: a container restarted with the same pid; it cannot be another process.
  if (holder.pid === process.pid) return null;
  return alive(holder.pid) ? holder : null;
}

/**
 * Takes `dir/name` for this process (creating `dir`), or throws FolderLockedError naming the holder.
 * A stale lock is replaced. Released when the process exits, or by `release()`.
 */
export function lockFolder(spec: LockSpec): FolderLock {
  const { dir, name, program } = spec;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  const me: LockHolder = { pid: process.pid, host: os.hostname(), program, startedAt: new Date().toISOString(), bootedAt: bootedAt() };
  // Written whole to a file of our own, then linked under the lock's name: the link is created only if the
  // name is free (atomically), so nobody ever reads a half-written lock.
  const draft = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(draft, JSON.stringify(me), { mode: 0o600 });
  } catch (err) {
    fs.rmSync(draft, { force: true });
    if (!diskFull(err)) throw err;
    const holder = lockHolder(spec);
    if (holder) throw new FolderLockedError(spec, holder);
    return { file, held: false, problem: `could not write ${file}: ${(err as Error).message}`, release: () => undefined };
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.linkSync(draft, file);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
      }
      const holder = lockHolder(spec);
      if (holder) throw new FolderLockedError(spec, holder);
      // Stale: its process is gone. Removed, then linked again above (one of two racers wins).
      fs.rmSync(file, { force: true });
    }
  } finally {
    fs.rmSync(draft, { force: true });
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only our own file: never one a later process wrote after taking over.
    if (readHolder(file)?.pid === process.pid) fs.rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { file, held: true, release };
}
