// The live socket: only signed-in viewers connect; every committed punch arrives once, by any path.
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, TEST_TOKEN, type TestReceiver } from '../support/receiver.ts';
import { clockPunches, clockUsers, collectPunches, connectLive, delay, LIVE_ENV, shopLocalTime, signIn, signJwt, type LiveClient } from './live-support.ts';

let r: TestReceiver;
const open: LiveClient[] = [];
const track = (s: LiveClient) => (open.push(s), s);

beforeAll(async () => {
  r = await startTestReceiver({ env: LIVE_ENV });
});
afterEach(() => open.splice(0).forEach((s) => s.close()));
afterAll(() => r?.close());

describe('socket authentication', () => {
  it('refuses a connection without credentials', async () => {
    await expect(connectLive(r.url, {})).rejects.toThrow(/unauthorized: sign in first/);
  });

  it('refuses an expired, forged or wrong-algorithm token', async () => {
    const tokens = [
      signJwt({ sub: 'u', role: 'staff', exp: Math.floor(Date.now() / 1000) - 5 }),
      signJwt({ sub: 'u', role: 'staff' }, {}, 'another-secret-that-is-long-enough'),
      signJwt({ sub: 'u', role: 'staff' }, { algorithm: 'HS512' }),
    ];
    for (const token of tokens) await expect(connectLive(r.url, { token })).rejects.toThrow(/unauthorized/);
  });

  it('refuses a forged session cookie, and a real one sent from another site', async () => {
    await expect(connectLive(r.url, { cookie: 'zk_session=forged' })).rejects.toThrow(/unauthorized/);
    const cookie = await signIn(r.url);
    const socket = (await import('socket.io-client')).io(r.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { Cookie: cookie, Origin: 'https://evil.example' },
    });
    track(socket);
    await expect(new Promise((resolve, reject) => (socket.once('connect', () => resolve(true)), socket.once('connect_error', reject)))).rejects.toThrow(/cross-site/);
  });

  it('ends an open socket when its token expires', async () => {
    const socket = track(await connectLive(r.url, { token: signJwt({ sub: 'u', role: 'staff', exp: Math.floor(Date.now() / 1000) + 2 }) }));
    const reason = await new Promise((resolve) => socket.once('disconnect', resolve));
    expect(reason).toBe('io server disconnect');
  });

  it('accepts a signed-in session cookie and a host ERP JWT', async () => {
    track(await connectLive(r.url, { cookie: await signIn(r.url) }));
    track(await connectLive(r.url, { token: signJwt({ sub: 'erp-9', role: 'staff' }) }));
  });
});

describe('punch events', () => {
  it('a clock upload arrives on the socket as one event with the page fields', async () => {
    const socket = track(await connectLive(r.url, { cookie: await signIn(r.url) }));
    const feed = collectPunches(socket);
    const at = shopLocalTime(30);
    const res = await clockPunches(r.url, [{ pin: '101', at, status: 0, verify: 1 }]);
    expect(res.status).toBe(200);
    const punch = await feed.waitFor((p) => p.pin === '101');
    expect(punch).toMatchObject({ pin: '101', localTime: at, punchType: 'in', verifyLabel: 'fingerprint', deviceSn: 'LIVE0001', source: 'device', name: null });
    expect(punch.id).toMatch(/^\d+$/);
  });

  it('the same upload sent again announces nothing', async () => {
    const socket = track(await connectLive(r.url, { token: signJwt({ sub: 'erp', role: 'staff' }) }));
    const feed = collectPunches(socket);
    const at = shopLocalTime(40);
    await clockPunches(r.url, [{ pin: '102', at }]);
    await feed.waitFor((p) => p.pin === '102');
    await clockPunches(r.url, [{ pin: '102', at }]);
    await clockPunches(r.url, [{ pin: '103', at }]);
    await feed.waitFor((p) => p.pin === '103');
    expect(feed.seen.filter((p) => p.pin === '102')).toHaveLength(1);
  });

  it('a punch from the attendance API arrives the same way', async () => {
    const socket = track(await connectLive(r.url, { cookie: await signIn(r.url) }));
    const feed = collectPunches(socket);
    const res = await request(r.url)
      .post('/zkteco/api/attendance')
      .set('Authorization', `Bearer ${TEST_TOKEN}`)
      .send({ user_id: 104, timestamp: shopLocalTime(50), punch_type: 'out', device_sn: 'LIVE0001' });
    expect(res.status).toBe(201);
    const punch = await feed.waitFor((p) => p.pin === '104');
    expect(punch).toMatchObject({ punchType: 'out', source: 'api' });
  });

  it('a punch of another day is stored but not shown as today', async () => {
    const socket = track(await connectLive(r.url, { cookie: await signIn(r.url) }));
    const feed = collectPunches(socket);
    await clockPunches(r.url, [{ pin: '105', at: '2020-01-02 08:00:00' }, { pin: '106', at: shopLocalTime(60) }]);
    await feed.waitFor((p) => p.pin === '106');
    expect(feed.seen.some((p) => p.pin === '105')).toBe(false);
  });

  it('a clock seen for the first time is announced as pending approval', async () => {
    const socket = track(await connectLive(r.url, { cookie: await signIn(r.url) }));
    const device = new Promise((resolve) => socket.on('device', (d) => d.sn === 'NEWCLOCK1' && resolve(d)));
    await fetch(`${r.url}/iclock/cdata?SN=NEWCLOCK1&options=all`).then((res) => res.text());
    expect(await device).toMatchObject({ sn: 'NEWCLOCK1', state: 'pending', online: true });
  });
});

describe('names', () => {
  it("a clock's user upload names the punches that follow, and tells open pages", async () => {
    const socket = track(await connectLive(r.url, { cookie: await signIn(r.url) }));
    const feed = collectPunches(socket);
    const renamed = new Promise((resolve) => socket.on('employees', (changes) => changes.some((c) => c.pin === '401') && resolve(changes)));
    expect((await clockUsers(r.url, [{ pin: '401', name: 'José Müller' }])).status).toBe(200);
    expect(await renamed).toEqual([{ pin: '401', name: 'José Müller' }]);
    await clockPunches(r.url, [{ pin: '401', at: shopLocalTime(20) }]);
    expect((await feed.waitFor((p) => p.pin === '401')).name).toBe('José Müller');
  });

  it('an employee written straight to the database is named right after the punch', async () => {
    await r.database.prisma.employee.create({ data: { pin: '402', name: 'Written By The ERP', source: 'erp' } });
    const socket = track(await connectLive(r.url, { cookie: await signIn(r.url) }));
    const renamed = new Promise((resolve) => socket.on('employees', (changes) => changes.some((c) => c.pin === '402') && resolve(changes)));
    await clockPunches(r.url, [{ pin: '402', at: shopLocalTime(25) }]);
    expect(await renamed).toEqual([{ pin: '402', name: 'Written By The ERP' }]);
  });
});

describe('catch-up after a reconnect', () => {
  it('replays what was missed while away, and nothing seen before', async () => {
    const cookie = await signIn(r.url);
    const socket = track(await connectLive(r.url, { cookie }));
    const feed = collectPunches(socket);
    await clockPunches(r.url, [{ pin: '201', at: shopLocalTime(100) }]);
    const first = await feed.waitFor((p) => p.pin === '201');

    socket.disconnect();
    await clockPunches(r.url, [{ pin: '202', at: shopLocalTime(90) }]);
    await clockPunches(r.url, [{ pin: '203', at: shopLocalTime(80), status: 1 }]);
    await delay(100);
    expect(feed.seen.map((p) => p.pin)).not.toContain('202');

    socket.connect();
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const missed = await socket.emitWithAck('catchUp', { afterId: first.id, since: first.receivedAt });
    const pins = missed.map((p) => p.pin);
    expect(pins).toContain('202');
    expect(pins).toContain('203');
    expect(pins.filter((p) => p === '202' || p === '203')).toHaveLength(2);
    // Everything newer by id is there; older rows only within the out-of-order margin (the page drops them by id).
    expect(missed.every((p) => BigInt(p.id) > BigInt(first.id) || Date.parse(p.receivedAt) >= Date.parse(first.receivedAt) - 60_000)).toBe(true);
  });

  it('without a cursor, it sends all of today, newest first', async () => {
    const socket = track(await connectLive(r.url, { cookie: await signIn(r.url) }));
    const all = await socket.emitWithAck('catchUp', { afterId: null, since: null });
    const snapshot = await request(r.url).get('/employees/attendance/live/data').set('Cookie', await signIn(r.url));
    expect(all.map((p) => p.id)).toEqual(snapshot.body.punches.map((p: { id: string }) => p.id));
    const instants = all.map((p) => p.instant);
    expect([...instants].sort().reverse()).toEqual(instants);
  });

  it('the device list can be asked for at any time', async () => {
    const socket = track(await connectLive(r.url, { cookie: await signIn(r.url) }));
    const devices = await socket.emitWithAck('devices');
    expect(devices.find((d) => d.sn === 'LIVE0001')).toMatchObject({ state: 'approved', online: true });
  });

  it("shows how far a clock's time is off once it is measured", async () => {
    await r.database.prisma.device.update({ where: { sn: 'LIVE0001' }, data: { driftSeconds: -180 } });
    const socket = track(await connectLive(r.url, { cookie: await signIn(r.url) }));
    const devices = await socket.emitWithAck('devices');
    expect(devices.find((d) => d.sn === 'LIVE0001')).toMatchObject({ driftSeconds: -180 });
    await r.database.prisma.device.update({ where: { sn: 'LIVE0001' }, data: { driftSeconds: null } });
  });
});

describe('stopping the receiver', () => {
  it('closes open live sockets and finishes', async () => {
    const other = await startTestReceiver({ env: LIVE_ENV });
    const socket = track(await connectLive(other.url, { token: signJwt({ sub: 'u', role: 'staff' }) }));
    const gone = new Promise((resolve) => socket.once('disconnect', resolve));
    await other.close();
    await expect(gone).resolves.toBeDefined();
  });
});
