// The shop PC's disk fills up: the relay answers the clock 503 (the clock keeps its punches), keeps
// running, also after a restart on the full disk, and takes uploads again once space returns.
// A real full disk: the queue lives on a small tmpfs mounted for the test (needs root, as CI runs).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptAll, attlogBatch, cleanUp, clockRequest, freePort, keysOf, kill, punchesReceived, sleep, spawnRelay, startUpstream, tempDir, waitFor,
  type RelayProcess,
} from './harness.ts';

const mountPoint = tempDir('tmpfs');
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint], { stdio: 'ignore' }).status === 0;
const SN = 'DISKFULL01';

afterAll(async () => {
  await cleanUp();
  if (mounted) spawnSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
});

/** Writes a file until the file system says ENOSPC. */
function fillDisk(file: string): void {
  const chunk = Buffer.alloc(64 * 1024, 1);
  const fd = fs.openSync(file, 'w');
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
}

const upload = (relay: RelayProcess, batch: number) =>
  clockRequest(relay.url, 'POST', `/iclock/cdata?SN=${SN}&table=ATTLOG&Stamp=${batch}`, attlogBatch(batch, 200).body);

describe.skipIf(!mounted)('relay on a full disk (tmpfs of 4 MB)', () => {
  let port: number;
  beforeAll(async () => {
    port = await freePort();
  });

  it('answers 503 and keeps running, also after a restart, and accepts again once space returns', async () => {
    const dataDir = path.join(mountPoint, 'relay');
    fs.mkdirSync(dataDir);
    const relay = await spawnRelay({ upstream: `http://127.0.0.1:${port}`, dataDir });
    const acknowledged: string[] = [];
    for (let i = 0; i < 3; i++) {
      expect((await upload(relay, i)).text).toBe('OK:200');
      acknowledged.push(...keysOf(SN, attlogBatch(i, 200)));
    }

    const filler = path.join(mountPoint, 'filler');
    fillDisk(filler);
    for (let i = 3; i < 8; i++) expect((await upload(relay, i)).status).toBe(503);
    await sleep(500); // an unhandled rejection would end the process here
    expect(relay.child.exitCode).toBeNull();
    const status = await relay.status();
    expect(status.refused_uploads.count).toBe(5);
    expect(status.refused_uploads.last_reason).toMatch(/disk|space|I\/O|MDB/i);

    // Restarted on the still-full disk: it starts, answers 503, and stays up.
    await kill(relay);
    const again = await spawnRelay({ upstream: `http://127.0.0.1:${port}`, dataDir });
    // No room even for its lock file: it runs on (no other relay holds the folder) and says so.
    expect(again.logs.some((l) => l.level === 40 && /running without the RELAY_DATA_DIR lock/.test(String(l.msg)))).toBe(true);
    for (let i = 3; i < 6; i++) expect((await upload(again, i)).status).toBe(503);
    await sleep(500);
    expect(again.child.exitCode).toBeNull();
    expect((await again.status()).queue_depth).toBe(3);

    // Space returns: the next uploads are taken, and everything acknowledged reaches the receiver.
    fs.rmSync(filler);
    for (let i = 3; i < 6; i++) {
      expect((await upload(again, i)).text).toBe('OK:200');
      acknowledged.push(...keysOf(SN, attlogBatch(i, 200)));
    }
    const upstream = await startUpstream(acceptAll, port);
    await waitFor('backlog delivered', async () => (await again.status()).queue_depth === 0, 60_000);
    expect(new Set(punchesReceived(upstream))).toEqual(new Set(acknowledged));
    expect(again.child.exitCode).toBeNull();
  }, 120_000);
});
