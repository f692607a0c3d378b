// The receiver misbehaves (down, 500, 401, slow); the clock never notices and no punch is lost.
import { afterEach, describe, expect, it } from 'vitest';
import {
  acceptAll, attlogBatch, cleanUp, clockRequest, freePort, keysOf, kill, punchesReceived, spawnRelay, startUpstream, tempDir,
  waitFor, type RelayProcess,
} from './harness.ts';

const SN = 'AEWD200560017';
afterEach(cleanUp);

const relayFor = (label: string, upstream: string, env?: Record<string, string>) => spawnRelay({ upstream, dataDir: tempDir(label), env });

async function upload(relay: RelayProcess, batchNo: number, count = 10, sn = SN) {
  const batch = attlogBatch(batchNo, count);
  const reply = await clockRequest(relay.url, 'POST', `/iclock/cdata?SN=${sn}&table=ATTLOG&Stamp=${batchNo}`, batch.body);
  return { reply, keys: keysOf(sn, batch) };
}

describe('relay under receiver faults', () => {
  it('keeps answering while the receiver is down, then delivers everything once it is back', async () => {
    const port = await freePort();
    const relay = await relayFor('down', `http://127.0.0.1:${port}`);
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { reply, keys } = await upload(relay, i);
      expect(reply.text).toBe('OK:10');
      sent.push(...keys);
    }
    const down = await waitFor('an attempt failed', async () => {
      const s = await relay.status();
      return s.upstream_reachable === false ? s : null;
    });
    expect(down.queue_depth).toBe(20);
    expect(down.oldest_pending_age_s).toBeGreaterThanOrEqual(0);
    expect(down.last_error?.message).toMatch(/unreachable/);

    await new Promise((resolve) => setTimeout(resolve, 2000));
    const upstream = await startUpstream(acceptAll, port);
    await waitFor('backlog drained', async () => (await relay.status()).queue_depth === 0, 30_000);
    expect(new Set(punchesReceived(upstream))).toEqual(new Set(sent));
    const after = await relay.status();
    expect(after.upstream_reachable).toBe(true);
    expect(after.delivered).toBe(20);
  }, 45_000);

  it('retries after 500 answers until the receiver says 200', async () => {
    let failures = 0;
    // Only uploads fail: the relay's cheap /healthz probes and its reports are not what is counted here.
    const isUpload = (r: { path: string }) => r.path === '/iclock/cdata';
    const upstream = await startUpstream((r) => (isUpload(r) && failures++ < 3 ? { status: 500, body: 'database down' } : acceptAll(r)));
    const relay = await relayFor('500', upstream.url);
    const { reply, keys } = await upload(relay, 1);
    expect(reply.text).toBe('OK:10');
    await waitFor('delivered after retries', async () => (await relay.status()).delivered === 1, 20_000);
    expect(upstream.received.filter(isUpload).length).toBe(4);
    expect(punchesReceived(upstream)).toEqual(keys);
    const status = await relay.status();
    expect(status.last_error).toMatchObject({ status: 500 });
    expect(status.rejected.count).toBe(0);
  });

  it('sets aside what the receiver refuses with 401 without holding back the rest, and retries it after a restart', async () => {
    const refused = (body: Buffer) => body.includes('\t2025-12-07 06:00:3'); // batches 3 (times 06:00:30-39)
    let tokenFixed = false;
    const upstream = await startUpstream((r) => (!tokenFixed && refused(r.body) ? { status: 401, body: 'invalid token' } : acceptAll(r)));
    const dataDir = tempDir('401');
    const relay = await spawnRelay({ upstream: upstream.url, dataDir });
    const sent: string[] = [];
    for (let i = 0; i < 8; i++) sent.push(...(await upload(relay, i)).keys);

    const status = await waitFor('7 delivered, 1 set aside', async () => {
      const s = await relay.status();
      return s.delivered === 7 && s.rejected.count === 1 ? s : null;
    });
    expect(status.queue_depth).toBe(0);
    expect(status.rejected.entries[0]).toMatchObject({ sn: SN, status: 401, path: '/iclock/cdata', reason: 'invalid token' });
    expect(status.last_error).toMatchObject({ status: 401 });
    const loud = await waitFor('an error line for the 401', () => relay.logs.find((l) => l.level === 50 && l.status === 401));
    expect(loud?.msg).toMatch(/401/);
    expect(JSON.stringify(relay.logs)).not.toContain('relay-test-token');

    // The operator fixes the token and restarts the relay: the parked entry goes through.
    tokenFixed = true;
    expect(await kill(relay, 'SIGTERM')).toBe(0);
    const again = await spawnRelay({ upstream: upstream.url, dataDir });
    await waitFor('parked entry delivered', async () => (await again.status()).delivered === 8);
    expect((await again.status()).rejected.count).toBe(0);
    expect(new Set(punchesReceived(upstream))).toEqual(new Set(sent));
  }, 45_000);

  it('does not take a 200 web page (a wrong RELAY_UPSTREAM) as delivery: entries are set aside, the clock gets the relay block', async () => {
    const upstream = await startUpstream(() => ({ status: 200, body: '<!doctype html><title>ERP</title>' }));
    const relay = await relayFor('html', upstream.url);
    await upload(relay, 1);
    const status = await waitFor('set aside', async () => {
      const s = await relay.status();
      return s.rejected.count === 1 ? s : null;
    });
    expect(status.delivered).toBe(0);
    expect(status.rejected.entries[0]!.status).toBe(200);
    await waitFor('an error line naming RELAY_UPSTREAM', () => relay.logs.some((l) => l.level === 50 && /RELAY_UPSTREAM/.test(String(l.msg))));
    const handshake = await clockRequest(relay.url, 'GET', `/iclock/cdata?SN=${SN}&options=all`);
    expect(handshake.text.startsWith(`GET OPTION FROM: ${SN}\n`)).toBe(true);
    expect((await clockRequest(relay.url, 'GET', `/iclock/getrequest?SN=${SN}`)).text).toBe('OK');
  });

  it('answers the clock at once while the receiver is slow or silent', async () => {
    const upstream = await startUpstream(() => 'hang');
    const relay = await relayFor('slow', upstream.url);
    const started = performance.now();
    for (let i = 0; i < 20; i++) {
      const { reply } = await upload(relay, i, 100);
      expect(reply.text).toBe('OK:100');
      expect(reply.ms).toBeLessThan(1000);
    }
    expect(performance.now() - started).toBeLessThan(5000);
    // Handshake and poll wait at most the live time limit (3 s), then the relay answers itself.
    const handshake = await clockRequest(relay.url, 'GET', `/iclock/cdata?SN=${SN}&options=all&pushver=2.4.1`);
    expect(handshake.text.startsWith(`GET OPTION FROM: ${SN}`)).toBe(true);
    expect(handshake.ms).toBeLessThan(6000);
    const poll = await clockRequest(relay.url, 'GET', `/iclock/getrequest?SN=${SN}`);
    expect(poll.text).toBe('OK');
  }, 30_000);

  it('answers 503 once the queue is over its size cap, and accepts again once it drains', async () => {
    const port = await freePort();
    const relay = await relayFor('cap', `http://127.0.0.1:${port}`, { RELAY_QUEUE_MAX_MB: '0.01' }); // ~10 KB
    const replies = [];
    for (let i = 0; i < 12; i++) replies.push((await upload(relay, i, 40)).reply.status); // ~1.4 KB each
    const accepted = replies.filter((s) => s === 200).length;
    expect(accepted).toBeGreaterThan(3);
    expect(replies.slice(accepted).every((s) => s === 503)).toBe(true);
    await waitFor('an error line for the 503', () => relay.logs.some((l) => l.level === 50 && /503/.test(String(l.msg))));
    const full = await relay.status();
    expect(full.refused_uploads.count).toBe(12 - accepted);
    expect(full.refused_uploads.last_reason).toMatch(/full/);

    const upstream = await startUpstream(acceptAll, port);
    await waitFor('drained', async () => (await relay.status()).queue_depth === 0, 30_000);
    expect((await upload(relay, 99, 40)).reply.status).toBe(200);
    expect(punchesReceived(upstream).length).toBe(accepted * 40);
  }, 45_000);
});
