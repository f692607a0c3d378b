// A clock talks to a real relay process; a receiver stand-in records what the relay forwards.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_FORWARDING } from '../../relay/config.ts';
import {
  attlogBatch, cleanUp, clockRequest, keysOf, punchesReceived, spawnRelay, startUpstream, tempDir, TOKEN, waitFor,
} from './harness.ts';

const SN = 'AEWD200560017';
afterEach(cleanUp);

const stampOf = (rawQuery: string) => Number(new URLSearchParams(rawQuery).get('Stamp'));

describe('relay delivery', () => {
  it('delivers every punch exactly once, in order per clock, with other tables as barriers', async () => {
    const upstream = await startUpstream();
    // Each upload on its own (merging a backlog is tested in merge.test.ts): the order of single uploads.
    const relay = await spawnRelay({ upstream: upstream.url, dataDir: tempDir('order'), env: { RELAY_MERGE_LINES: '1' } });
    const sent: string[] = [];
    // 40 uploads like a clock's backlog (one after the other), an OPERLOG every 10th.
    for (let i = 1; i <= 40; i++) {
      if (i % 10 === 0) {
        const reply = await clockRequest(relay.url, 'POST', `/iclock/cdata?SN=${SN}&table=OPERLOG&Stamp=${i}`, Buffer.from(`OPLOG 4\t0\t2025-12-07 08:00:0${i % 10}\t0\t0\t0\t0\n`));
        expect(reply.text).toBe('OK:1');
        continue;
      }
      const batch = attlogBatch(i, 10);
      const reply = await clockRequest(relay.url, 'POST', `/iclock/cdata?SN=${SN}&table=ATTLOG&Stamp=${i}`, batch.body);
      expect(reply.status).toBe(200);
      expect(reply.text).toBe('OK:10');
      sent.push(...keysOf(SN, batch));
    }
    const uploads = () => upstream.received.filter((r) => r.path === '/iclock/cdata');
    await waitFor('all 40 uploads upstream', () => uploads().length >= 40);
    await waitFor('queue drained', async () => (await relay.status()).queue_depth === 0);

    const received = punchesReceived(upstream);
    expect(received.length).toBe(sent.length); // exactly once: no loss, no repeat
    expect(new Set(received)).toEqual(new Set(sent));

    // Order: an upload is sent only once everything `window` places before it is accepted,
    // and an OPERLOG only once everything before it is accepted, nothing after it before it is.
    const arrival = uploads().map((r) => stampOf(r.rawQuery));
    expect(new Set(arrival).size).toBe(40);
    arrival.forEach((stamp, position) => {
      const before = new Set(arrival.slice(0, position));
      for (let earlier = 1; earlier <= stamp - DEFAULT_FORWARDING.window; earlier++) expect(before).toContain(earlier);
      for (let barrier = 10; barrier < stamp; barrier += 10) expect(before).toContain(barrier);
      if (stamp % 10 === 0) for (let earlier = 1; earlier < stamp; earlier++) expect(before).toContain(earlier);
    });
  });

  it('forwards method, path, query and body bytes unchanged, with the token, arrival time and clock address', async () => {
    const upstream = await startUpstream();
    const relay = await spawnRelay({ upstream: upstream.url, dataDir: tempDir('unchanged') });
    const body = Buffer.concat([Buffer.from('1\t2025-12-07 08:30:15\t0\t1\r\n\r\n'), Buffer.from([0x32, 0x09, 0xff, 0xfe, 0x0a])]);
    const before = Date.now();
    const reply = await clockRequest(relay.url, 'POST', `//iclock/cdata.aspx?sn=${SN}&Table= ATTLOG&Stamp=9999&x=a%20b`, body);

    expect(reply.status).toBe(200);
    expect(reply.text).toBe('OK:2');
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    expect(reply.headers['content-length']).toBe('4');
    expect(reply.headers['transfer-encoding']).toBeUndefined();
    expect(Date.parse(reply.headers.date!)).toBeGreaterThan(before - 2000);

    await waitFor('forwarded', () => upstream.received.length === 1);
    const got = upstream.received[0]!;
    expect(got.method).toBe('POST');
    expect(got.path).toBe('//iclock/cdata.aspx');
    expect(got.rawQuery).toBe(`sn=${SN}&Table= ATTLOG&Stamp=9999&x=a%20b`.replace(' ', '%20'));
    expect(got.body.equals(body)).toBe(true);
    expect(got.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(got.headers['user-agent']).toBe('iClock Proxy/1.09');
    expect(got.headers['x-forwarded-for']).toBe('127.0.0.1');
    const receivedAt = Date.parse(String(got.headers['x-relay-received-at']));
    expect(receivedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(receivedAt).toBeLessThanOrEqual(Date.now());
  });

  it('queues devicecmd results and binary photos too, answering OK', async () => {
    const upstream = await startUpstream((r) => ({ status: 200, body: r.path.includes('cdata') ? 'OK:1' : 'OK' }));
    const relay = await spawnRelay({ upstream: upstream.url, dataDir: tempDir('other') });
    const photo = Buffer.concat([Buffer.from(`PIN=20251207083015-1.jpg\nSN=${SN}\nsize=6\nCMD=uploadphoto\n\0`), Buffer.from([0xff, 0xd8, 0, 1, 0xff, 0xd9])]);
    expect((await clockRequest(relay.url, 'POST', `/iclock/fdata?SN=${SN}`, photo)).text).toBe('OK');
    expect((await clockRequest(relay.url, 'POST', `/iclock/devicecmd?SN=${SN}`, Buffer.from('ID=101&Return=0&CMD=DATA\n'))).text).toBe('OK');
    await waitFor('both forwarded', () => upstream.received.length === 2);
    expect(upstream.received.map((r) => r.path)).toEqual(['/iclock/fdata', '/iclock/devicecmd']);
    expect(upstream.received[0]!.body.equals(photo)).toBe(true);
  });

  it('reports its state on /relay/status', async () => {
    const upstream = await startUpstream();
    const relay = await spawnRelay({ upstream: upstream.url, dataDir: tempDir('status') });
    const fresh = await relay.status();
    expect(fresh).toMatchObject({ queue_depth: 0, oldest_pending_age_s: null, delivered: 0, last_success_at: null, last_error: null, upstream_reachable: null });
    expect(fresh.rejected).toEqual({ count: 0, entries: [] });
    expect(fresh.refused_uploads).toEqual({ count: 0, last_at: null, last_reason: null });

    for (let i = 0; i < 3; i++) await clockRequest(relay.url, 'POST', `/iclock/cdata?SN=${SN}&table=ATTLOG`, attlogBatch(i, 5).body);
    await waitFor('delivered', async () => (await relay.status()).delivered === 3);
    const after = await relay.status();
    expect(after.queue_depth).toBe(0);
    expect(after.upstream_reachable).toBe(true);
    expect(Date.parse(after.last_success_at!)).toBeGreaterThan(Date.now() - 60_000);
    expect(after.queue_cap_bytes).toBeGreaterThan(0);
  });
});
