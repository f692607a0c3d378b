// The relay forwards only the serials it is set to: RELAY_SERIALS, or the ones it pinned first.
// Anyone on the shop network can pose as a clock; what the relay forwards, its token vouches for.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/raw-http.ts';
import { attlogBatch, cleanUp, clockRequest, kill, spawnRelay, startUpstream, tempDir, waitFor } from './harness.ts';

afterEach(cleanUp);

interface SerialsStatus {
  source: string;
  forwarded: string[];
  pins_file: string | null;
  refused: Array<{ sn: string; address: string; requests: number }>;
}
const serialsOf = async (url: string) => ((await (await fetch(`${url}/relay/status`)).json()) as { serials: SerialsStatus }).serials;
const upload = (url: string, sn: string, batch = 1) => clockRequest(url, 'POST', `/iclock/cdata?SN=${sn}&table=ATTLOG&Stamp=1`, attlogBatch(batch, 3).body);

describe('serials the relay forwards', () => {
  it('pins the first serial, refuses a new one (listed in the status), keeps the pins across a restart, and forwards one an admin adds to the pins file', async () => {
    const upstream = await startUpstream();
    const dataDir = tempDir('pins');
    const relay = await spawnRelay({ upstream: upstream.url, dataDir, env: { RELAY_LEARN_MINUTES: '0' } });
    expect((await upload(relay.url, 'REALCLOCK1')).text).toBe('OK:3');

    const intruder = await upload(relay.url, 'MADEUP0001');
    expect(intruder.status).toBe(403);
    expect((await clockRequest(relay.url, 'GET', '/iclock/cdata?SN=MADEUP0001&options=all')).status).toBe(403);
    expect((await clockRequest(relay.url, 'GET', '/iclock/getrequest?SN=MADEUP0001')).status).toBe(403);
    const serials = await serialsOf(relay.url);
    expect(serials).toMatchObject({ source: 'pinned', forwarded: ['REALCLOCK1'] });
    expect(serials.refused).toEqual([expect.objectContaining({ sn: 'MADEUP0001', address: '127.0.0.1', requests: 3 })]);

    await waitFor('the pinned clock delivered', () => upstream.received.some((r) => r.method === 'POST'));
    expect(upstream.received.every((r) => r.rawQuery.includes('SN=REALCLOCK1'))).toBe(true);
    // The receiver learns which serials the relay's token vouches for.
    expect(upstream.received[0]!.headers['x-relay-serials']).toBe('REALCLOCK1');
    expect(upstream.received[0]!.headers['x-relay-name']).toBeTruthy();

    await kill(relay);
    const again = await spawnRelay({ upstream: upstream.url, dataDir, env: { RELAY_LEARN_MINUTES: '0' } });
    expect((await upload(again.url, 'MADEUP0001')).status).toBe(403);
    expect((await upload(again.url, 'REALCLOCK1', 2)).text).toBe('OK:3');

    // The admin adds the shop's second clock to the pins file: forwarded from its next request, no restart.
    const pinsFile = (await serialsOf(again.url)).pins_file!;
    expect(pinsFile).toBe(path.join(dataDir, 'queue', 'serials.txt'));
    fs.appendFileSync(pinsFile, 'SECONDCLK1\n');
    expect((await upload(again.url, 'SECONDCLK1', 3)).text).toBe('OK:3');
    expect((await serialsOf(again.url)).forwarded).toEqual(['REALCLOCK1', 'SECONDCLK1']);
    await waitFor('second clock forwarded', () => upstream.received.some((r) => r.rawQuery.includes('SN=SECONDCLK1')));
    expect(upstream.received.some((r) => r.rawQuery.includes('MADEUP0001'))).toBe(false);
  });

  it('with RELAY_SERIALS set, forwards exactly those from the start', async () => {
    const upstream = await startUpstream();
    const relay = await spawnRelay({ upstream: upstream.url, dataDir: tempDir('serials-env'), env: { RELAY_SERIALS: 'CLOCKA01, CLOCKB01' } });
    expect((await upload(relay.url, 'INTRUDER01')).status).toBe(403);
    expect((await upload(relay.url, 'CLOCKB01')).text).toBe('OK:3');
    expect((await upload(relay.url, 'CLOCKA01')).text).toBe('OK:3');
    expect(await serialsOf(relay.url)).toMatchObject({ source: 'RELAY_SERIALS', forwarded: ['CLOCKA01', 'CLOCKB01'], pins_file: null });
    await waitFor('both delivered', () => upstream.received.filter((r) => r.method === 'POST').length === 2);
    expect(upstream.received[0]!.headers['x-relay-serials']).toBe('CLOCKA01,CLOCKB01');
  });

  it('sends nothing upstream for a path outside /iclock, however it is spelled', async () => {
    const upstream = await startUpstream((r) => ({ status: 200, body: r.path.startsWith('/zkteco') ? '{"secret":1}' : 'OK' }));
    const relay = await spawnRelay({ upstream: upstream.url, dataDir: tempDir('paths') });
    const body = Buffer.from('{"pin":"31337","name":"x","privilege":14}');
    for (const url of [
      '/iclock/../zkteco/api/employees?SN=REALCLOCK1',
      '/iclock/%2e%2e/zkteco/api/employees?SN=REALCLOCK1',
      '/iclock/..%2fzkteco/api/employees?SN=REALCLOCK1',
      '//iclock/cdata/../../zkteco/api/employees?SN=REALCLOCK1',
    ]) {
      const reply = await rawRequest(relay.url, { method: 'POST', url, body });
      expect(reply.status, url).toBe(404);
      const get = await rawRequest(relay.url, { method: 'GET', url });
      expect(get.status, url).toBe(404);
    }
    expect(upstream.received).toEqual([]);
    expect((await relay.status()).queue_depth).toBe(0);
  });
});
