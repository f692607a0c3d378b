// The receiver as a newcomer meets it: `npm start` with no set-up, clear one-line errors, clean stop.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config.ts';
import { runMain as runProcess } from '../support/processes.ts';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'zk-start-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

const runMain = (env: Record<string, string>) => runProcess('server/main.ts', [], { LOG_LEVEL: 'warn', ...env });

describe('configuration', () => {
  it.each([
    [{ PORT: 'abc' }, /^Invalid setting PORT: /],
    [{ DEVICE_TIMEZONE: 'Mars/Olympus' }, /^Invalid setting DEVICE_TIMEZONE: must be an IANA time zone/],
    [{ DATABASE_URL: 'mysql://x' }, /^Invalid setting DATABASE_URL: /],
    [{ ADMIN_USER: 'boss' }, /^Invalid setting ADMIN_PASSWORD: /],
    [{ JWT_SECRET: 'short' }, /^Invalid setting JWT_SECRET: /],
    [{ PORT: 'abc' }, /^Invalid setting PORT: must be a port number \(0 to 65535\)$/],
    [{ PORT: '3000.5' }, /^Invalid setting PORT: must be a port number/],
    [{ ADMIN_USER: 'boss', ADMIN_PASSWORD: '123456789' }, /^Invalid setting ADMIN_PASSWORD: must be at least 10 characters$/],
    [{ DEVICE_SERIALS: 'AEWD200560017;CGXH201760005' }, /^Invalid setting DEVICE_SERIALS: must be separated by commas, not semicolons \(e\.g\. AEWD200560017,CGXH201760005\)$/],
  ])('%j is refused with one line naming it', (env, message) => {
    expect(() => readConfig(env)).toThrow(message);
  });

  it('defaults need nothing set, and the result is frozen', () => {
    const config = readConfig({});
    expect(config).toMatchObject({ port: 3000, host: '0.0.0.0', databaseUrl: undefined, apiTokens: [], deviceSerials: [] });
    expect(Object.isFrozen(config)).toBe(true);
    const [a, b] = ['token-a-0123456789', 'token-b-0123456789'];
    expect(readConfig({ API_TOKENS: ` ${a}, ${b} ,,`, DEVICE_SERIALS: 'X1' })).toMatchObject({ apiTokens: [a, b], deviceSerials: ['X1'] });
    expect(readConfig({ PORT: ' 8080 ', ADMIN_USER: 'boss', ADMIN_PASSWORD: '0123456789' })).toMatchObject({ port: 8080, admin: { user: 'boss' } });
  });
});

describe('npm start', () => {
  it('stops at start-up with one clear line for a wrong setting', async () => {
    const run = runMain({ PORT: '99999', DATA_DIR: dataDir });
    expect(await run.exited).toBe(1);
    expect(run.err().trim()).toBe('Invalid setting PORT: must be a port number (0 to 65535)');
  });

  it('runs with no set-up: embedded database, a generated token printed once, healthz, clean SIGTERM', async () => {
    const run = runMain({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, TZ: 'UTC' });
    await expect.poll(() => run.out(), { timeout: 60_000 }).toMatch(/API token \(generated now/);
    const url = /listening on (http:\/\/\S+)/.exec(run.out())![1]!;
    const token = (await readFile(path.join(dataDir, 'api-token'), 'utf8')).trim();
    expect(run.out()).toContain(token);
    expect(run.out()).toMatch(/Database: embedded Postgres in /);
    // A VPS in UTC with DEVICE_TIMEZONE unset: said at start, since clocks are then told no zone.
    expect(run.out()).toMatch(/^Warning: this server runs in UTC \(UTC\) and DEVICE_TIMEZONE is unset/m);
    const password = (await readFile(path.join(dataDir, 'admin-password'), 'utf8')).trim();
    expect(run.out()).toContain(`/employees/login as admin / ${password} (generated now, shown once`);
    const signIn = await fetch(`${url}/employees/login`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username: 'admin', password }) });
    expect(signIn.headers.get('set-cookie')).toMatch(/zk_session=/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exited, run.err()).toBe(0);

    const again = runMain({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, TZ: 'UTC', DEVICE_TIMEZONE: 'Europe/Paris' });
    await expect.poll(() => again.out(), { timeout: 60_000 }).toMatch(/API token: in /);
    expect(again.out()).not.toMatch(/DEVICE_TIMEZONE is unset/);
    expect(again.out()).not.toContain(token);
    expect(again.out()).not.toContain(password);
    // Where the admin password is, even when it is not printed.
    expect(again.out()).toContain(`/employees/login as admin (password kept in ${path.join(dataDir, 'admin-password')})`);
    again.child.kill('SIGINT');
    expect(await again.exited, again.err()).toBe(0);
  }, 150_000); // two cold starts of the embedded database, each up to 30 s on a busy 2-core machine
});
