// The relay tells the receiver how it is doing, and comes back within seconds when the receiver does.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { DEFAULT_FORWARDING, readRelayConfig } from '../../relay/config.ts';
import { createRelayLogger } from '../../relay/logger.ts';
import { buildRelay, type Relay } from '../../relay/relay.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { acceptAll, attlogBatch, cleanUp, clockRequest, freePort, spawnRelay, startUpstream, tempDir, TOKEN, waitFor, type Upstream } from './harness.ts';

let receiver: TestReceiver | undefined;
let inProcess: Relay | undefined;
let upstream: Upstream | undefined;

afterEach(async () => {
  await cleanUp();
  await inProcess?.close();
  await upstream?.stop();
  inProcess = upstream = undefined;
});
afterAll(async () => {
  await receiver?.close();
});

describe('relay reports', () => {
  it('the relay process reports its name, backlog and clocks; the receiver lists it online', async () => {
    receiver = await startTestReceiver({ env: { API_TOKENS: TOKEN } });
    const relay = await spawnRelay({ upstream: receiver.url, dataDir: tempDir('report'), env: { RELAY_NAME: 'Shop Lyon PC', RELAY_REPORT_SECONDS: '5' } });
    expect((await clockRequest(relay.url, 'GET', '/iclock/getrequest?SN=REPORT01')).status).toBe(200);
    const listed = await waitFor('the relay reported with its clock', async () => {
      const res = await request(receiver!.url).get('/zkteco/api/relays').auth(TOKEN, { type: 'bearer' });
      const item = res.body.items?.find((r: { name: string; clocks: { sn: string }[] }) => r.name === 'Shop Lyon PC' && r.clocks.length > 0);
      return item;
    }, 30_000);
    expect(listed).toMatchObject({ online: true, version: expect.any(String), queue_depth: 0, rejected_count: 0, clocks: [{ sn: 'REPORT01', last_contact: expect.any(String) }] });
  }, 90_000);

  it('a receiver that refuses the report does not hold up a single upload', async () => {
    upstream = await startUpstream((req) => (req.path.includes('/relays/heartbeat') ? { status: 500, body: 'no' } : acceptAll(req)));
    const relay = await spawnRelay({ upstream: upstream.url, dataDir: tempDir('report-refused'), env: { RELAY_REPORT_SECONDS: '5' } });
    await waitFor('a report was tried', () => upstream!.received.some((r) => r.path.includes('/relays/heartbeat')));
    expect((await clockRequest(relay.url, 'POST', '/iclock/cdata?SN=REPORT02&table=ATTLOG', attlogBatch(0, 4).body)).text).toBe('OK:4');
    await waitFor('the upload was delivered', async () => (await relay.status()).delivered === 1);
    expect(relay.logs.filter((l) => l.msg === 'relay report not accepted; forwarding goes on')).toHaveLength(1);
  }, 60_000);
});

describe('coming back', () => {
  it('a relay that backed off for long drains within seconds once the receiver answers /healthz', async () => {
    const port = await freePort();
    const config = readRelayConfig({ RELAY_UPSTREAM: `http://127.0.0.1:${port}`, RELAY_TOKEN: TOKEN, RELAY_DATA_DIR: tempDir('probe'), RELAY_REPORT_SECONDS: '3600' });
    // A first backoff of 30-60 s: without probing, nothing would move for half a minute at least.
    inProcess = await buildRelay({ config: { ...config, forwarding: { ...DEFAULT_FORWARDING, backoffBaseMs: 60_000, probeMs: 1_000 } }, log: createRelayLogger('silent') });
    const { port: relayPort } = await inProcess.listen(0, '127.0.0.1');
    expect((await clockRequest(`http://127.0.0.1:${relayPort}`, 'POST', '/iclock/cdata?SN=PROBE001&table=ATTLOG', attlogBatch(0, 2).body)).text).toBe('OK:2');
    await waitFor('the first attempt failed', () => inProcess!.status().upstream_reachable === false);
    upstream = await startUpstream((req) => (req.path === '/healthz' ? { status: 200, body: '{"status":"ok"}' } : acceptAll(req)), port);
    await waitFor('delivered after the receiver came back', () => inProcess!.status().delivered === 1, 15_000);
    expect(upstream.received.some((r) => r.path === '/healthz')).toBe(true);
  }, 40_000);
});
