// The shop's own Python relay (../shared/seed/serveur_zkteco.py), unchanged, is a real client of the
// receiver: its JSON punches are stored, and the clock later sending the same punches stores nothing new.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, sleep } from '../relay/harness.ts';
import { startTestReceiver, TEST_TOKEN, type TestReceiver } from '../support/receiver.ts';

// The team's script beside the repository when there; a clone on its own uses the checked copy.
const SHARED_SEED = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/seed/serveur_zkteco.py');
const SEED_COPY = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../fixtures/seed/serveur_zkteco.py');
const SEED = existsSync(SHARED_SEED) ? SHARED_SEED : SEED_COPY;
const python = spawnSync('python3', ['-c', 'import flask, requests'], { stdio: 'ignore' }).status === 0;
const SN = 'SEED0001';

describe.skipIf(!python)('the seed relay script (python3 with flask and requests)', () => {
  let t: TestReceiver;
  let seed: ChildProcess;
  let seedUrl: string;

  beforeAll(async () => {
    t = await startTestReceiver({ env: { DEVICE_SERIALS: SN } });
    const port = await freePort();
    seed = spawn('python3', [SEED], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', VPS_API_URL: `${t.url}/zkteco/api/attendance`, VPS_TOKEN: TEST_TOKEN, SERVER_PORT: String(port) },
      stdio: 'ignore',
    });
    seedUrl = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 200 && (await fetch(`${seedUrl}/iclock/getrequest`).then((r) => r.status, () => 0)) !== 200; i++) {
      await sleep(100);
    }
  });
  afterAll(async () => {
    seed?.kill('SIGKILL');
    await t?.close();
  });

  it("stores the script's punches once, and the clock's own upload of them adds nothing", async () => {
    await request(t.url).get(`/iclock/cdata?SN=${SN}&options=all`).expect(200); // the shop's clock is known
    const lines = '1\t2025-12-07 08:30:15\t0\t1\t0\t0\t0\n2\t2025-12-07 08:31:20\t1\t1\t0\t0\t0\n';
    const viaSeed = await fetch(`${seedUrl}/iclock/cdata?SN=${SN}&table=ATTLOG`, { method: 'POST', body: lines });
    expect(await viaSeed.text()).toBe('OK');
    const stored = await t.database.prisma.punch.findMany({ where: { deviceSn: SN }, orderBy: { pin: 'asc' } });
    expect(stored.map((p) => [p.pin, p.localTime, p.punchType, p.source])).toEqual([
      ['1', '2025-12-07 08:30:15', 'in', 'api'],
      ['2', '2025-12-07 08:31:20', 'out', 'api'],
    ]);
    const direct = await request(t.url).post(`/iclock/cdata?SN=${SN}&table=ATTLOG&Stamp=9999`).send(Buffer.from(lines));
    expect(direct.text).toBe('OK:2');
    expect(await t.database.prisma.punch.count({ where: { deviceSn: SN } })).toBe(2);
  });
});
