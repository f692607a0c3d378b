// `npm run relay -- --check` against the real receiver: the address, the token, the port and the folder,
// each said in plain words, exit 0 only when all pass. The relay process is the real one, compiled as `npm run relay` runs it.
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRelay } from '../support/processes.ts';
import { freePort, receiverForFile, spawnRelay, startUpstream, tempDir } from './harness.ts';

const receiver = receiverForFile();

async function check(env: Record<string, string>) {
  const run = runRelay(['--check'], {
    RELAY_UPSTREAM: receiver().url,
    RELAY_TOKEN: receiver().token,
    RELAY_HOST: '127.0.0.1',
    RELAY_PORT: String(await freePort()),
    RELAY_DATA_DIR: path.join(tempDir('check'), 'queue'),
    ...env,
  });
  const code = await run.exited;
  return { code, out: run.out(), err: run.err() };
}

const line = (out: string, what: string) => out.split('\n').find((l) => l.slice(5).startsWith(`${what} `)) ?? '';

describe('relay --check', () => {
  it('passes with the receiver, its token, a free port and a writable folder, and changes nothing', async () => {
    const before = await (await fetch(`${receiver().url}/zkteco/api/relays`, { headers: { authorization: `Bearer ${receiver().token}` } })).text();
    const { code, out } = await check({});
    expect(out).toMatch(/^OK {3}receiver .* answers and is a ZKTeco receiver \(\/healthz ok\)$/m);
    expect(line(out, 'token')).toBe('OK   token    the receiver accepts RELAY_TOKEN');
    expect(line(out, 'port')).toMatch(/^OK {3}port {5}127\.0\.0\.1:\d+ is free/);
    expect(line(out, 'folder')).toMatch(/^OK {3}folder .* is writable and no other relay uses it$/);
    expect(out.trim().split('\n').at(-1)).toBe('All checks passed: the relay can run.');
    expect(code).toBe(0);
    const after = await (await fetch(`${receiver().url}/zkteco/api/relays`, { headers: { authorization: `Bearer ${receiver().token}` } })).text();
    expect(after).toBe(before);
  });

  it('says the receiver refused the token', async () => {
    const { code, out } = await check({ RELAY_TOKEN: 'not-a-token-of-this-receiver' });
    expect(line(out, 'receiver')).toMatch(/^OK/);
    expect(line(out, 'token')).toMatch(/^FAIL token {4}the receiver refused RELAY_TOKEN \(401\): use one of its API tokens/);
    expect(out).toMatch(/1 check\(s\) failed/);
    expect(code).toBe(1);
  });

  it('says when the address is a web page and not the receiver', async () => {
    const site = await startUpstream(() => ({ status: 200, body: '<html><body>Welcome to nginx</body></html>' }));
    const { code, out } = await check({ RELAY_UPSTREAM: site.url });
    expect(line(out, 'receiver')).toContain(`FAIL receiver ${site.url} answers, but it is not the receiver (/healthz gave 200 "<html><body>Welcome to nginx</body></html>")`);
    expect(line(out, 'token')).toBe('FAIL token    not checked: the receiver must answer first');
    expect(code).toBe(1);
  });

  it('says when nothing answers, the port is taken and another relay holds the folder', async () => {
    const dataDir = tempDir('check-held');
    const running = await spawnRelay({ upstream: receiver().url, dataDir, env: { RELAY_TOKEN: receiver().token } });
    const busy = http.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    try {
      const { code, out } = await check({ RELAY_UPSTREAM: nowhere, RELAY_PORT: String(port), RELAY_DATA_DIR: path.join(dataDir, 'queue') });
      expect(line(out, 'receiver')).toMatch(new RegExp(`^FAIL receiver nothing answers at ${nowhere} \\(ECONNREFUSED.*\\): is the receiver running, is RELAY_UPSTREAM right`));
      expect(line(out, 'port')).toBe(`FAIL port     cannot listen on 127.0.0.1:${port}: another program already listens there (a relay already running, as a service or in another window?)`);
      expect(line(out, 'folder')).toContain(`FAIL folder   a relay is already running on ${path.join(dataDir, 'queue')} (pid ${running.child.pid}, since `);
      expect(out).toMatch(/4 check\(s\) failed/);
      expect(code).toBe(1);
    } finally {
      busy.close();
    }
  });

  it('names a wrong setting in one line', async () => {
    const { code, err } = await check({ RELAY_UPSTREAM: 'erp.example.com' });
    expect(err.trim()).toBe('relay: Invalid setting RELAY_UPSTREAM: must be a URL such as https://erp.example.com');
    expect(code).toBe(1);
  });
});
