// The shop's own Python relay (../shared/seed/serveur_zkteco.py, Flask), run unchanged where python3 has
// flask and requests: the clock uploads its ATTLOG batches to it, and it POSTs each punch to the receiver's
// attendance API, one after another, before answering the clock. Elsewhere the bench says it used its
// Node emulation of that path instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { attlogBody, type SimPunch } from '../simulate/records.ts';
import { freePort, sleep } from './setup.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const SHARED_SEED = path.resolve(here, '../../shared/seed/serveur_zkteco.py');
const SEED_COPY = path.resolve(here, '../test/fixtures/seed/serveur_zkteco.py');

/** The script to run, or null when python3 with flask and requests is not there. */
export function seedScript(): string | null {
  if (spawnSync('python3', ['-c', 'import flask, requests'], { stdio: 'ignore' }).status !== 0) return null;
  return existsSync(SHARED_SEED) ? SHARED_SEED : SEED_COPY;
}

/** Uploads `punches` in batches of `perUpload` to the seed script forwarding to `receiverUrl`; returns ms. */
export async function throughSeedScript(script: string, options: { receiverUrl: string; token: string; punches: readonly SimPunch[]; perUpload: number; sn: string }): Promise<number> {
  const port = await freePort();
  const child = spawn('python3', [script], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      VPS_API_URL: `${options.receiverUrl}/zkteco/api/attendance`,
      VPS_TOKEN: options.token,
      SERVER_PORT: String(port),
    },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; (await fetch(`${url}/iclock/getrequest?SN=${options.sn}`).then((r) => r.status, () => 0)) !== 200; i++) {
      if (i > 300 || child.exitCode !== null) throw new Error('the seed script did not start');
      await sleep(100);
    }
    const started = performance.now();
    for (let i = 0; i < options.punches.length; i += options.perUpload) {
      const body = attlogBody(options.punches.slice(i, i + options.perUpload));
      const res = await fetch(`${url}/iclock/cdata?SN=${options.sn}&table=ATTLOG&Stamp=${i + 1}`, { method: 'POST', body });
      if (res.status !== 200) throw new Error(`the seed script answered ${res.status}`);
      await res.text();
    }
    return performance.now() - started;
  } finally {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  }
}
