// A subscriber hears of punches and pending clocks in signed deliveries, kept and retried until it answers.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../relay/harness.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { startSink, type Sink } from './sink.ts';

const SN = 'HOOK0001';
let t: TestReceiver;
let sink: Sink;

beforeAll(async () => {
  t = await startTestReceiver({ env: { DEVICE_SERIALS: SN } });
  sink = await startSink([500]);
});
afterAll(async () => {
  await t.close();
  await sink.close();
});

const api = () => request(t.url);

describe('webhooks', () => {
  it('a subscription needs a URL and known events, and an admin', async () => {
    const bad = await api().post('/zkteco/api/webhooks').auth(t.token, { type: 'bearer' }).send({ url: 'ftp://x', events: ['punch.created'] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/url/);
    const unknown = await api().post('/zkteco/api/webhooks').auth(t.token, { type: 'bearer' }).send({ url: sink.url, events: ['punch.deleted'] });
    expect(unknown.status).toBe(400);
    expect((await api().post('/zkteco/api/webhooks').send({ url: sink.url, events: ['punch.created'] })).status).toBe(401);
    const weakSecret = await api().post('/zkteco/api/webhooks').auth(t.token, { type: 'bearer' }).send({ url: sink.url, events: ['punch.created'], secret: 'hunter2' });
    expect(weakSecret.status).toBe(400);
  });

  it('a punch reaches the sink signed; a 500 is retried with the same webhook-id until accepted', async () => {
    const created = await api().post('/zkteco/api/webhooks').auth(t.token, { type: 'bearer' }).send({ url: sink.url, events: ['punch.created', 'device.pending'] });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    sink.secret = created.body.secret;

    const upload = await api().post(`/iclock/cdata?SN=${SN}&table=ATTLOG&Stamp=1`).send(Buffer.from('7\t2025-12-07 08:30:15\t0\t1\t0\t0\t0\n'));
    expect(upload.text).toBe('OK:1');

    await waitFor('the retry after the 500', () => sink.received.length >= 2 || undefined, 30_000);
    const [first, second] = sink.received;
    expect(first!.answered).toBe(500);
    expect(second!.answered).toBe(200);
    expect(second!.id).toBe(first!.id);
    expect(first!.signatureValid && second!.signatureValid).toBe(true);
    expect(second!.body.type).toBe('punch.created');
    expect(second!.body.data).toMatchObject({ device_sn: SN, pin: '7', local_time: '2025-12-07 08:30:15', punch_type: 'in' });

    // The sink has answered; the receiver records that answer a moment later (a busy machine: most of a second).
    const deliveryAfterSecondAttempt = async () => {
      const deliveries = await api().get(`/zkteco/api/webhooks/${created.body.id}/deliveries`).auth(t.token, { type: 'bearer' });
      expect(deliveries.status).toBe(200);
      const [listed] = deliveries.body.items;
      return listed.attempts >= 2 ? listed : undefined;
    };
    const delivery = await waitFor('the second attempt recorded', deliveryAfterSecondAttempt, 10_000);
    expect(delivery).toMatchObject({ id: first!.id, event: 'punch.created', status: 'delivered', attempts: 2 });
    expect(delivery.attempt_log.map((a: { status_code: number }) => a.status_code)).toEqual([500, 200]);
  });

  it('a signature made with another secret does not verify at the sink', async () => {
    const before = sink.received.length;
    const other = await api().post('/zkteco/api/webhooks').auth(t.token, { type: 'bearer' }).send({ url: sink.url, events: ['device.pending'] });
    expect(other.status).toBe(201);
    await api().get('/iclock/cdata?SN=STRANGER1&options=all').expect(200);
    await waitFor('both subscribers hear of the pending clock', () => (sink.received.length >= before + 2 ? true : undefined));
    const pending = sink.received.slice(before).filter((r) => r.body.type === 'device.pending');
    expect(pending).toHaveLength(2);
    expect(pending.every((r) => r.body.data.sn === 'STRANGER1')).toBe(true);
    // The sink checks with the first subscription's secret: only that one's delivery verifies.
    expect(pending.filter((r) => r.signatureValid)).toHaveLength(1);
    await api().delete(`/zkteco/api/webhooks/${other.body.id}`).auth(t.token, { type: 'bearer' }).expect(204);
    const list = await api().get('/zkteco/api/webhooks').auth(t.token, { type: 'bearer' });
    expect(list.body.items.map((w: { id: string }) => w.id)).not.toContain(other.body.id);
    expect(list.body.items[0].secret).toBeUndefined();
  });
});
