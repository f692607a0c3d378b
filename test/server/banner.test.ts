// The start-up banner tells a newcomer where to go and where every secret is kept, in each situation.
import { describe, expect, it } from 'vitest';
import { browsableUrl, startupBanner, type BannerFacts } from '../../server/banner.ts';

const base: BannerFacts = { host: '0.0.0.0', port: 3000, database: 'embedded Postgres in /srv/data/pglite', token: { file: '/srv/data/api-token' }, admin: { staffAccounts: 1 } };
const signInLine = (facts: Partial<BannerFacts>) => startupBanner({ ...base, ...facts }).find((l) => l.startsWith('Live page sign-in'));

describe('start-up banner', () => {
  it.each([
    ['0.0.0.0', 3000, 'http://localhost:3000'],
    ['::', 3000, 'http://localhost:3000'],
    ['127.0.0.1', 8080, 'http://127.0.0.1:8080'],
    ['192.168.1.20', 3000, 'http://192.168.1.20:3000'],
    ['::1', 3000, 'http://[::1]:3000'],
  ])('listening on %s:%i is announced as %s', (host, port, url) => {
    expect(browsableUrl(host, port)).toBe(url);
    expect(startupBanner({ ...base, host, port })[0]).toBe(`ZKTeco receiver listening on ${url} (devices: /iclock, API: /zkteco/api, live page: /employees/attendance/live)`);
  });

  it('names where the admin password is kept, in every case', () => {
    expect(signInLine({ admin: { generated: { username: 'admin', password: 'Xk9', file: '/srv/data/admin-password' }, staffAccounts: 1 } })).toBe(
      'Live page sign-in: http://localhost:3000/employees/login as admin / Xk9 (generated now, shown once; kept in /srv/data/admin-password)',
    );
    expect(signInLine({ admin: { passwordFile: '/srv/data/admin-password', staffAccounts: 1 } })).toBe(
      'Live page sign-in: http://localhost:3000/employees/login as admin (password kept in /srv/data/admin-password)',
    );
    expect(signInLine({ admin: { fromSettings: 'boss', passwordFile: '/srv/data/admin-password', staffAccounts: 2 } })).toBe(
      'Live page sign-in: http://localhost:3000/employees/login as boss (password: ADMIN_PASSWORD, from .env or the environment)',
    );
    expect(signInLine({ admin: { staffAccounts: 3 } })).toBe(
      'Live page sign-in: http://localhost:3000/employees/login (3 staff accounts; no admin password is kept in a file: set ADMIN_USER and ADMIN_PASSWORD to set one)',
    );
  });

  it('prints a generated API token once, else names its file or API_TOKENS', () => {
    expect(startupBanner({ ...base, token: { generated: { file: '/srv/data/api-token', value: 'tok' }, file: '/srv/data/api-token' } })[2]).toBe(
      'API token (generated now, shown once; kept in /srv/data/api-token): tok',
    );
    expect(startupBanner(base)[2]).toBe('API token: in /srv/data/api-token');
    expect(startupBanner({ ...base, token: {} })[2]).toBe('API tokens: from API_TOKENS');
  });
});
