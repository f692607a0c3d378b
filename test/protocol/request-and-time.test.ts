// Path spellings, query names and time zones: pure code, table-tested.
import { describe, expect, it } from 'vitest';
import {
  commandLines,
  deviceOptionsReply,
  iclockVerb,
  localToInstant,
  normaliseLocalTime,
  readDeviceQuery,
  timeZoneOption,
  zoneOffsetMinutes,
} from '../../server/protocol/index.ts';

describe('iclockVerb', () => {
  it.each([
    ['/iclock/cdata', 'cdata'], ['/iclock/cdata/', 'cdata'], ['/iclock/cdata.aspx', 'cdata'], ['//iclock/getrequest', 'getrequest'],
    ['/iclock/GetRequest.aspx', 'getrequest'], ['/iclock/devicecmd', 'devicecmd'], ['/iclock/whatever', 'unknown'], ['/zkteco/api', null], ['/', null],
  ])('%s → %s', (path, verb) => expect(iclockVerb(path)).toBe(verb));
});

it('query names are case-insensitive and values trimmed', () => {
  const q = readDeviceQuery('sn=AB1&Table=%20ATTLOG&Stamp=9999');
  expect([q.get('sn'), q.get('table'), q.get('stamp')]).toEqual(['AB1', 'ATTLOG', '9999']);
});

describe('time zones', () => {
  it.each([
    ['Europe/Paris', '2025-12-07T07:31:00Z', '1'], ['Europe/Paris', '2025-07-01T06:00:00Z', '2'], ['Asia/Kolkata', '2025-12-07T07:31:00Z', '330'],
    ['Asia/Kathmandu', '2025-12-07T07:31:00Z', '345'], ['America/St_Johns', '2025-12-07T07:31:00Z', '-210'], ['America/New_York', '2025-12-07T07:31:00Z', '-5'], ['UTC', '2025-12-07T07:31:00Z', '0'],
  ])('%s at %s → TimeZone=%s', (zone, at, value) => expect(timeZoneOption(zoneOffsetMinutes(zone, new Date(at)))).toBe(value));

  it.each([
    ['2025-12-07 08:30:15', 'Europe/Paris', '2025-12-07T07:30:15.000Z'],
    ['2025-07-07 08:30:15', 'Europe/Paris', '2025-07-07T06:30:15.000Z'],
    ['2025-10-26 02:30:00', 'Europe/Paris', '2025-10-26T00:30:00.000Z'], // repeated hour: earlier offset
    ['2025-03-30 02:30:00', 'Europe/Paris', '2025-03-30T01:30:00.000Z'], // skipped hour: moved forward
    ['2025-12-07 08:30:15', 'Asia/Kolkata', '2025-12-07T03:00:15.000Z'],
  ])('%s in %s is %s', (local, zone, iso) => expect(localToInstant(local, zone).toISOString()).toBe(iso));

  it.each([['2025-02-29 00:00:00', null], ['2024-02-29 00:00:00', '2024-02-29 00:00:00'], ['2025-13-01 00:00:00', null], ['2025-12-07 08:60:00', null], ['garbage', null]])(
    'normaliseLocalTime(%s) = %s',
    (text, out) => expect(normaliseLocalTime(text)).toBe(out),
  );
});

describe('replies', () => {
  it('options block echoes stamps and never the seed serial', () => {
    const text = deviceOptionsReply({ sn: 'X1', stamps: { ATTLOG: '42' }, offsetMinutes: 60 });
    expect(text.split('\n')).toEqual(expect.arrayContaining(['GET OPTION FROM: X1', 'ATTLOGStamp=42', 'OPERLOGStamp=None', 'TimeZone=1', 'Realtime=1']));
  });
  it('REBOOT goes last; nothing queued is OK', () => {
    expect(commandLines([{ id: 1, command: 'REBOOT' }, { id: 2, command: 'INFO' }])).toBe('C:2:INFO\nC:1:REBOOT\n');
    expect(commandLines([])).toBe('OK');
  });
});

describe('hours cut by a DST change (converted second by second, not from the per-hour cache)', () => {
  it.each([
    ['2025-10-26 02:00:00', 'Europe/Paris', '2025-10-26T00:00:00.000Z'],
    ['2025-10-26 02:59:59', 'Europe/Paris', '2025-10-26T00:59:59.000Z'],
    ['2025-03-30 02:59:59', 'Europe/Paris', '2025-03-30T01:59:59.000Z'],
    ['2025-04-06 01:29:59', 'Australia/Lord_Howe', '2025-04-05T14:29:59.000Z'], // before the repeated half hour
    ['2025-04-06 01:45:00', 'Australia/Lord_Howe', '2025-04-05T14:45:00.000Z'], // repeated: earlier offset (+11)
    ['2025-10-05 01:59:59', 'Australia/Lord_Howe', '2025-10-04T15:29:59.000Z'], // +10:30 still
    ['2025-10-05 02:15:00', 'Australia/Lord_Howe', '2025-10-04T15:45:00.000Z'], // skipped: moved forward
    ['2025-10-05 02:30:00', 'Australia/Lord_Howe', '2025-10-04T15:30:00.000Z'], // +11 from here
    ['2025-10-05 02:59:59', 'Australia/Lord_Howe', '2025-10-04T15:59:59.000Z'],
  ])('%s in %s is %s', (local, zone, iso) => expect(localToInstant(local, zone).toISOString()).toBe(iso));
});
