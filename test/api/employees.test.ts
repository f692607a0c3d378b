// An admin keeps the employee list: create, read, edit any subset, delete; errors say what is wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { api } from '../devices/talking-clock.ts';

let t: TestReceiver;

beforeAll(async () => {
  t = await startTestReceiver();
});
afterAll(() => t.close());

const pins = async () => (await api(t, 'GET', '/zkteco/api/employees')).body.items.map((e: { pin: string }) => e.pin);

describe('employees API', () => {
  it('creates an employee (201), lists it, and refuses the same pin again (409)', async () => {
    const created = await api(t, 'POST', '/zkteco/api/employees', { body: { pin: '016', name: '  Hélène Dubois ', card: 42 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ pin: '016', name: 'Hélène Dubois', card: '42', privilege: 0, source: 'erp' });
    expect(await pins()).toContain('016');
    const again = await api(t, 'POST', '/zkteco/api/employees', { body: { pin: '016', name: 'Someone Else' } });
    expect(again.status).toBe(409);
    expect((await api(t, 'GET', '/zkteco/api/employees/016')).body.name).toBe('Hélène Dubois');
  });

  it('a numeric pin is kept as text', async () => {
    expect((await api(t, 'POST', '/zkteco/api/employees', { body: { pin: 77, name: 'Numeric Pin' } })).body.pin).toBe('77');
  });

  it.each([
    [{ name: 'No Pin' }, /^pin:/],
    [{ pin: 'a b', name: 'Space In Pin' }, /^pin:/],
    [{ pin: '5' }, /^name:/],
    [{ pin: '5', name: '' }, /^name:/],
    [{ pin: '5', name: 'Bad Card', card: '12ab' }, /^card:/],
    [{ pin: '5', name: 'Bad Privilege', privilege: 3 }, /^privilege:/],
  ])('400 names the wrong field: %j', async (body, message) => {
    const res = await api(t, 'POST', '/zkteco/api/employees', { body });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect(await pins()).not.toContain('5');
  });

  it('PATCH takes any subset of the fields', async () => {
    await api(t, 'POST', '/zkteco/api/employees', { body: { pin: '20', name: 'Marta', card: '1' } });
    expect((await api(t, 'PATCH', '/zkteco/api/employees/20', { body: { card: '2' } })).body).toMatchObject({ name: 'Marta', card: '2' });
    expect((await api(t, 'PATCH', '/zkteco/api/employees/20', { body: { name: 'Marta Ñúñez' } })).body).toMatchObject({ name: 'Marta Ñúñez', card: '2' });
    expect((await api(t, 'PATCH', '/zkteco/api/employees/20', { body: {} })).status).toBe(200);
    expect((await api(t, 'PATCH', '/zkteco/api/employees/20', { body: { card: 'x' } })).status).toBe(400);
  });

  it('DELETE answers 204, the employee is gone, and the pin may be created again', async () => {
    await api(t, 'POST', '/zkteco/api/employees', { body: { pin: '30', name: 'Leaving Soon' } });
    const deleted = await api(t, 'DELETE', '/zkteco/api/employees/30');
    expect(deleted.status).toBe(204);
    expect(await pins()).not.toContain('30');
    expect((await api(t, 'GET', '/zkteco/api/employees/30')).status).toBe(404);
    expect((await api(t, 'DELETE', '/zkteco/api/employees/30')).status).toBe(404);
    expect((await api(t, 'POST', '/zkteco/api/employees', { body: { pin: '30', name: 'Back Again' } })).status).toBe(201);
  });

  it('404 for an unknown pin on read, edit and delete', async () => {
    expect((await api(t, 'GET', '/zkteco/api/employees/9999')).status).toBe(404);
    expect((await api(t, 'PATCH', '/zkteco/api/employees/9999', { body: { name: 'X' } })).status).toBe(404);
    expect((await api(t, 'DELETE', '/zkteco/api/employees/9999')).status).toBe(404);
  });
});
