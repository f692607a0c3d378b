// SIGKILL at any moment: every punch a clock was told was received reaches the receiver after a restart.
import { afterEach, describe, expect, it } from 'vitest';
import {
  acceptAll, attlogBatch, cleanUp, clockRequest, freePort, keysOf, kill, punchesReceived, sleep, spawnRelay, startUpstream,
  tempDir, waitFor, type RelayProcess,
} from './harness.ts';

afterEach(cleanUp);

/** Two clocks upload as fast as they can until the relay dies; returns the punches acknowledged with OK:<n>. */
async function burstUntilKilled(relay: RelayProcess, firstBatch: number, killAfterAcks: number): Promise<string[]> {
  const acknowledged: string[] = [];
  let acks = 0;
  let next = firstBatch;
  let dead = false;
  const clockLoop = async (sn: string) => {
    while (!dead) {
      const batch = attlogBatch(next++, 20);
      try {
        const reply = await clockRequest(relay.url, 'POST', `/iclock/cdata?SN=${sn}&table=ATTLOG&Stamp=9999`, batch.body);
        if (reply.status === 200 && reply.text === 'OK:20') {
          acknowledged.push(...keysOf(sn, batch));
          if (++acks === killAfterAcks) {
            dead = true;
            relay.child.kill('SIGKILL');
          }
        }
      } catch {
        dead = true; // connection refused or reset: the relay is gone
      }
    }
  };
  await Promise.all(['CLOCKA0001', 'CLOCKB0002', 'CLOCKA0001', 'CLOCKB0002'].map(clockLoop));
  await relay.exited;
  return acknowledged;
}

describe('relay crash safety', () => {
  it('loses no acknowledged punch when killed with SIGKILL during bursts (three kills)', async () => {
    // A slowish receiver so the queue holds a backlog, with entries in flight, at each kill.
    const upstream = await startUpstream((r) => ({ ...(acceptAll(r) as { status: number; body: string }), delayMs: 15 }));
    const dataDir = tempDir('crash');
    const acknowledged: string[] = [];
    for (const [round, killAfter] of [37, 81, 23].entries()) {
      const relay = await spawnRelay({ upstream: upstream.url, dataDir });
      acknowledged.push(...(await burstUntilKilled(relay, round * 1000, killAfter)));
      expect(relay.child.signalCode).toBe('SIGKILL');
    }
    const last = await spawnRelay({ upstream: upstream.url, dataDir });
    await waitFor('queue drained after the last restart', async () => (await last.status()).queue_depth === 0, 30_000);

    const received = new Set(punchesReceived(upstream));
    const lost = acknowledged.filter((key) => !received.has(key));
    expect(acknowledged.length).toBeGreaterThan(100 * 20);
    expect(lost).toEqual([]);
  }, 90_000);

  it('stops cleanly on SIGTERM with exit code 0, keeping the queue for the next start', async () => {
    const port = await freePort();
    const dataDir = tempDir('term');
    const relay = await spawnRelay({ upstream: `http://127.0.0.1:${port}`, dataDir });
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) {
      const batch = attlogBatch(i, 10);
      expect((await clockRequest(relay.url, 'POST', '/iclock/cdata?SN=CLOCKC0003&table=ATTLOG', batch.body)).status).toBe(200);
      sent.push(...keysOf('CLOCKC0003', batch));
    }
    expect(await kill(relay, 'SIGTERM')).toBe(0);
    expect(relay.logs.some((l) => l.msg === 'relay stopped')).toBe(true);

    const upstream = await startUpstream(acceptAll, port);
    await sleep(100);
    const again = await spawnRelay({ upstream: upstream.url, dataDir });
    await waitFor('delivered after restart', async () => (await again.status()).delivered === 5);
    expect(new Set(punchesReceived(upstream))).toEqual(new Set(sent));
  }, 30_000);

  it('stops within its grace time on SIGTERM even while the receiver hangs, and resends what was in flight', async () => {
    const upstream = await startUpstream(() => 'hang');
    const dataDir = tempDir('term-hang');
    const relay = await spawnRelay({ upstream: upstream.url, dataDir });
    const batch = attlogBatch(7, 10);
    await clockRequest(relay.url, 'POST', '/iclock/cdata?SN=CLOCKD0004&table=ATTLOG', batch.body);
    await waitFor('in flight', () => upstream.received.length === 1);
    const started = Date.now();
    expect(await kill(relay, 'SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);

    upstream.behaviour = acceptAll;
    const again = await spawnRelay({ upstream: upstream.url, dataDir });
    await waitFor('delivered after restart', async () => (await again.status()).delivered === 1);
    expect(new Set(punchesReceived(upstream))).toEqual(new Set(keysOf('CLOCKD0004', batch)));
  }, 30_000);
});
