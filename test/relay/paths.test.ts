// Which paths the relay forwards with its token: the spellings clocks use, and nothing a proxy could
// resolve to a path outside /iclock.
import { describe, expect, it } from 'vitest';
import { forwardableVerb } from '../../relay/paths.ts';

describe('forwardableVerb', () => {
  it.each([
    ['/iclock/cdata', 'cdata'],
    ['/iclock/cdata/', 'cdata'],
    ['/iclock/cdata.aspx', 'cdata'],
    ['//iclock/getrequest', 'getrequest'],
    ['/iclock/registry', 'registry'],
    ['/iclock/somethingnew', 'unknown'],
  ])('%s is an iClock path (%s)', (path, verb) => {
    expect(forwardableVerb(path)).toBe(verb);
  });

  it.each([
    '/iclock/../zkteco/api/employees',
    '/iclock/./cdata',
    '/iclock/%2e%2e/zkteco/api/employees',
    '/iclock/%2E%2E/zkteco/api/devices',
    '/iclock/..%2fzkteco/api/employees',
    '/iclock/cdata%2f..%2f..%2fzkteco',
    '/iclock\\..\\zkteco/api/employees',
    '/iclock/cdata/../../zkteco/api/employees',
    '/zkteco/api/employees',
    '/relay/status',
    '/iclockx/cdata',
    '/',
  ])('%s is refused', (path) => {
    expect(forwardableVerb(path)).toBeNull();
  });
});
