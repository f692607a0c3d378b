// Issue 10, item 6: the receiver's files are its own (0700/0600), example and weak secrets stop start-up
// with one line, and once ADMIN_USER names the administrator the generated first `admin` cannot sign in.
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config.ts';
import { runMain as runProcess } from '../support/processes.ts';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'zk-files-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

/** `npm start` under a umask that lets everyone read and write (as the report found). */
const runMain = (env: Record<string, string>) =>
  runProcess('server/main.ts', [], { LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...env }, undefined, '000');

/** Every path under dir with its permission bits, e.g. ["pglite/base 700", "api-token 600"]. */
async function modes(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  const all = await Promise.all(['', ...entries].map(async (rel) => `${rel || '.'} ${((await stat(path.join(dir, rel))).mode & 0o777).toString(8)}`));
  return all.sort();
}

const signIn = (url: string, username: string, password: string) =>
  fetch(`${url}/employees/login`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username, password }) });

describe('weak and example secrets', () => {
  it.each([
    [{ JWT_SECRET: 'x'.repeat(31) }, 'Invalid setting JWT_SECRET: must be at least 32 characters (e.g. the output of: openssl rand -base64 32)'],
    [{ JWT_SECRET: 'change-me-another-long-random-secret' }, 'Invalid setting JWT_SECRET: is the example value from .env.example: put a random one of your own'],
    [{ API_TOKENS: 'change-me-long-random-token' }, 'Invalid setting API_TOKENS: holds a token that is the example value from .env.example: put a random one of your own'],
    [{ API_TOKENS: 'a-long-enough-token-0123,short-token' }, 'Invalid setting API_TOKENS: each token must be at least 16 characters'],
    [{ ADMIN_USER: 'boss', ADMIN_PASSWORD: '123456789' }, 'Invalid setting ADMIN_PASSWORD: must be at least 10 characters'],
    [{ ADMIN_USER: 'boss', ADMIN_PASSWORD: 'change-me-please' }, 'Invalid setting ADMIN_PASSWORD: is the example value from .env.example: put a random one of your own'],
  ])('%j is refused with one line', (env, line) => {
    expect(() => readConfig(env)).toThrow(line);
    expect(line).not.toContain('\n');
  });

  it('secrets just long enough are taken', () => {
    expect(readConfig({ JWT_SECRET: 'x'.repeat(32), API_TOKENS: 't'.repeat(16), ADMIN_USER: 'boss', ADMIN_PASSWORD: 'p'.repeat(10) })).toMatchObject({ apiTokens: ['t'.repeat(16)] });
  });

  it('npm start with the example JWT_SECRET stops at once with that line', async () => {
    const run = runMain({ JWT_SECRET: 'change-me-another-long-random-secret' });
    expect(await run.exited).toBe(1);
    expect(run.err().trim()).toBe('Invalid setting JWT_SECRET: is the example value from .env.example: put a random one of your own');
  });
});

describe('DATA_DIR and the first admin', () => {
  it('everything in DATA_DIR is owner-only, and ADMIN_USER disables the generated admin', async () => {
    const first = runMain({});
    await expect.poll(() => first.out(), { timeout: 120_000 }).toMatch(/Live page sign-in: .* as admin \//);
    const url = /listening on (http:\/\/\S+)/.exec(first.out())![1]!;
    const generated = (await readFile(path.join(dataDir, 'admin-password'), 'utf8')).trim();
    const session = await signIn(url, 'admin', generated);
    expect(session.status).toBe(303);
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await fetch(`${url}/zkteco/api/devices`, { headers: { Cookie: cookie } })).status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited, first.err()).toBe(0);

    const wrong = (await modes(dataDir)).filter((m) => !/ (700|600)$/.test(m));
    expect(wrong).toEqual([]);
    expect(await modes(dataDir)).toEqual(expect.arrayContaining(['. 700', 'api-token 600', 'jwt-secret 600', 'admin-password 600', 'pglite 700']));

    const second = runMain({ ADMIN_USER: 'boss', ADMIN_PASSWORD: 'a real password 42' });
    await expect.poll(() => second.out(), { timeout: 120_000 }).toMatch(/Live page sign-in: /);
    const url2 = /listening on (http:\/\/\S+)/.exec(second.out())![1]!;
    expect((await signIn(url2, 'admin', generated)).status).toBe(401);
    // The generated admin's open session ended with it.
    expect((await fetch(`${url2}/zkteco/api/devices`, { headers: { Cookie: cookie } })).status).toBe(401);
    expect((await signIn(url2, 'boss', 'a real password 42')).status).toBe(303);
    second.child.kill('SIGTERM');
    expect(await second.exited, second.err()).toBe(0);
  }, 300_000);
});
