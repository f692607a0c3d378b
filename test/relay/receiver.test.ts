// The whole shop-to-ERP path: a clock, a real relay process, and the real receiver on its embedded database.
import { describe, expect, it } from 'vitest';
import {
  attlogBatch, clockRequest, keysOf, kill, punchKey, receiverForFile, spawnRelay, tempDir, waitFor,
} from './harness.ts';

const receiver = receiverForFile();

const relayTo = (dataDir: string, token = receiver().token) => spawnRelay({ upstream: receiver().url, dataDir, env: { RELAY_TOKEN: token } });

/** Every punch the receiver stored for a clock, as `SN|PIN|local time`, through its attendance API. */
async function storedPunches(sn: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const url = `${receiver().url}/zkteco/api/attendance?device_sn=${sn}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${receiver().token}` } });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: Array<{ user_id: string; timestamp: string }>; next_cursor: string | null };
    out.push(...page.items.map((p) => punchKey(sn, p.user_id, p.timestamp)));
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

describe('relay in front of the real receiver', () => {
  it('a clock behind the relay gets the receiver handshake, and every punch is stored exactly once', async () => {
    const sn = 'RELAYE2E0001';
    const relay = await relayTo(tempDir('e2e'));
    const handshake = await clockRequest(relay.url, 'GET', `/iclock/cdata?SN=${sn}&options=all&pushver=2.4.1&language=69`);
    expect(handshake.text.startsWith(`GET OPTION FROM: ${sn}\n`)).toBe(true);

    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const batch = attlogBatch(i, 10);
      const reply = await clockRequest(relay.url, 'POST', `/iclock/cdata?SN=${sn}&table=ATTLOG&Stamp=9999`, batch.body);
      expect(reply.text).toBe('OK:10');
      sent.push(...keysOf(sn, batch));
    }
    // The clock re-sends an old batch (as after a reboot): the receiver stores nothing new.
    await clockRequest(relay.url, 'POST', `/iclock/cdata?SN=${sn}&table=ATTLOG&Stamp=9999`, attlogBatch(3, 10).body);

    await waitFor('relay drained', async () => (await relay.status()).queue_depth === 0, 30_000);
    const status = await relay.status();
    expect(status.delivered).toBe(21);
    expect(status.rejected.count).toBe(0);
    const stored = await storedPunches(sn);
    expect(stored.length).toBe(sent.length);
    expect(new Set(stored)).toEqual(new Set(sent));
    expect((await clockRequest(relay.url, 'GET', `/iclock/getrequest?SN=${sn}`)).status).toBe(200);
  }, 60_000);

  it('a relay killed mid-burst and restarted: every acknowledged punch is stored', async () => {
    const sn = 'RELAYE2E0002';
    const dataDir = tempDir('e2e-kill');
    const relay = await relayTo(dataDir);
    const acknowledged: string[] = [];
    let next = 100;
    let dead = false;
    const clockLoop = async () => {
      while (!dead) {
        const batch = attlogBatch(next++, 25);
        try {
          const reply = await clockRequest(relay.url, 'POST', `/iclock/cdata?SN=${sn}&table=ATTLOG&Stamp=9999`, batch.body);
          if (reply.text === 'OK:25') acknowledged.push(...keysOf(sn, batch));
          if (acknowledged.length >= 60 * 25 && !dead) {
            dead = true;
            relay.child.kill('SIGKILL');
          }
        } catch {
          dead = true;
        }
      }
    };
    await Promise.all([clockLoop(), clockLoop(), clockLoop()]);
    await relay.exited;

    const again = await relayTo(dataDir);
    await waitFor('drained after restart', async () => (await again.status()).queue_depth === 0, 30_000);
    const stored = new Set(await storedPunches(sn));
    expect(acknowledged.filter((key) => !stored.has(key))).toEqual([]);
  }, 60_000);

  it('with a wrong token, uploads are set aside (401), then delivered after the token is fixed and the relay restarted', async () => {
    const sn = 'RELAYE2E0003';
    const dataDir = tempDir('e2e-token');
    const wrong = await relayTo(dataDir, 'not-the-token');
    const batch = attlogBatch(500, 10);
    expect((await clockRequest(wrong.url, 'POST', `/iclock/cdata?SN=${sn}&table=ATTLOG&Stamp=9999`, batch.body)).text).toBe('OK:10');
    const parked = await waitFor('set aside', async () => {
      const s = await wrong.status();
      return s.rejected.count === 1 ? s : null;
    });
    expect(parked.rejected.entries[0]!.status).toBe(401);
    expect(await storedPunches(sn)).toEqual([]);

    expect(await kill(wrong, 'SIGTERM')).toBe(0);
    const fixed = await relayTo(dataDir);
    await waitFor('delivered', async () => (await fixed.status()).delivered === 1);
    expect(new Set(await storedPunches(sn))).toEqual(new Set(keysOf(sn, batch)));
  }, 60_000);
});
