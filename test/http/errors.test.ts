// One error path: every API error is a JSON {error, message} from one table, with the request's id on the
// reply and on every log line; the caller's mistakes (4xx) are logged at info, the server's (5xx) at error.
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceNotFound, DeviceRejected } from '../../server/devices/registry.ts';
import { EmployeeExists, EmployeeNotFound, ImportHeaderInvalid } from '../../server/devices/employee-directory.ts';
import { DatabaseUnavailable } from '../../server/db/open.ts';
import { AppError, toHttp } from '../../server/http/errors.ts';
import { createLogger } from '../../server/log.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';

describe('toHttp: the one table', () => {
  it.each([
    [new DeviceNotFound('X1'), 404, 'not_found'],
    [new DeviceRejected('X1'), 409, 'device_rejected'],
    [new EmployeeNotFound('Unknown employee 7'), 404, 'not_found'],
    [new EmployeeExists('Employee 7 already exists'), 409, 'conflict'],
    [new ImportHeaderInvalid('header: …'), 400, 'invalid_request'],
    [new DatabaseUnavailable(), 503, 'unavailable'],
    [new AppError(403, 'forbidden', 'This route needs an admin'), 403, 'forbidden'],
    [Object.assign(new Error('too big'), { type: 'entity.too.large', status: 413 }), 413, 'payload_too_large'],
    [Object.assign(new Error('bad json'), { type: 'entity.parse.failed', status: 400 }), 400, 'invalid_json'],
    // A status glued onto a plain Error is no longer a way to answer: only the table speaks.
    [Object.assign(new Error('No route'), { status: 404 }), 500, 'internal'],
    [new TypeError('x is undefined'), 500, 'internal'],
  ])('%s → %i %s', (err, status, code) => {
    const http = toHttp(err);
    expect(http.status).toBe(status);
    expect(http.body.error).toBe(code);
    // An unexpected error never shows its message to the caller.
    if (status === 500) expect(http.body.message).toBe('Internal error');
  });
});

describe('errors over HTTP', () => {
  let t: TestReceiver;
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });

  beforeAll(async () => {
    t = await startTestReceiver({ log: createLogger('info', { destination: sink }) });
  });
  afterAll(() => t.close());

  const admin = (req: request.Test) => req.auth(t.token, { type: 'bearer' });

  it('an unknown API route is 404 {"error":"not_found"} in JSON', async () => {
    const res = await admin(request(t.url).get('/zkteco/api/no-such-thing?x=1'));
    expect(res.status).toBe(404);
    expect(res.type).toBe('application/json');
    expect(res.body).toEqual({ error: 'not_found', message: 'No route GET /zkteco/api/no-such-thing' });
    expect((await admin(request(t.url).delete('/zkteco/api/devices'))).body.error).toBe('not_found');
  });

  it('an unknown field in a PATCH body is 400 naming it, and nothing changes', async () => {
    await request(t.url).get('/iclock/cdata?SN=ERRCLOCK01&options=all');
    const device = await admin(request(t.url).patch('/zkteco/api/devices/ERRCLOCK01')).send({ name: 'Door', timezon: 'Europe/Paris' });
    expect(device.status).toBe(400);
    expect(device.body).toMatchObject({ error: 'invalid_request', message: 'timezon: is not a known field' });
    expect((await admin(request(t.url).get('/zkteco/api/devices'))).body.items.find((d: { sn: string }) => d.sn === 'ERRCLOCK01').name).toBeNull();

    await admin(request(t.url).post('/zkteco/api/employees')).send({ pin: '41', name: 'Ana' }).expect(201);
    const employee = await admin(request(t.url).patch('/zkteco/api/employees/41')).send({ name: 'Ana B', privilege: 0, colour: 'red' });
    expect(employee.status).toBe(400);
    expect(employee.body.message).toBe('colour: is not a known field');
    expect((await admin(request(t.url).get('/zkteco/api/employees/41'))).body.name).toBe('Ana');
  });

  it('an unknown field in a batch item names the item', async () => {
    const res = await admin(request(t.url).post('/zkteco/api/attendance')).send([
      { user_id: 1, timestamp: '2025-12-07 08:30:15', punch_type: 'in' },
      { user_id: 2, timestamp: '2025-12-07 08:31:15', punch_type: 'in', workcode: 3 },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('[1].workcode: is not a known field');
  });

  it('every reply carries X-Request-Id: a sane incoming one is kept, anything else replaced', async () => {
    const generated = await request(t.url).get('/healthz');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await request(t.url).get('/healthz').set('X-Request-Id', 'erp-7f3a.42');
    expect(kept.headers['x-request-id']).toBe('erp-7f3a.42');
    const replaced = await request(t.url).get('/healthz').set('X-Request-Id', 'a b<script>');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const device = await request(t.url).get('/iclock/getrequest?SN=ERRCLOCK01').set('X-Request-Id', 'clock-1');
    expect(device.headers['x-request-id']).toBe('clock-1');
  });

  it('a 4xx is logged at info with its request id; every line of a request carries that id', async () => {
    const before = lines.length;
    await admin(request(t.url).post('/zkteco/api/employees')).set('X-Request-Id', 'req-create-42').send({ pin: '42', name: 'Bo' }).expect(201);
    await admin(request(t.url).get('/zkteco/api/employees/4242')).set('X-Request-Id', 'req-missing-4242').expect(404);
    const created = lines.slice(before).filter((l) => l.reqId === 'req-create-42');
    expect(created.map((l) => l.msg)).toContain('employee saved; update queued for the clocks');
    const missing = lines.slice(before).filter((l) => l.reqId === 'req-missing-4242');
    expect(missing).toEqual([expect.objectContaining({ level: 30, status: 404, code: 'not_found', msg: 'Unknown employee 4242' })]);
  });

  it('a 5xx is logged at error, and its reply names the request id to look for', async () => {
    await t.cutOffDatabase();
    const res = await request(t.url).get('/healthz').set('X-Request-Id', 'req-health-down');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'unavailable', message: 'database does not answer (request req-health-down; details in the server log)' });
    expect(lines.filter((l) => l.reqId === 'req-health-down')).toEqual([expect.objectContaining({ level: 50, status: 503 })]);
  });
});
