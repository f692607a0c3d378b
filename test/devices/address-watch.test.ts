// Serial spoofing on direct push: a clock's serial is its only credential, so a machine at another
// address can pose as it. The receiver remembers each approved clock's address, flags a change, can hold
// commands for a new address until an admin confirms it, and bounds the pending serials anyone can create.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { api } from './talking-clock.ts';

/** A request as a clock at `address` (any 127.x.y.z reaches the receiver on loopback) makes it. */
function fromAddress(t: TestReceiver, address: string, method: string, pathAndQuery: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${t.url}${pathAndQuery}`, { method, localAddress: address, headers: { 'User-Agent': 'iClock Proxy/1.09', Connection: 'close' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const device = async (t: TestReceiver, sn: string) =>
  ((await api(t, 'GET', '/zkteco/api/devices')).body.items as Array<Record<string, any>>).find((d) => d.sn === sn)!;

async function approvedAt(t: TestReceiver, sn: string, address: string): Promise<void> {
  await fromAddress(t, address, 'GET', `/iclock/cdata?SN=${sn}&options=all&pushver=2.4.1`);
  expect((await api(t, 'POST', `/zkteco/api/devices/${sn}/approve`)).status).toBe(200);
}

describe('with DEVICE_ADDRESS_PINNING', () => {
  let t: TestReceiver;
  beforeAll(async () => {
    t = await startTestReceiver({ env: { DEVICE_ADDRESS_PINNING: 'true', DEVICE_PENDING_MAX: '6', DEVICE_PENDING_PER_ADDRESS_HOUR: '3' } });
  });
  afterAll(() => t?.close());

  it('a machine posing as an approved clock from another address gets no commands and cannot mark them done', async () => {
    await approvedAt(t, 'PINNED0001', '127.0.0.2');
    expect((await device(t, 'PINNED0001')).address).toMatchObject({ known: '127.0.0.2', changed: false, commands_held: false });
    const queued = await api(t, 'POST', '/zkteco/api/devices/PINNED0001/commands', { body: { command: 'INFO' } });
    expect(queued.status).toBe(201);

    const stolen = await fromAddress(t, '127.0.0.9', 'GET', '/iclock/getrequest?SN=PINNED0001');
    expect(stolen.text).toBe('OK');
    const forged = await fromAddress(t, '127.0.0.9', 'POST', '/iclock/devicecmd?SN=PINNED0001', `ID=${queued.body.id}&Return=0&CMD=INFO\n`);
    expect(forged.text).toBe('OK');
    expect((await api(t, 'GET', `/zkteco/api/devices/PINNED0001/commands/${queued.body.id}`)).body.status).toBe('queued');
    expect((await device(t, 'PINNED0001')).address).toMatchObject({ known: '127.0.0.2', last_seen: '127.0.0.9', previous: '127.0.0.2', changed: true, commands_held: true });

    // The real clock, at its address, still gets its commands.
    expect((await fromAddress(t, '127.0.0.2', 'GET', '/iclock/getrequest?SN=PINNED0001')).text).toBe(`C:${queued.body.id}:INFO\n`);
  });

  it('a clock that really moved gets its commands again once an admin confirms its new address', async () => {
    await approvedAt(t, 'MOVED00001', '127.0.0.3');
    const queued = await api(t, 'POST', '/zkteco/api/devices/MOVED00001/commands', { body: { command: 'INFO' } });
    // It reboots at a new address (DHCP): the handshake does not move the pin.
    await fromAddress(t, '127.0.0.4', 'GET', '/iclock/cdata?SN=MOVED00001&options=all');
    expect((await fromAddress(t, '127.0.0.4', 'GET', '/iclock/getrequest?SN=MOVED00001')).text).toBe('OK');
    const confirmed = await api(t, 'POST', '/zkteco/api/devices/MOVED00001/confirm-address', { body: {} });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.address).toMatchObject({ known: '127.0.0.4', changed: false, commands_held: false });
    expect((await fromAddress(t, '127.0.0.4', 'GET', '/iclock/getrequest?SN=MOVED00001')).text).toBe(`C:${queued.body.id}:INFO\n`);
    expect((await api(t, 'POST', '/zkteco/api/devices/NOSUCHCLOCK/confirm-address', { body: {} })).status).toBe(404);
  });

  it("never answers an unknown serial's handshake with another clock's stamps", async () => {
    await fromAddress(t, '127.0.0.2', 'POST', '/iclock/cdata?SN=PINNED0001&table=ATTLOG&Stamp=777', '1\t2025-12-07 08:30:15\t0\t1\n');
    expect((await fromAddress(t, '127.0.0.2', 'GET', '/iclock/cdata?SN=PINNED0001&options=all')).text).toContain('ATTLOGStamp=777');
    const stranger = await fromAddress(t, '127.0.0.2', 'GET', '/iclock/cdata?SN=pinned0001&options=all');
    expect(stranger.text).toMatch(/^GET OPTION FROM: pinned0001\n/);
    expect(stranger.text).toContain('ATTLOGStamp=None');
    expect(stranger.text).not.toContain('777');
  });

  it('a loop of made-up handshakes cannot flood the devices list: per address per hour, and in all', async () => {
    const before = (await api(t, 'GET', '/zkteco/api/devices')).body.items.filter((d: { state: string }) => d.state === 'pending').length;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await fromAddress(t, '127.0.0.20', 'GET', `/iclock/cdata?SN=FLOOD${i}&options=all`)).status);
    expect(statuses).toEqual([200, 200, 200, 503, 503, 503]);
    const others: number[] = [];
    for (let i = 0; i < 6; i++) others.push((await fromAddress(t, `127.0.1.${i + 1}`, 'GET', `/iclock/cdata?SN=OTHER${i}&options=all`)).status);
    const pending = (await api(t, 'GET', '/zkteco/api/devices')).body.items.filter((d: { state: string }) => d.state === 'pending');
    expect(pending).toHaveLength(6);
    expect(others.filter((s) => s === 200)).toHaveLength(6 - before - 3);
    // An approved clock is not held back by the limit.
    expect((await fromAddress(t, '127.0.0.2', 'GET', '/iclock/cdata?SN=PINNED0001&options=all')).status).toBe(200);
    // A serial refused is not recorded, and its upload is answered 503 so the clock keeps it.
    expect((await fromAddress(t, '127.0.0.20', 'POST', '/iclock/cdata?SN=FLOOD9&table=ATTLOG&Stamp=1', '1\t2025-12-07 08:30:15\t0\t1\n')).status).toBe(503);
    expect(await t.database.prisma.upload.count({ where: { sn: 'FLOOD9' } })).toBe(0);
  });
});

describe('without DEVICE_ADDRESS_PINNING (the default)', () => {
  let t: TestReceiver;
  beforeAll(async () => {
    t = await startTestReceiver();
  });
  afterAll(() => t?.close());

  it('flags and follows an address change at the handshake; an admin confirmation clears the flag', async () => {
    await approvedAt(t, 'DHCPCLOCK1', '127.0.0.5');
    await fromAddress(t, '127.0.0.6', 'GET', '/iclock/cdata?SN=DHCPCLOCK1&options=all');
    expect((await device(t, 'DHCPCLOCK1')).address).toMatchObject({ known: '127.0.0.6', previous: '127.0.0.5', changed: true, commands_held: false });
    const queued = await api(t, 'POST', '/zkteco/api/devices/DHCPCLOCK1/commands', { body: { command: 'INFO' } });
    expect((await fromAddress(t, '127.0.0.6', 'GET', '/iclock/getrequest?SN=DHCPCLOCK1')).text).toBe(`C:${queued.body.id}:INFO\n`);
    const confirmed = await api(t, 'POST', '/zkteco/api/devices/DHCPCLOCK1/confirm-address', { body: {} });
    expect(confirmed.body.address).toMatchObject({ known: '127.0.0.6', previous: null, changed: false, changed_at: null });
  });
});
