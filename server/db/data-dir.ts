// DATA_DIR holds the embedded database and the generated secrets: only the receiver's own user may read it.
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { lockFolder, type FolderLock } from '../folder-lock.ts';

/** Owner-only modes: what the receiver creates from now on is private (umask), and what exists is made so. */
export const PRIVATE_UMASK = 0o077;

/** What the receiver keeps in DATA_DIR; anything else a person put there is left as it is. */
const OWN_ENTRIES = ['pglite', 'api-token', 'jwt-secret', 'admin-password'];

/**
 * Creates DATA_DIR if needed, sets it to 0700, and the receiver's own entries in it to 0700 (directories)
 * and 0600 (files): installs made before this rule had 0666 database files. Returns how many were tightened.
 */
export async function makeDataDirPrivate(dir: string): Promise<number> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let changed = await tighten(dir, false);
  for (const name of OWN_ENTRIES) changed += await tighten(path.join(dir, name), true);
  return changed;
}

async function tighten(entry: string, recursive: boolean): Promise<number> {
  const stat = await lstat(entry).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!stat || stat.isSymbolicLink()) return 0;
  const wanted = stat.isDirectory() ? 0o700 : 0o600;
  let changed = 0;
  if ((stat.mode & 0o777) !== wanted) {
    await chmod(entry, wanted);
    changed++;
  }
  if (recursive && stat.isDirectory()) {
    for (const name of await readdir(entry)) changed += await tighten(path.join(entry, name), true);
  }
  return changed;
}

/**
 * The embedded database serves one process: a receiver (or `npm run reparse`) takes DATA_DIR for its life and a
 * second one is refused (FolderLockedError). On real Postgres DATA_DIR holds only the shared secrets: no lock.
 */
export function lockEmbeddedDataDir(config: { databaseUrl?: string | undefined; dataDir: string }, program: string): FolderLock | null {
  if (config.databaseUrl) return null;
  return lockFolder({ dir: config.dataDir, setting: 'DATA_DIR', name: 'process.lock', program });
}
