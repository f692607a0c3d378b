// `npm run simulate` as a newcomer runs it: flags in, one summary line out.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const simulate = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'simulate/main.ts', ...args], { cwd: root, timeout: 30_000 });

let t: TestReceiver;
beforeAll(async () => {
  t = await startTestReceiver({ env: { DEVICE_SERIALS: 'SIMCLI0001' } });
});
afterAll(async () => {
  await t?.close();
});

it('prints what was sent and acknowledged', async () => {
  const { stdout } = await simulate(['--url', t.url, '--sn', 'SIMCLI0001', '--users', '3', '--punches', '30', '--batch', '20', '--tz', 'Europe/Paris']);
  expect(stdout).toContain(`SIMCLI0001 → ${t.url}: handshake ok`);
  expect(stdout).toContain('3 users sent in 1 upload, acknowledged OK:3');
  expect(stdout).toContain('30 punches sent in 2 uploads, acknowledged OK:30');
  expect(await t.database.prisma.punch.count({ where: { deviceSn: 'SIMCLI0001' } })).toBe(30);
});

it('refuses a wrong flag with the usage, and says when nothing answers', async () => {
  await expect(simulate(['--users', 'many'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--users must be a whole number') });
  await expect(simulate(['--url', 'http://127.0.0.1:9', '--attempts', '1'])).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining('is the receiver running'),
  });
});
