// Which queued uploads may travel as one request, and how their bodies are joined (relay/merge.ts): pure.
import { describe, expect, it } from 'vitest';
import { batchLength, joinBodies, mergeKeyOf, queryWithoutCursors, type Mergeable } from '../../relay/merge.ts';
import type { StoredRequest } from '../../relay/store.ts';
import { readRelayConfig } from '../../relay/config.ts';

const upload = (over: Partial<StoredRequest> = {}): StoredRequest => ({
  method: 'POST',
  path: '/iclock/cdata',
  rawQuery: 'SN=A1&table=ATTLOG&Stamp=1',
  body: Buffer.from('1\t2025-12-07 08:00:00\t0\t1\n'),
  receivedAt: '2025-12-07T08:00:00.000Z',
  remoteAddress: '10.0.0.5',
  userAgent: 'iClock Proxy/1.09',
  sn: 'A1',
  table: 'ATTLOG',
  ...over,
});

describe('queryWithoutCursors', () => {
  it.each([
    ['SN=A1&table=ATTLOG&Stamp=9', 'SN=A1&table=ATTLOG'],
    ['Stamp=9&SN=A1&table=ATTLOG', 'SN=A1&table=ATTLOG'],
    ['SN=A1&table=OPERLOG&OpStamp=3&stamp=4', 'SN=A1&table=OPERLOG'],
    ['SN=A1&%53tamp=9&table=ATTLOG', 'SN=A1&table=ATTLOG'],
    ['SN=A1&table=ATTLOG&Stamps=9', 'SN=A1&table=ATTLOG&Stamps=9'],
    ['SN=A1&table= ATTLOG', 'SN=A1&table= ATTLOG'],
    ['', ''],
  ])('%s → %s', (raw, expected) => expect(queryWithoutCursors(raw)).toBe(expected));
});

describe('mergeKeyOf', () => {
  const key = mergeKeyOf(upload());
  it.each<[string, Partial<StoredRequest>, 'same' | 'other' | 'never']>([
    ['another Stamp', { rawQuery: 'SN=A1&table=ATTLOG&Stamp=2' }, 'same'],
    ['another body and arrival', { body: Buffer.from('2\t2025-12-07 08:00:01\n'), receivedAt: '2025-12-07T08:00:01.000Z' }, 'same'],
    ['another clock', { sn: 'A2', rawQuery: 'SN=A2&table=ATTLOG&Stamp=1' }, 'other'],
    ['another query parameter', { rawQuery: 'SN=A1&table=ATTLOG&Stamp=1&x=1' }, 'other'],
    ['the same query spelled otherwise', { rawQuery: 'sn=A1&table=ATTLOG&Stamp=1' }, 'other'],
    ['another path spelling', { path: '//iclock/cdata.aspx' }, 'other'],
    ['another address', { remoteAddress: '10.0.0.6' }, 'other'],
    ['another User-Agent', { userAgent: 'other' }, 'other'],
    ['a Content-Type', { contentType: 'text/plain' }, 'other'],
    ['OPERLOG', { table: 'OPERLOG', rawQuery: 'SN=A1&table=OPERLOG' }, 'never'],
    ['RTLOG', { table: 'RTLOG', rawQuery: 'SN=A1&table=rtlog' }, 'never'],
    ['an answer to a DATA QUERY', { rawQuery: 'SN=A1&table=ATTLOG&Stamp=1&CmdId=42' }, 'never'],
    ['a GET', { method: 'GET' }, 'never'],
    ['another verb', { path: '/iclock/devicecmd' }, 'never'],
  ])('%s: %s', (_label, over, expected) => {
    const other = mergeKeyOf(upload(over));
    if (expected === 'never') expect(other).toBeNull();
    else if (expected === 'same') expect(other).toBe(key);
    else expect(other).not.toBe(key);
  });
});

describe('batchLength', () => {
  const settings = { mergeLines: 10, mergeMaxBytes: 10_000, mergeSpreadMs: 2_000 };
  const item = (id: number, over: Partial<Mergeable> = {}): Mergeable => ({ id, mergeKey: 'k', receivedAt: `2025-12-07T08:00:0${id}.000Z`, bytes: 100, ...over });
  const lines = (n: number) => () => n;
  it.each<[string, Mergeable[], () => number, Partial<typeof settings>, number]>([
    ['one alone', [item(1)], lines(3), {}, 1],
    ['up to the line limit', [item(1), item(2), item(3), item(4)], lines(3), {}, 3],
    ['exactly the line limit', [item(1), item(2)], lines(5), {}, 2],
    ['a first part over the limit goes alone', [item(1), item(2)], lines(11), {}, 1],
    ['stops at another key', [item(1), item(2), item(3, { mergeKey: 'x' }), item(4)], lines(1), {}, 2],
    ['never for a null key', [item(1, { mergeKey: null }), item(2)], lines(1), {}, 1],
    ['stops past the byte limit', [item(1), item(2), item(3)], lines(1), { mergeMaxBytes: 250 }, 2],
    ['stops past the arrival spread', [item(1), item(2), item(3), item(5)], lines(1), {}, 3],
    ['off with mergeLines 1', [item(1), item(2)], lines(0), { mergeLines: 1 }, 1],
  ])('%s', (_label, candidates, linesOf, over, expected) => {
    expect(batchLength(candidates, linesOf, { ...settings, ...over })).toBe(expected);
  });
});

describe('joinBodies', () => {
  it.each<[string, string[], string, number]>([
    ['bodies ending in newlines, byte for byte', ['a\n', 'b\r\n'], 'a\nb\r\n', 2],
    ['a newline added where one is missing', ['a', 'b'], 'a\nb\n', 2],
    ['blank lines kept, not counted', ['a\n\n', '\r\n', 'b'], 'a\n\n\r\nb\n', 2],
    ['an empty body adds nothing', ['', 'a\n'], 'a\n', 1],
  ])('%s', (_label, parts, joined, count) => {
    const { body, lines } = joinBodies(parts.map((p) => Buffer.from(p)));
    expect(body.toString()).toBe(joined);
    expect(lines).toBe(count);
  });
});

describe('RELAY_MERGE_LINES', () => {
  const base = { RELAY_UPSTREAM: 'https://erp.example.com', RELAY_TOKEN: 't0k' };
  it.each<[string | undefined, number | RegExp]>([
    [undefined, 1000],
    ['1', 1],
    ['250', 250],
    ['0', /^Invalid setting RELAY_MERGE_LINES: must be at least 1 \(1: never merge\)$/],
    ['2.5', /^Invalid setting RELAY_MERGE_LINES: must be a whole number of lines$/],
  ])('%s → %s', (value, expected) => {
    const env = value === undefined ? base : { ...base, RELAY_MERGE_LINES: value };
    if (typeof expected === 'number') expect(readRelayConfig(env).forwarding.mergeLines).toBe(expected);
    else expect(() => readRelayConfig(env)).toThrow(expected);
  });
});
