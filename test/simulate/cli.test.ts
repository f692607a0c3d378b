// `npm run simulate` as a newcomer runs it: flags in, one summary line out. It runs in a folder of its
// own with only the environment given here, never on the developer's ./data or ./.env.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runMain } from '../support/processes.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';

let t: TestReceiver;
let cwd: string;
beforeAll(async () => {
  t = await startTestReceiver({ env: { DEVICE_SERIALS: 'SIMCLI0001' } });
  cwd = await mkdtemp(path.join(os.tmpdir(), 'zk-sim-cli-'));
});
afterAll(async () => {
  await t?.close();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

async function simulate(args: string[], env: Record<string, string> = {}) {
  const run = runMain('simulate/main.ts', args, env, cwd);
  return { code: await run.exited, stdout: run.out(), stderr: run.err() };
}

it('prints what was sent and acknowledged', async () => {
  const { code, stdout, stderr } = await simulate(['--url', t.url, '--sn', 'SIMCLI0001', '--users', '3', '--punches', '30', '--batch', '20', '--tz', 'Europe/Paris']);
  expect(code, stderr).toBe(0);
  expect(stdout).toContain(`SIMCLI0001 → ${t.url}: handshake ok`);
  expect(stdout).toContain('3 users sent in 1 upload, acknowledged OK:3');
  expect(stdout).toContain('30 punches sent in 2 uploads, acknowledged OK:30');
  expect(await t.database.prisma.punch.count({ where: { deviceSn: 'SIMCLI0001' } })).toBe(30);
});

it('refuses a wrong flag with the usage, and says when nothing answers', async () => {
  expect(await simulate(['--users', 'many'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--users must be a whole number') });
  expect(await simulate(['--url', 'http://127.0.0.1:9', '--attempts', '1'])).toMatchObject({
    code: 1,
    stderr: expect.stringContaining('is the receiver running'),
  });
});

it('after `npm start` left a token in ./data, API_TOKENS (environment or .env) is the token sent', async () => {
  await mkdir(path.join(cwd, 'data'), { recursive: true });
  await writeFile(path.join(cwd, 'data', 'api-token'), 'stale-token-from-an-earlier-start\n');
  const flags = ['--url', t.url, '--sn', 'SIMCLI0002', '--users', '1', '--punches', '1', '--attempts', '1'];
  const viaEnv = await simulate(flags, { API_TOKENS: t.token });
  expect(viaEnv.code, viaEnv.stderr).toBe(0);
  expect(viaEnv.stdout).toContain('sent a Bearer token from the first of API_TOKENS (environment)');
  expect(await t.database.prisma.punch.count({ where: { deviceSn: 'SIMCLI0002' } })).toBe(1); // approved by the token
  await writeFile(path.join(cwd, '.env'), `API_TOKENS=${t.token},another\n`);
  try {
    const viaDotenv = await simulate(flags);
    expect(viaDotenv.code, viaDotenv.stderr).toBe(0);
    expect(viaDotenv.stdout).toContain('sent a Bearer token from the first of API_TOKENS (.env)');
    expect(viaDotenv.stdout).toContain('1 punches sent in 1 upload, acknowledged OK:1');
  } finally {
    await rm(path.join(cwd, '.env'));
  }
});

it('a refused token: one attempt, the message names where the token came from but never prints it', async () => {
  const secret = 'wrong-token-0123456789';
  const refused = await simulate(['--url', t.url, '--sn', 'SIMCLI0003', '--retry-delay', '30'], { API_TOKENS: secret });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('The receiver refused the Bearer token sent (from the first of API_TOKENS (environment))');
  // The simulator is no relay: the receiver's answer speaks of the token, not of a relay.
  expect(refused.stderr).toContain("Unauthorized: the Bearer token is not one of this receiver's API tokens");
  expect(refused.stderr + refused.stdout).not.toContain(secret);
});

it('the receiver speaks of a relay token only to a relay (a request it forwarded)', async () => {
  const refused = (headers: Record<string, string>) =>
    fetch(`${t.url}/iclock/cdata?SN=SIMCLI0004&options=all`, { headers: { authorization: 'Bearer nope', ...headers } }).then(async (r) => [r.status, await r.text()]);
  expect(await refused({ 'x-relay-received-at': new Date().toISOString() })).toEqual([401, 'Unauthorized: wrong relay token']);
  expect(await refused({})).toEqual([401, "Unauthorized: the Bearer token is not one of this receiver's API tokens"]);
});
