// Handshake and getrequest go to the receiver live; without it the relay answers sensibly on its own.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, clockRequest, freePort, kill, spawnRelay, startUpstream, tempDir, TOKEN, waitFor, type Upstream } from './harness.ts';

const SN = 'AEWD200560017';
const RECEIVER_BLOCK = `GET OPTION FROM: ${SN}\nATTLOGStamp=555\nOPERLOGStamp=556\nErrorDelay=30\nDelay=10\nTransFlag=TransData AttLog\tOpLog\nTimeZone=1\nRealtime=1\n`;
afterEach(cleanUp);

function receiver(): Promise<Upstream> {
  return startUpstream((r) => {
    if (r.path === '/iclock/cdata') return { status: 200, body: RECEIVER_BLOCK };
    if (r.path === '/iclock/getrequest') return { status: 200, body: 'C:7:INFO\n' };
    return { status: 404 };
  });
}

describe('relay handshake and getrequest', () => {
  it('passes the receiver answers through live, and keeps the options block across a SIGKILL for when it is gone', async () => {
    const upstream = await receiver();
    const dataDir = tempDir('hs');
    const relay = await spawnRelay({ upstream: upstream.url, dataDir });

    const handshake = await clockRequest(relay.url, 'GET', `/iclock/cdata?SN=${SN}&options=all&pushver=2.4.1&language=69`);
    expect(handshake.status).toBe(200);
    expect(handshake.text).toBe(RECEIVER_BLOCK);
    expect(handshake.headers['content-type']).toMatch(/^text\/plain/);
    expect(handshake.headers.date).toBeDefined();
    const poll = await clockRequest(relay.url, 'GET', `/iclock/getrequest?SN=${SN}&INFO=Ver%206.60,12,10,3456`);
    expect(poll.text).toBe('C:7:INFO\n');
    expect(upstream.received.map((r) => [r.method, r.path, r.rawQuery, r.headers.authorization])).toEqual([
      ['GET', '/iclock/cdata', `SN=${SN}&options=all&pushver=2.4.1&language=69`, `Bearer ${TOKEN}`],
      ['GET', '/iclock/getrequest', `SN=${SN}&INFO=Ver%206.60,12,10,3456`, `Bearer ${TOKEN}`],
    ]);

    // One short info line per clock request, saying who answered.
    await waitFor('a line per request', () => relay.logs.filter((l) => l.answered).length >= 2);
    expect(relay.logs.filter((l) => l.answered).map((l) => [l.level, l.msg])).toEqual([
      [30, `GET /iclock/cdata → 200 GET OPTION FROM: ${SN} (receiver)`],
      [30, 'GET /iclock/getrequest → 200 C:7:INFO (receiver)'],
    ]);

    // Live answers prove the receiver reachable; last_success_at is about delivered uploads only.
    expect(await relay.status()).toMatchObject({ upstream_reachable: true, last_success_at: null, last_error: null });

    // The receiver goes away and the relay is killed; after a restart it still has the receiver's block.
    await upstream.stop();
    await kill(relay);
    const again = await spawnRelay({ upstream: upstream.url, dataDir });
    expect((await clockRequest(again.url, 'GET', `/iclock/cdata.aspx?SN=${SN}&options=all`)).text).toBe(RECEIVER_BLOCK);
    expect((await clockRequest(again.url, 'GET', `/iclock/getrequest?SN=${SN}`)).text).toBe('OK');
    expect((await again.status()).upstream_reachable).toBe(false);
  });

  it('answers from the kept block with the cursors the clock sent since, and never with Stamp=None', async () => {
    const kept = `GET OPTION FROM: ${SN}\nATTLOGStamp=555\nOPERLOGStamp=None\nATTPHOTOStamp=None\nStamp=555\nDelay=10\nTimeZone=1\n`;
    const upstream = await startUpstream((r) => (r.method === 'GET' ? { status: 200, body: kept } : { status: 503 }));
    const relay = await spawnRelay({ upstream: upstream.url, dataDir: tempDir('hs-stamps') });
    expect((await clockRequest(relay.url, 'GET', `/iclock/cdata?SN=${SN}&options=all`)).text).toBe(kept);
    await upstream.stop();
    // The receiver is away; the relay queues this upload and remembers its cursor.
    await clockRequest(relay.url, 'POST', `/iclock/cdata?SN=${SN}&table=ATTLOG&Stamp=600`, Buffer.from('1\t2025-12-07 08:30:15\t0\t1\n'));
    const block = (await clockRequest(relay.url, 'GET', `/iclock/cdata?SN=${SN}&options=all`)).text;
    expect(block).toBe(`GET OPTION FROM: ${SN}\nATTLOGStamp=600\nStamp=600\nDelay=10\nTimeZone=1\n`);
  });

  it('answers a clock it never saw with its own block: its serial, no TimeZone (nobody chose one), text TransFlag, no Stamp=None', async () => {
    const relay = await spawnRelay({ upstream: `http://127.0.0.1:${await freePort()}`, dataDir: tempDir('hs-default') });
    const block = (await clockRequest(relay.url, 'GET', '/iclock/cdata?SN=NEWCLOCK01&options=all')).text;
    const lines = block.split('\n');
    expect(lines[0]).toBe('GET OPTION FROM: NEWCLOCK01');
    expect(lines).toContain('TransFlag=TransData AttLog\tOpLog\tEnrollUser\tChgUser');
    expect(lines).toContain('Realtime=1');
    expect(lines.filter((line) => line.startsWith('TimeZone='))).toEqual([]);
    expect(block).not.toMatch(/Stamp=None/);
    expect(block).not.toContain('GET OPTION FROM: 10000');

    // Once the clock has uploaded, its own cursors come back to it.
    await clockRequest(relay.url, 'POST', '/iclock/cdata?SN=NEWCLOCK01&table=ATTLOG&Stamp=777', Buffer.from('1\t2025-12-07 08:30:15\t0\t1\n'));
    await clockRequest(relay.url, 'POST', '/iclock/cdata?SN=NEWCLOCK01&table=OPERLOG&OpStamp=778', Buffer.from('OPLOG 4\t0\t2025-12-07 08:00:00\t0\t0\t0\t0\n'));
    const later = (await clockRequest(relay.url, 'GET', '/iclock/cdata?SN=NEWCLOCK01&options=all')).text.split('\n');
    expect(later).toContain('ATTLOGStamp=777');
    expect(later).toContain('OPERLOGStamp=778');
    expect(later.some((line) => line.startsWith('ATTPHOTOStamp='))).toBe(false);
  });

  it('falls back when the receiver refuses the token, and records why', async () => {
    const upstream = await startUpstream(() => ({ status: 401, body: 'invalid token' }));
    const relay = await spawnRelay({ upstream: upstream.url, dataDir: tempDir('hs-401') });
    const block = (await clockRequest(relay.url, 'GET', `/iclock/cdata?SN=${SN}&options=all`)).text;
    expect(block.startsWith(`GET OPTION FROM: ${SN}\n`)).toBe(true);
    expect((await clockRequest(relay.url, 'GET', `/iclock/getrequest?SN=${SN}`)).text).toBe('OK');
    const status = await relay.status();
    expect(status.last_error).toMatchObject({ status: 401 });
    expect(status.upstream_reachable).toBe(true);
    // The log says what is wrong (the token), not that the receiver is away.
    await waitFor('both warnings', () => relay.logs.filter((l) => l.level === 40).length >= 2);
    const warnings = relay.logs.filter((l) => l.level === 40).map((l) => String(l.msg));
    expect(warnings).toHaveLength(2);
    for (const warning of warnings) expect(warning).toMatch(/^the receiver refused the token \(401\): check RELAY_TOKEN/);
    expect(relay.logs.some((l) => /unavailable/.test(String(l.msg)))).toBe(false);
  });

  it('answers ping itself and 404s paths outside /iclock', async () => {
    const upstream = await receiver();
    const relay = await spawnRelay({ upstream: upstream.url, dataDir: tempDir('ping') });
    expect((await clockRequest(relay.url, 'GET', `/iclock/ping?SN=${SN}`)).text).toBe('OK');
    expect((await clockRequest(relay.url, 'POST', `/iclock/ping/?SN=${SN}`)).text).toBe('OK');
    expect((await clockRequest(relay.url, 'GET', '/favicon.ico')).status).toBe(404);
    await waitFor('status answers', () => relay.status());
    expect(upstream.received).toEqual([]);
  });
});
