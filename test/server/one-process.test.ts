// One receiver per DATA_DIR on the embedded database (CONTRACT.md, "Time zones and set-up"): the second
// start is refused with one line naming the folder and the holder's pid; after SIGKILL a new start runs.
import { mkdtemp, rm } from 'node:fs/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedDataDir } from '../support/database.ts';
import { runMain, type MainProcess } from '../support/processes.ts';

let dataDir: string;
const started: MainProcess[] = [];
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'zk-one-'));
  await seedDataDir(dataDir, inject('databaseTemplate')); // not a first start: that is startup.test.ts
});
afterAll(async () => {
  for (const run of started) run.child.kill('SIGKILL');
  await Promise.all(started.map((run) => run.exited));
  await rm(dataDir, { recursive: true, force: true });
});

const receiver = () => {
  const run = runMain('server/main.ts', [], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, TZ: 'UTC', DEVICE_TIMEZONE: 'UTC', LOG_LEVEL: 'warn' });
  started.push(run);
  return run;
};
const listening = (run: MainProcess) => expect.poll(() => run.out(), { timeout: 90_000 }).toMatch(/listening on http/);

describe('one receiver per DATA_DIR (embedded database: the child gets no DATABASE_URL)', () => {
  it('refuses a second receiver on the same DATA_DIR, and starts after the first was killed with SIGKILL', async () => {
    const first = receiver();
    await listening(first);

    const second = receiver();
    expect(await second.exited).toBe(1);
    expect(second.err().trim()).toMatch(new RegExp(`^DATA_DIR ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by another receiver \\(pid ${first.child.pid}, since [^)]+\\): stop that one first, or delete \\S+process\\.lock if no such process runs$`));
    expect(second.out()).not.toMatch(/listening/);
    // `npm run reparse` opens the same embedded database: refused too while the receiver runs.
    const reparse = runMain('server/reparse-main.ts', [], { DATA_DIR: dataDir, TZ: 'UTC' });
    started.push(reparse);
    expect(await reparse.exited).toBe(1);
    expect(reparse.err()).toContain(`reparse failed: DATA_DIR ${dataDir} is in use by another receiver (pid ${first.child.pid}, since `);

    first.child.kill('SIGKILL');
    await first.exited;
    const third = receiver();
    await listening(third);
    third.child.kill('SIGTERM');
    expect(await third.exited, third.err()).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'process.lock'))).toBe(false);
  }, 240_000);
});
