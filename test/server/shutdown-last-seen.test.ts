// `npm start` stopped with SIGTERM writes the contact times it kept in memory (issue 14 item 1): the
// receiver's own process, its embedded database read afterwards from DATA_DIR.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { seedDataDir } from '../support/database.ts';
import { openDatabase } from '../../server/db/open.ts';
import { runMain } from '../support/processes.ts';

const SN = 'STOP0001';
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'zk-stop-'));
  await seedDataDir(dataDir, inject('databaseTemplate')); // not a first start: that is startup.test.ts
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

it('a clean stop (SIGTERM) writes the last contact of each clock', async () => {
  // No flush on the timer during the test: only the stop can write the second contact.
  const run = runMain('server/main.ts', [], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DEVICE_SERIALS: SN, DEVICE_LAST_SEEN_FLUSH_SECONDS: '300', LOG_LEVEL: 'warn' });
  await expect.poll(() => run.out(), { timeout: 90_000, interval: 200 }).toMatch(/listening on http:\/\/\S+/);
  const url = /listening on (http:\/\/\S+)/.exec(run.out())![1]!;
  const poll = async () => expect(await (await fetch(`${url}/iclock/getrequest?SN=${SN}`)).text()).toBe('OK');

  await poll(); // first contact: written at once
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const before = Date.now();
  await poll(); // kept in memory
  const after = Date.now();
  run.child.kill('SIGTERM');
  expect(await run.exited, run.err()).toBe(0);

  const database = await openDatabase({ databaseUrl: undefined, dataDir });
  try {
    const device = await database.prisma.device.findUniqueOrThrow({ where: { sn: SN } });
    const seen = device.lastSeenAt!.getTime();
    expect(seen).toBeGreaterThanOrEqual(before - 5);
    expect(seen).toBeLessThanOrEqual(after + 5);
  } finally {
    await database.close();
  }
}, 150_000);
