// One process per data folder (server/folder-lock.ts): taken, refused while its holder lives, taken over
// once it is gone. The processes here are real: a holder that exited, this test's own parent.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderLockedError, lockFolder, lockHolder, type LockHolder } from '../../server/folder-lock.ts';

const spec = (dir: string) => ({ dir, setting: 'RELAY_DATA_DIR', name: 'relay.lock', program: 'relay' });
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'zk-lock-'));
const bootedAt = Math.round((Date.now() - os.uptime() * 1000) / 1000) * 1000;
const deadPid = () => spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim();

function plant(dir: string, holder: Partial<LockHolder> | string): void {
  const text = typeof holder === 'string' ? holder : JSON.stringify({ pid: process.ppid, host: os.hostname(), program: 'relay', startedAt: '2025-12-07T08:00:00.000Z', bootedAt, ...holder });
  fs.writeFileSync(path.join(dir, 'relay.lock'), text);
}

describe('lockFolder', () => {
  it('takes a free folder, writes who holds it, and releases it', () => {
    const dir = path.join(tempDir(), 'not-yet');
    const lock = lockFolder(spec(dir));
    expect(lockHolder(spec(dir))).toBeNull(); // our own pid counts as no other holder
    expect(JSON.parse(fs.readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: process.pid, program: 'relay', host: os.hostname() });
    expect(fs.readdirSync(dir)).toEqual(['relay.lock']);
    lock.release();
    expect(fs.existsSync(lock.file)).toBe(false);
  });

  it('refuses a folder a live process holds, naming the setting, the folder and the pid', () => {
    const dir = tempDir();
    plant(dir, {});
    expect(lockHolder(spec(dir))).toMatchObject({ pid: process.ppid });
    expect(() => lockFolder(spec(dir))).toThrow(FolderLockedError);
    expect(() => lockFolder(spec(dir))).toThrow(`RELAY_DATA_DIR ${dir} is in use by another relay (pid ${process.ppid}, since 2025-12-07T08:00:00.000Z)`);
    expect(fs.existsSync(path.join(dir, 'relay.lock'))).toBe(true);
  });

  it('refuses a lock held from another machine (it cannot be checked from here)', () => {
    const dir = tempDir();
    plant(dir, { host: 'other-pc', pid: Number(deadPid()) });
    expect(() => lockFolder(spec(dir))).toThrow(/on other-pc/);
  });

  it.each<[string, Partial<LockHolder> | string | (() => Partial<LockHolder>)]>([
    ['its process is gone (SIGKILL, power cut)', () => ({ pid: Number(deadPid()) })],
    ['it is from before the last boot', { bootedAt: bootedAt - 3 * 24 * 3600_000 }],
    ['it names this very process (a container restarted with the same pid)', { pid: process.pid }],
    ['it is not a lock we wrote', 'garbage'],
  ])('takes over a stale lock: %s', (_label, holder) => {
    const dir = tempDir();
    plant(dir, typeof holder === 'function' ? holder() : holder);
    const lock = lockFolder(spec(dir));
    expect(JSON.parse(fs.readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('never removes a lock another process took over since', () => {
    const dir = tempDir();
    const lock = lockFolder(spec(dir));
    plant(dir, {});
    lock.release();
    expect(lockHolder(spec(dir))).toMatchObject({ pid: process.ppid });
  });
});
