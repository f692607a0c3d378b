// One relay per RELAY_DATA_DIR: a second start is refused with the folder and the holder's pid; a relay
// killed with SIGKILL leaves a stale lock that the next start takes over at once.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, freePort, kill, spawnRelay, tempDir } from './harness.ts';

afterEach(cleanUp);

describe('relay data folder lock', () => {
  it('refuses a second relay on the same folder, and starts again after the first was killed with SIGKILL', async () => {
    const upstream = `http://127.0.0.1:${await freePort()}`;
    const dataDir = tempDir('lock');
    const queue = path.join(dataDir, 'queue');
    const first = await spawnRelay({ upstream, dataDir });

    const refused = await spawnRelay({ upstream, dataDir }).then(() => 'started', (err: Error) => err.message);
    expect(refused).toMatch(/relay exited \(1\) before listening/);
    expect(refused).toContain(`relay: RELAY_DATA_DIR ${queue} is in use by another relay (pid ${first.child.pid}, since `);
    expect(refused.trim().split('\n').filter((line) => line.includes('in use'))).toHaveLength(1);
    expect((await first.status()).queue_depth).toBe(0); // the first one runs on, untouched

    expect(await kill(first, 'SIGKILL')).toBeNull();
    expect(fs.existsSync(path.join(queue, 'relay.lock'))).toBe(true); // nobody could remove it
    const second = await spawnRelay({ upstream, dataDir });
    expect(JSON.parse(fs.readFileSync(path.join(queue, 'relay.lock'), 'utf8'))).toMatchObject({ pid: second.child.pid, program: 'relay' });

    expect(await kill(second, 'SIGTERM')).toBe(0);
    expect(fs.existsSync(path.join(queue, 'relay.lock'))).toBe(false); // released on a clean stop
    // Another folder is another relay's business.
    await spawnRelay({ upstream, dataDir: tempDir('lock-other') });
  }, 90_000);
});
