// The relay built in-process (as a bench does): port 0, its own clock, closed cleanly.
import { afterEach, describe, expect, it } from 'vitest';
import { readRelayConfig } from '../../relay/config.ts';
import { createRelayLogger } from '../../relay/logger.ts';
import { buildRelay, type Relay } from '../../relay/relay.ts';
import { attlogBatch, clockRequest, freePort, startUpstream, tempDir, waitFor, type Upstream } from './harness.ts';

let relay: Relay | undefined;
let upstream: Upstream | undefined;

afterEach(async () => {
  await relay?.close();
  await upstream?.stop();
  relay = upstream = undefined;
});

describe('buildRelay', () => {
  it('runs on port 0 with an injected clock: arrival time and queue age come from it', async () => {
    const port = await freePort();
    let now = new Date('2025-12-07T07:31:00.000Z');
    const config = readRelayConfig({ RELAY_UPSTREAM: `http://127.0.0.1:${port}`, RELAY_TOKEN: 't0k', RELAY_DATA_DIR: tempDir('inproc') });
    relay = await buildRelay({ config, log: createRelayLogger('silent'), clock: { now: () => now } });
    const { port: relayPort } = await relay.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${relayPort}`;

    expect((await clockRequest(base, 'POST', '/iclock/cdata?SN=INPROC01&table=ATTLOG', attlogBatch(0, 3).body)).text).toBe('OK:3');
    now = new Date('2025-12-07T07:33:00.000Z');
    await waitFor('an attempt failed', () => relay!.status().upstream_reachable === false);
    expect(relay.status()).toMatchObject({ queue_depth: 1, oldest_pending_age_s: 120, oldest_pending_received_at: '2025-12-07T07:31:00.000Z' });

    upstream = await startUpstream(undefined, port);
    await waitFor('delivered', () => relay!.status().delivered === 1, 20_000);
    expect(upstream.received[0]!.headers['x-relay-received-at']).toBe('2025-12-07T07:31:00.000Z');
    expect(relay.status().last_success_at).toBe('2025-12-07T07:33:00.000Z');
  }, 30_000);
});
