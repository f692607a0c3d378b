// The seed's JSON API, unchanged for its clients: every status code the contract names.
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestReceiver, TEST_JWT_SECRET, type TestReceiver } from '../support/receiver.ts';

let t: TestReceiver;
const SN = 'API0001';

beforeAll(async () => {
  t = await startTestReceiver({ env: { DEVICE_SERIALS: SN } });
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.database.withSession((s) => s.exec('TRUNCATE punches, uploads, commands, employees, devices RESTART IDENTITY CASCADE'));
});

const post = (body: unknown, token: string | null = t.token) => {
  const req = request(t.url).post('/zkteco/api/attendance');
  if (token) req.set('Authorization', `Bearer ${token}`);
  return req.send(body as object);
};
const seedPunch = { user_id: 1, timestamp: '2025-12-07 08:30:15', punch_type: 'in' };

describe('POST /zkteco/api/attendance', () => {
  it("takes the seed's payload: 201 then 200 for the same punch", async () => {
    const first = await post(seedPunch);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ created: 1, already_stored: 0 });
    expect(first.body.punches[0]).toMatchObject({ user_id: '1', timestamp: '2025-12-07 08:30:15', punch_type: 'in', source: 'api', stored: 'created' });
    const second = await post(seedPunch);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ created: 0, already_stored: 1 });
  });

  it('a batch is stored whole: mixed new and known gives 201 naming each', async () => {
    await post(seedPunch);
    const res = await post([seedPunch, { user_id: '0042', timestamp: '2025-12-07T09:00:00+01:00', punch_type: 'out', device_sn: SN, status: 1, verify: 15 }]);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ created: 1, already_stored: 1 });
    const created = res.body.punches.find((p: { stored: string }) => p.stored === 'created');
    expect(created).toMatchObject({ user_id: '0042', timestamp: '2025-12-07 09:00:00', utc: '2025-12-07T08:00:00.000Z', status: 1, verify: 15, device_sn: SN });
  });

  it('a bad item rejects the whole batch with 400 naming the item and field; nothing stored', async () => {
    const res = await post([seedPunch, { user_id: 2, timestamp: '2025-12-07 08:31:00', punch_type: 'in' }, { user_id: 3, timestamp: '2025-13-40 99:00:00', punch_type: 'in' }]);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.message).toMatch(/^\[2\]\.timestamp: /);
    expect(await t.database.prisma.punch.count()).toBe(0);
  });

  it.each([
    [{ timestamp: '2025-12-07 08:30:15', punch_type: 'in' }, 'user_id'],
    [{ user_id: 1, timestamp: '2025-12-07 08:30:15', punch_type: 'lunch' }, 'punch_type'],
    [{ user_id: 1, timestamp: '07/12/2025', punch_type: 'in' }, 'timestamp'],
    [{ user_id: -1, timestamp: '2025-12-07 08:30:15', punch_type: 'in' }, 'user_id'],
    [{ user_id: 'x'.repeat(100), timestamp: '2025-12-07 08:30:15', punch_type: 'in' }, 'user_id'],
    [{ user_id: 1, timestamp: '2025-12-07 08:30:15', punch_type: 'in', device_sn: 'bad sn!' }, 'device_sn'],
    [[], '(body)'],
  ])('400 for %j names %s', async (body, field) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.message.startsWith(field)).toBe(true);
  });

  it('a punch with the clock\'s status and no punch_type is typed as the clock\'s would be; neither is 400', async () => {
    const res = await post([
      { user_id: 5, timestamp: '2025-12-07 08:00:00', status: 0 },
      { user_id: 5, timestamp: '2025-12-07 12:00:00', status: 1 },
      { user_id: 5, timestamp: '2025-12-07 13:00:00', status: 4 },
      { user_id: 5, timestamp: '2025-12-07 17:00:00', status: 255 },
      { user_id: 5, timestamp: '2025-12-07 18:00:00', status: 1, punch_type: 'in' },
    ]);
    expect(res.status).toBe(201);
    expect(res.body.punches.map((p: { punch_type: string; status: number }) => `${p.status}:${p.punch_type}`)).toEqual(['0:in', '1:out', '4:in', '255:unknown', '1:in']);
    const neither = await post({ user_id: 5, timestamp: '2025-12-07 19:00:00' });
    expect(neither.status).toBe(400);
    expect(neither.body.message).toBe('punch_type: must be "in" or "out" (or give the clock\'s status code)');
  });

  it('400 for a body that is not JSON', async () => {
    const res = await request(t.url).post('/zkteco/api/attendance').set('Authorization', `Bearer ${t.token}`).set('Content-Type', 'application/json').send('{"user_id": 1,');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_json');
  });

  it('401 without a token, with a wrong one, or with an expired JWT', async () => {
    expect((await post(seedPunch, null)).status).toBe(401);
    expect((await post(seedPunch, 'TokenSecretFeeMaison2025')).status).toBe(401);
    const expired = jwt.sign({ sub: 'u', role: 'staff', exp: Math.floor(Date.now() / 1000) - 10 }, TEST_JWT_SECRET);
    const res = await post(seedPunch, expired);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/expired/);
    expect(await t.database.prisma.punch.count()).toBe(0);
  });

  it('a staff JWT may post punches', async () => {
    const staff = jwt.sign({ sub: 'u1', role: 'staff' }, TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: 60 });
    expect((await post(seedPunch, staff)).status).toBe(201);
  });

  it('413 over the size limit', async () => {
    const big = Array.from({ length: 40_000 }, (_, i) => ({ ...seedPunch, user_id: i, note: 'x'.repeat(40) }));
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('payload_too_large');
  });
});

describe('GET /zkteco/api/attendance', () => {
  it('lists newest first with filters and a cursor that walks every punch once', async () => {
    const batch = Array.from({ length: 25 }, (_, i) => ({ user_id: i % 3, timestamp: `2025-12-07 08:${String(i).padStart(2, '0')}:00`, punch_type: 'in', device_sn: SN }));
    await post(batch).expect(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(t.url).get('/zkteco/api/attendance').query({ limit: 10, ...(cursor ? { cursor } : {}) }).set('Authorization', `Bearer ${t.token}`).expect(200);
      seen.push(...res.body.items.map((p: { timestamp: string; user_id: string }) => `${p.user_id}@${p.timestamp}`));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen[0]).toBe('0@2025-12-07 08:24:00');

    const filtered = await request(t.url)
      .get('/zkteco/api/attendance')
      .query({ user_id: '1', from: '2025-12-07T07:10:00Z', to: '2025-12-07T07:20:00Z', device_sn: SN })
      .set('Authorization', `Bearer ${t.token}`)
      .expect(200);
    expect(filtered.body.items.map((p: { timestamp: string }) => p.timestamp)).toEqual(['2025-12-07 08:19:00', '2025-12-07 08:16:00', '2025-12-07 08:13:00', '2025-12-07 08:10:00']);
  });

  it('400 for a bad filter or cursor, 401 without a token', async () => {
    expect((await request(t.url).get('/zkteco/api/attendance?limit=0').set('Authorization', `Bearer ${t.token}`)).status).toBe(400);
    expect((await request(t.url).get('/zkteco/api/attendance?cursor=zzz').set('Authorization', `Bearer ${t.token}`)).status).toBe(400);
    expect((await request(t.url).get('/zkteco/api/attendance?from=yesterday').set('Authorization', `Bearer ${t.token}`)).status).toBe(400);
    expect((await request(t.url).get('/zkteco/api/attendance')).status).toBe(401);
  });
});
