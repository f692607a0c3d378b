// Password guessing on the sign-in form: 10 failures per 15 minutes per username and per address, then
// 429 with a clear message and Retry-After, even for the right password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestReceiver } from '../support/receiver.ts';
import { ADMIN, receiverWithStaff, signInForm, STAFF } from '../support/session.ts';

let r: TestReceiver;
beforeAll(async () => {
  r = await receiverWithStaff();
});
afterAll(() => r?.close());

// The test connects from loopback, a trusted proxy: X-Forwarded-For names the client's address.
const from = (address: string) => ({ 'X-Forwarded-For': address });

describe('sign-in limit', () => {
  it('per username: the 11th try within 15 minutes is 429 (from any address), with the right password too', async () => {
    for (let i = 0; i < 10; i++) expect((await signInForm(r.url, STAFF.user, `wrong ${i}`, from(`10.0.0.${i + 1}`))).status).toBe(401);
    const blocked = await signInForm(r.url, STAFF.user, STAFF.password, from('10.0.1.1'));
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(await blocked.text()).toContain('Too many failed sign-ins');
    expect(blocked.headers.getSetCookie()).toEqual([]);
    // Another account is not blocked by it.
    expect((await signInForm(r.url, ADMIN.user, ADMIN.password, from('10.0.1.2'))).status).toBe(303);
  });

  it('per address: 10 failures over many usernames block that address, not others', async () => {
    for (let i = 0; i < 10; i++) expect((await signInForm(r.url, `guess${i}`, 'password123', from('192.0.2.7'))).status).toBe(401);
    expect((await signInForm(r.url, ADMIN.user, ADMIN.password, from('192.0.2.7'))).status).toBe(429);
    expect((await signInForm(r.url, ADMIN.user, ADMIN.password, from('192.0.2.8'))).status).toBe(303);
  });

  it('fewer than 10 failures do not block', async () => {
    for (let i = 0; i < 9; i++) await signInForm(r.url, ADMIN.user, 'nope', from('198.51.100.1'));
    expect((await signInForm(r.url, ADMIN.user, ADMIN.password, from('198.51.100.1'))).status).toBe(303);
  });
});
