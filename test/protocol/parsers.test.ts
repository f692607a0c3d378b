// The pure parsers, table-tested from the shared fixtures: no server, no database.
import { describe, expect, it } from 'vitest';
import {
  countRecordLines,
  decodeDeviceText,
  parseAttlog,
  parseCommandResults,
  parseInfo,
  parseOperlog,
  parseOptionsLine,
  punchTypeOf,
  uploadReply,
} from '../../server/protocol/index.ts';
import { fixtureBody, loadFixtures } from '../support/fixtures.ts';

const fixtures = loadFixtures();
const table = (f: (typeof fixtures)[number]) => (f.query.table ?? '').toUpperCase();
const attlog = fixtures.filter((f) => table(f) === 'ATTLOG');
const operlog = fixtures.filter((f) => table(f) === 'OPERLOG');

describe('parseAttlog', () => {
  it.each(attlog.map((f) => [f.name, f] as const))('%s: punches and rejected lines as the fixture says', (_n, f) => {
    const parsed = parseAttlog(decodeDeviceText(fixtureBody(f), 'latin1'));
    const unique = new Map(parsed.punches.map((p) => [`${p.pin}|${p.localTime}`, p]));
    expect([...unique.values()].map((p) => ({ pin: p.pin, time: p.localTime, status: p.status, verify: p.verify }))).toEqual(
      f.expect.punches!.map((p) => ({ pin: p.pin, time: p.time, status: p.status, verify: p.verify })),
    );
    expect(parsed.rejected.map((r) => r.text)).toEqual(f.expect.rejected_lines ?? []);
    expect(`OK:${parsed.lines}`).toBe(f.expect.reply_exact);
  });

  it('rejects impossible dates, empty and over-long PINs, and keeps the valid lines', () => {
    const body = ['1\t2025-02-30 08:00:00\t0\t1', '\t2025-12-07 08:00:00\t0\t1', `${'9'.repeat(100)}\t2025-12-07 08:00:00\t0\t1`, '2\t2025-12-07 24:00:00\t0\t1', '3\t2025-12-07 08:00:00\t0\t1'].join('\n');
    const parsed = parseAttlog(body);
    expect(parsed.punches.map((p) => p.pin)).toEqual(['3']);
    expect(parsed.rejected.map((r) => r.line)).toEqual([1, 2, 3, 4]);
    expect(parsed.rejected[2]!.reason).toMatch(/PIN longer/);
  });

  it('tolerates T and / in times, and space-separated records', () => {
    expect(parseAttlog('5\t2025/12/07T08:00:00\t1\t4').punches[0]).toMatchObject({ pin: '5', localTime: '2025-12-07 08:00:00', status: 1, verify: 4 });
    expect(parseAttlog('6 2025-12-07 08:00:00 0 1').punches[0]).toMatchObject({ pin: '6', localTime: '2025-12-07 08:00:00', status: 0, verify: 1 });
  });
});

describe('punchTypeOf', () => {
  it.each([
    [0, 'in'], [3, 'in'], [4, 'in'], [1, 'out'], [2, 'out'], [5, 'out'], [255, 'unknown'], [15, 'unknown'], [null, 'unknown'],
  ] as const)('status %s is %s', (status, type) => expect(punchTypeOf(status)).toBe(type));
});

describe('parseOperlog', () => {
  it.each(operlog.map((f) => [f.name, f] as const))('%s: users and line count', (_n, f) => {
    const parsed = parseOperlog(fixtureBody(f));
    expect(parsed.users).toEqual(f.expect.users);
    expect(`OK:${parsed.lines}`).toBe(f.expect.reply_exact);
  });

  it('reads `null` as empty and Privilege as a synonym of Pri', () => {
    expect(parseOperlog(Buffer.from('USER PIN=7\tName=null\tPrivilege=14\tCard=null\n')).users).toEqual([{ pin: '7', name: '', privilege: 14, card: '' }]);
  });
});

describe('parseCommandResults', () => {
  for (const f of fixtures.filter((x) => x.path.includes('devicecmd'))) {
    it(`${f.name}: one result per ID= line`, () => {
      const results = parseCommandResults(fixtureBody(f).toString('utf8'));
      expect(results.map((r) => ({ id: r.id, return: r.returnCode, cmd: r.cmd }))).toEqual(f.expect.command_results);
      if (f.expect.info_options) expect(results[0]!.extra).toEqual(f.expect.info_options);
    });
  }
});

describe('device facts', () => {
  it('INFO= fields by position', () => {
    const f = fixtures.find((x) => x.name === 'getrequest-info')!;
    expect(parseInfo(f.query.INFO!)).toEqual(f.expect.info_fields);
  });
  it('options upload', () => {
    const f = fixtures.find((x) => x.name === 'options-upload')!;
    expect(parseOptionsLine(fixtureBody(f).toString())).toEqual(f.expect.options);
  });
});

describe('replies', () => {
  it.each([
    ['', 0], ['\n\n  \n', 0], ['a', 1], ['a\nb', 2], ['a\r\nb\r\n', 2], ['\n\ta\n \n', 1],
  ])('countRecordLines(%j) = %i', (body, n) => expect(countRecordLines(Buffer.from(body))).toBe(n));
  it('counted tables get OK:<n>, the others OK', () => {
    expect(uploadReply('ATTLOG', Buffer.from('1\n2\n'))).toBe('OK:2');
    expect(uploadReply('operlog', Buffer.from(''))).toBe('OK:0');
    expect(uploadReply('ATTPHOTO', Buffer.from('x'))).toBe('OK');
    expect(uploadReply('options', Buffer.from('x'))).toBe('OK');
  });
});
