// An intruder on the shop network, posing as a clock, tries to become admin of every clock: a made-up
// serial through the relay (refused there, pending at the receiver if it ever got through), a path out of
// /iclock with the relay's token, and a clock's own `Pri=14` that would spread to the other clocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, approvedClock } from '../devices/talking-clock.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { cleanUp, clockRequest, spawnRelay, tempDir, waitFor, type RelayProcess } from './harness.ts';

let t: TestReceiver;
let relay: RelayProcess;
const ADMIN_CARD_LINE = 'USER PIN=31337\tName=Mallory\tPri=14\tPasswd=\tCard=66600666\tGrp=1\tTZ=0000000000000000\tVerify=0\n';

beforeAll(async () => {
  t = await startTestReceiver();
  relay = await spawnRelay({ upstream: t.url, dataDir: tempDir('intruder'), env: { RELAY_TOKEN: t.token, RELAY_LEARN_MINUTES: '0', RELAY_NAME: 'shop-pc' } });
  await approvedClock(t, 'BACKDOOR01'); // the shop's other clock, pushing directly
}, 180_000);
afterAll(async () => {
  await cleanUp();
  await t?.close();
});

const devices = async () => (await api(t, 'GET', '/zkteco/api/devices')).body.items as Array<Record<string, unknown>>;
const userCommands = async (sn: string) =>
  (await t.database.prisma.command.findMany({ where: { deviceSn: sn, command: { contains: 'PIN=31337' } } })).map((c) => c.command);

describe('an intruder on the shop network', () => {
  it('cannot get a made-up clock forwarded: the relay refuses it, the receiver never sees it', async () => {
    const real = await clockRequest(relay.url, 'GET', '/iclock/cdata?SN=FRONTDOOR1&options=all&pushver=2.4.1');
    expect(real.text).toMatch(/^GET OPTION FROM: FRONTDOOR1\n/);
    await waitFor('the shop clock approved by the relay token', async () => (await devices()).find((d) => d.sn === 'FRONTDOOR1' && d.state === 'approved'));

    const fake = await clockRequest(relay.url, 'POST', '/iclock/cdata?SN=MALLORY001&table=OPERLOG&OpStamp=1', Buffer.from(ADMIN_CARD_LINE));
    expect(fake.status).toBe(403);
    expect((await clockRequest(relay.url, 'GET', '/iclock/cdata?SN=MALLORY001&options=all')).status).toBe(403);
    expect((await devices()).map((d) => d.sn)).not.toContain('MALLORY001');
    expect(await t.database.prisma.employee.findUnique({ where: { pin: '31337' } })).toBeNull();
  });

  it("cannot reach the admin API through the relay's token with a path that leaves /iclock", async () => {
    const body = Buffer.from(JSON.stringify({ pin: '31337', name: 'Mallory', card: '66600666', privilege: 14 }));
    for (const url of ['/iclock/../zkteco/api/employees?SN=FRONTDOOR1', '/iclock/%2e%2e/zkteco/api/employees?SN=FRONTDOOR1']) {
      const reply = await rawRequest(relay.url, { method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body });
      expect(reply.status).toBe(404);
    }
    expect(await t.database.prisma.employee.findUnique({ where: { pin: '31337' } })).toBeNull();
  });

  it("a serial not on the relay's list waits as pending, shown with the relay that reported it", async () => {
    // What a relay that forwards more than it lists (an older one) would send: the token does not vouch for it.
    const res = await fetch(`${t.url}/iclock/cdata?SN=MALLORY002&table=OPERLOG&OpStamp=1`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t.token}`, 'X-Relay-Serials': 'FRONTDOOR1', 'X-Relay-Name': 'shop-pc', 'X-Forwarded-For': '192.168.1.66' },
      body: ADMIN_CARD_LINE,
    });
    expect(await res.text()).toBe('OK:1'); // kept, as any pending clock's data is
    expect((await devices()).find((d) => d.sn === 'MALLORY002')).toMatchObject({ state: 'pending', relay: 'shop-pc', ip_address: '192.168.1.66' });
    expect(await t.database.prisma.employee.findUnique({ where: { pin: '31337' } })).toBeNull();
    expect(await userCommands('BACKDOOR01')).toEqual([]);
  });

  it("a clock's Pri=14 never spreads: name, card and PIN reach the other clocks with the ERP's privilege", async () => {
    // Even posing as the real clock's serial (which the relay forwards), the privilege is not taken.
    const spoofed = await clockRequest(relay.url, 'POST', '/iclock/cdata?SN=FRONTDOOR1&table=OPERLOG&OpStamp=2', Buffer.from(ADMIN_CARD_LINE));
    expect(spoofed.text).toBe('OK:1');
    const employee = await waitFor('the user learned from the clock', () => t.database.prisma.employee.findUnique({ where: { pin: '31337' } }));
    expect(employee).toMatchObject({ name: 'Mallory', card: '66600666', privilege: 0 });
    // Employee sync queues the user for the other clocks just after the row is stored: wait for it.
    const [command] = await waitFor('the user queued for the other clock', async () => ((await userCommands('BACKDOOR01')).length > 0 ? userCommands('BACKDOOR01') : undefined));
    expect(command).toContain('Card=66600666');
    expect(command).toContain('\tPri=0\t');
    expect(await userCommands('FRONTDOOR1')).toEqual([]);

    // An admin privilege set in the ERP stays, whatever a clock later reports for that person.
    expect((await api(t, 'PATCH', '/zkteco/api/employees/31337', { body: { privilege: 6 } })).status).toBe(200);
    // The shop clock takes the ERP's change and confirms it, so its later records count again.
    const poll = await clockRequest(relay.url, 'GET', '/iclock/getrequest?SN=FRONTDOOR1');
    const ids = [...poll.text.matchAll(/^C:(\d+):/gm)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    const results = ids.map((id) => `ID=${id}&Return=0&CMD=DATA\n`).join('');
    expect((await clockRequest(relay.url, 'POST', '/iclock/devicecmd?SN=FRONTDOOR1', Buffer.from(results))).text).toBe('OK');
    await waitFor('the change confirmed', async () => (await t.database.prisma.command.count({ where: { deviceSn: 'FRONTDOOR1', status: { not: 'done' } } })) === 0);
    await clockRequest(relay.url, 'POST', '/iclock/cdata?SN=FRONTDOOR1&table=OPERLOG&OpStamp=3', Buffer.from(ADMIN_CARD_LINE.replace('Name=Mallory', 'Name=Mallory M')));
    await waitFor('the new name learned', async () => (await t.database.prisma.employee.findUnique({ where: { pin: '31337' } }))?.name === 'Mallory M');
    expect((await t.database.prisma.employee.findUniqueOrThrow({ where: { pin: '31337' } })).privilege).toBe(6);
    expect((await userCommands('BACKDOOR01')).at(-1)).toContain('Name=Mallory M\tPri=6\t');
  });
});
