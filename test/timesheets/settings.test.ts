// TIMESHEET_* settings: defaults as the contract says, and a wrong one stops start-up naming it.
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config.ts';

describe('timesheet settings', () => {
  it('default to sequence pairing, 60 s double taps and 14-hour sessions', () => {
    expect(readConfig({}).timesheets).toEqual({ pairing: 'sequence', doubleTapSeconds: 60, maxSessionHours: 14 });
    expect(readConfig({ TIMESHEET_PAIRING: 'key', TIMESHEET_DOUBLE_TAP_SECONDS: '0', TIMESHEET_MAX_SESSION_HOURS: '16.5' }).timesheets).toEqual({ pairing: 'key', doubleTapSeconds: 0, maxSessionHours: 16.5 });
  });

  it.each([
    [{ TIMESHEET_PAIRING: 'smart' }, /^Invalid setting TIMESHEET_PAIRING: /],
    [{ TIMESHEET_DOUBLE_TAP_SECONDS: '-1' }, /^Invalid setting TIMESHEET_DOUBLE_TAP_SECONDS: must be 0 or more seconds/],
    [{ TIMESHEET_DOUBLE_TAP_SECONDS: 'a minute' }, /^Invalid setting TIMESHEET_DOUBLE_TAP_SECONDS: /],
    [{ TIMESHEET_MAX_SESSION_HOURS: '0' }, /^Invalid setting TIMESHEET_MAX_SESSION_HOURS: must be more than 0 hours/],
    [{ TIMESHEET_MAX_SESSION_HOURS: '72' }, /^Invalid setting TIMESHEET_MAX_SESSION_HOURS: must be at most 48 hours/],
  ])('%j is refused with one line naming it', (env, message) => {
    expect(() => readConfig(env)).toThrow(message);
  });
});
