// Every shared protocol fixture sent to the relay exactly as a clock sends it (HTTP/1.0 included), with the
// receiver away: uploads get the receiver's reply at once, then reach it byte for byte once it is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureBody, fixtureSn, loadFixtures } from '../support/fixtures.ts';
import { rawRequest } from '../support/raw-http.ts';
import { acceptAll, cleanUp, freePort, spawnRelay, startUpstream, tempDir, waitFor, type RelayProcess } from './harness.ts';

// 3.x registration needs the receiver's live answer (RegistryCode=); the relay does not speak it offline.
const fixtures = loadFixtures().filter((f) => !(f.expect.optional && f.path.includes('registry')));
const uploads = fixtures.filter((f) => f.method === 'POST');
let relay: RelayProcess;
let upstreamPort: number;

beforeAll(async () => {
  upstreamPort = await freePort();
  // Each request on its own, as the clock sent it (a backlog merged into fewer requests: merge.test.ts).
  relay = await spawnRelay({ upstream: `http://127.0.0.1:${upstreamPort}`, dataDir: tempDir('fixtures'), env: { RELAY_MERGE_LINES: '1' } });
});

afterAll(cleanUp);

describe('relay with every shared fixture, receiver away', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_name, f) => {
    const reply = await rawRequest(relay.url, {
      method: f.method, url: f.url, httpVersion: f.http_version, headers: f.headers, body: f.method === 'POST' ? fixtureBody(f) : undefined,
    });
    expect(reply.status).toBe(f.expect.status);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    expect(reply.headers.date).toBeDefined();
    expect(reply.headers['content-length']).toBe(String(reply.body.length));
    expect(reply.headers['transfer-encoding']).toBeUndefined();
    if (f.method === 'POST' || f.path.includes('ping')) expect(reply.text).toBe(f.expect.reply_exact);
    else if (f.path.includes('getrequest')) expect(reply.text).toBe('OK'); // commands come from the receiver only
    else {
      expect(reply.text.startsWith(`GET OPTION FROM: ${fixtureSn(f)}\n`)).toBe(true);
      expect(reply.text).not.toMatch(/Stamp=None/);
    }
  });

  it('forwards every upload byte for byte, on the path and query the clock used, once the receiver is back', async () => {
    const upstream = await startUpstream(acceptAll, upstreamPort);
    await waitFor('all uploads forwarded', async () => (await relay.status()).delivered === uploads.length, 30_000);
    const forwarded = upstream.received.filter((r) => r.method === 'POST');
    for (const f of uploads) {
      const match = forwarded.find((r) => `${r.path}?${r.rawQuery}` === f.url && r.body.equals(fixtureBody(f)));
      expect(match, f.name).toBeDefined();
    }
  }, 40_000);
});
