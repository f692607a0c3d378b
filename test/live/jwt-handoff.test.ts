// A host ERP hands a user over with ?token=: exchanged once for the session cookie; bad tokens refused.
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { LIVE_ENV, sessionPair, signJwt } from './live-support.ts';

let r: TestReceiver;

beforeAll(async () => {
  r = await startTestReceiver({ env: LIVE_ENV });
});
afterAll(() => r?.close());

const open = (token: string, extra = '') => request(r.url).get(`/employees/attendance/live?${extra}token=${encodeURIComponent(token)}`);

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('JWT handoff on the live page', () => {
  it('a valid token becomes the session cookie and leaves the address bar by a redirect', async () => {
    const res = await open(signJwt({ sub: 'erp-user-7', role: 'staff' }), 'view=compact&');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/employees/attendance/live?view=compact');
    const setCookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('zk_session='))!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);

    const cookie = sessionPair(res.headers['set-cookie']);
    const page = await request(r.url).get(res.headers.location!).set('Cookie', cookie);
    expect(page.status).toBe(200);
    const data = await request(r.url).get('/employees/attendance/live/data').set('Cookie', cookie);
    expect(data.body.viewer).toEqual({ subject: 'erp-user-7', role: 'staff' });
  });

  it('the session is not the handed-over token: the cookie carries a token of our own', async () => {
    const token = signJwt({ sub: 'erp-user-8', role: 'admin' });
    const cookie = sessionPair((await open(token)).headers['set-cookie']);
    expect(cookie).not.toContain(token);
    const devices = await request(r.url).get('/zkteco/api/devices').set('Cookie', cookie);
    expect(devices.status).toBe(200);
  });

  const refusals: [string, () => string, RegExp][] = [
    ['expired', () => signJwt({ sub: 'u', role: 'staff', exp: Math.floor(Date.now() / 1000) - 60 }), /expired/],
    ['signed with another secret', () => signJwt({ sub: 'u', role: 'staff' }, {}, 'some-other-secret-of-32-characters!!'), /another key/],
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u', role: 'admin', exp: Math.floor(Date.now() / 1000) + 600 })}.`, /invalid/],
    ['HS512 with the right secret', () => signJwt({ sub: 'u', role: 'staff' }, { algorithm: 'HS512' }), /invalid/],
    [
      'RS256',
      () => {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        return jwt.sign({ sub: 'u', role: 'staff' }, privateKey, { algorithm: 'RS256', expiresIn: 600 });
      },
      /invalid/,
    ],
    ['without a role', () => signJwt({ sub: 'u' }), /role/],
    ['with an unknown role', () => signJwt({ sub: 'u', role: 'root' }), /role/],
    ['without an expiry', () => jwt.sign({ sub: 'u', role: 'staff' }, 'test-jwt-secret-0123456789abcdef', { algorithm: 'HS256' }), /exp/],
    ['tampered payload', () => {
      const [h, , s] = signJwt({ sub: 'u', role: 'staff' }).split('.');
      return `${h}.${b64({ sub: 'u', role: 'admin', exp: Math.floor(Date.now() / 1000) + 600 })}.${s}`;
    }, /invalid/],
  ];

  for (const [what, token, reason] of refusals) {
    it(`a token ${what} is refused with a clear 401 page and no cookie`, async () => {
      const res = await open(token());
      expect(res.status).toBe(401);
      expect(res.type).toBe('text/html');
      expect(res.text).toContain('This sign-in link was refused');
      expect(res.text).toMatch(reason);
      expect(res.headers['set-cookie']).toBeUndefined();
    });
  }

  it('an empty token is refused too', async () => {
    const res = await request(r.url).get('/employees/attendance/live?token=');
    expect(res.status).toBe(401);
  });
});
