// Issue 10, item 8: behind a reverse proxy on another host, TRUST_PROXY makes the receiver believe that
// proxy's X-Forwarded-Proto (Secure cookies) and X-Forwarded-For (the clock's address), and no one else's.
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';

/** This machine's address on a real interface: a "proxy on another host" as the receiver sees it. */
const lanAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

const ADMIN = { ADMIN_USER: 'boss', ADMIN_PASSWORD: 'correct horse battery' };
let t: TestReceiver | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** A receiver listening on the LAN address, reached from it (so the peer is not loopback). */
async function behindProxy(env: Record<string, string>): Promise<string> {
  t = await startTestReceiver({ env: { ...ADMIN, ...env }, listen: { port: 0, host: lanAddress! } });
  return t.url;
}

const signIn = (url: string) =>
  fetch(`${url}/employees/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '198.51.100.7' },
    body: new URLSearchParams({ username: ADMIN.ADMIN_USER, password: ADMIN.ADMIN_PASSWORD }),
  });

async function clockAddressSeen(url: string): Promise<string | null | undefined> {
  await fetch(`${url}/iclock/cdata?SN=PROXIED01&options=all`, { headers: { 'X-Forwarded-For': '192.168.1.50' } });
  return (await t!.database.prisma.device.findUnique({ where: { sn: 'PROXIED01' } }))?.ipAddress;
}

describe.runIf(lanAddress)('TRUST_PROXY', () => {
  it("set to the proxy's address: Secure session cookie over the proxy's https, and the clock's own address", async () => {
    const url = await behindProxy({ TRUST_PROXY: lanAddress! });
    const res = await signIn(url);
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    expect(await clockAddressSeen(url)).toBe('192.168.1.50');
  }, 120_000);

  it('unset (loopback only): a proxy on another host is not believed', async () => {
    const url = await behindProxy({});
    const res = await signIn(url);
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
    expect(await clockAddressSeen(url)).toBe(lanAddress);
  }, 120_000);
});

describe('TRUST_PROXY setting', () => {
  it('takes addresses, subnets, names, a hop count or false; refuses "true" and junk with one line', () => {
    expect(readConfig({}).trustProxy).toEqual(['loopback']);
    expect(readConfig({ TRUST_PROXY: '10.0.0.5, 10.1.0.0/16 ,loopback' }).trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16', 'loopback']);
    expect(readConfig({ TRUST_PROXY: 'fd00::/8' }).trustProxy).toEqual(['fd00::/8']);
    expect(readConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(readConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(() => readConfig({ TRUST_PROXY: 'true' })).toThrow(/^Invalid setting TRUST_PROXY: "true" is not a proxy: give the proxy's address/);
    expect(() => readConfig({ TRUST_PROXY: '10.0.0.300' })).toThrow(/^Invalid setting TRUST_PROXY: "10.0.0.300" is not a proxy/);
    expect(() => readConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/^Invalid setting TRUST_PROXY/);
  });
});
