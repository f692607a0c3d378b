// Issue 10, item 3: one unauthenticated upload must not hold the receiver, nor many of them fill its disk.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UNAPPROVED_BODY_LIMIT } from '../../server/iclock/unapproved.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';

const CLOCK = 'SHOP0001';
let t: TestReceiver;

// 50 KB of journal for clocks nobody approved (the default is 100 MB).
beforeAll(async () => {
  t = await startTestReceiver({ env: { DEVICE_SERIALS: CLOCK, UNAPPROVED_JOURNAL_MAX_MB: String(50 / 1024) } });
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.database.withSession((s) => s.exec('TRUNCATE punches, uploads, commands, devices RESTART IDENTITY CASCADE'));
});

/** `count` ATTLOG lines, one second apart from `start` (UTC day 2025-01-01 plus start seconds). */
function attlog(count: number, start = 0): Buffer {
  const base = Date.UTC(2025, 0, 1) + start * 1000;
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(`${(i % 50) + 1}\t${new Date(base + i * 1000).toISOString().replace('T', ' ').slice(0, 19)}\t0\t1\t0\t0\t0`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

const upload = (sn: string, body: Buffer) => request(t.url).post(`/iclock/cdata?SN=${sn}&table=ATTLOG&Stamp=1`).send(body);
const journal = (sn: string) => t.database.prisma.upload.findMany({ where: { sn }, orderBy: { id: 'asc' } });

describe('uploads from clocks nobody approved', () => {
  it('a body over the small limit is answered as received (no resend loop) but only a note of it is kept', async () => {
    const big = attlog(10_000);
    expect(big.length).toBeGreaterThan(UNAPPROVED_BODY_LIMIT);
    const res = await upload('STRANGER1', big);
    expect(res.status).toBe(200);
    expect(res.text).toBe('OK:10000');
    const [note, ...rest] = await journal('STRANGER1');
    expect(rest).toHaveLength(0);
    expect(note).toMatchObject({ outcome: 'held', linesTotal: 10_000 });
    expect(note!.body.length).toBe(0);
    expect(JSON.stringify(note!.errors)).toMatch(/over the 256 KB limit and was not kept.*recover/);
    expect(await t.database.prisma.device.findUnique({ where: { sn: 'STRANGER1' } })).toMatchObject({ state: 'pending' });
  });

  it('a clock-sized batch from a pending clock is journaled whole, as before', async () => {
    const batch = attlog(128);
    expect((await upload('STRANGER2', batch)).text).toBe('OK:128');
    const [held] = await journal('STRANGER2');
    expect(held).toMatchObject({ outcome: 'held' });
    expect(Buffer.from(held!.body).equals(batch)).toBe(true);
  });

  it('an approved clock, and a relay with its token, may still send a large body', async () => {
    const big = attlog(10_000, 100_000);
    expect((await upload(CLOCK, big)).text).toBe('OK:10000');
    expect(await t.database.prisma.punch.count({ where: { deviceSn: CLOCK } })).toBe(10_000);
    const viaRelay = await upload('RELAYED1', big).auth(t.token, { type: 'bearer' });
    expect(viaRelay.status).toBe(200);
    expect((await journal('RELAYED1'))[0]!.body.length).toBe(big.length);
  }, 120_000);

  it('the journal of unapproved clocks has a disk quota: past it they are answered 503 and nothing is kept', async () => {
    const batch = attlog(500); // ~19 KB
    expect((await upload('FLOOD1', batch)).status).toBe(200);
    expect((await upload('FLOOD2', batch)).status).toBe(200);
    const refused = await upload('FLOOD3', batch);
    expect(refused.status).toBe(503);
    expect(await journal('FLOOD3')).toHaveLength(0);
    // The quota is theirs alone: an approved clock's uploads go on.
    expect((await upload(CLOCK, attlog(3))).text).toBe('OK:3');
    expect(await t.database.prisma.punch.count({ where: { deviceSn: CLOCK } })).toBe(3);
  });
});

describe('a large upload from an approved clock', () => {
  it("is stored in steps: another clock's poll is answered before the upload is done", async () => {
    const lines = 30_000; // 15 steps of storing
    const order: string[] = [];
    const firstPunches = new Promise<void>((resolve) => t.receiver.services.bus.once('punches', () => resolve()));
    const uploading = upload(CLOCK, attlog(lines)).then((res) => {
      order.push('upload');
      return res;
    });
    await firstPunches; // the first chunk is stored; most of the upload is still to come
    const poll = await request(t.url).get('/iclock/getrequest?SN=SHOP0002');
    order.push('poll');
    expect(poll.status).toBe(200);
    expect((await uploading).text).toBe(`OK:${lines}`);
    expect(order).toEqual(['poll', 'upload']);
    expect(await t.database.prisma.punch.count({ where: { deviceSn: CLOCK } })).toBe(lines);
  }, 120_000);
});
