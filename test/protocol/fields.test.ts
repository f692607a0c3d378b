// What a plausible serial, PIN, card and name are, and how each parser rejects a line that is not:
// line by line, with its reason, the rest of the body kept. Pure code, no database.
import { describe, expect, it } from 'vitest';
import { cardProblem, nameProblem, normaliseLocalTime, parseAttlog, parseOperlog, parseRtlog, pinProblem, serialProblem } from '../../server/protocol/index.ts';

const NUL = '\u0000';

describe('field rules', () => {
  it.each([
    ['AEWD200560017', null],
    ['SIM-0000_2.a', null],
    ['', 'empty serial'],
    [`AEWD${NUL}`, 'serial contains control characters'],
    ['AEWD\n200', 'serial contains control characters'],
    ['A'.repeat(64), null],
    ['A'.repeat(65), 'serial longer than 64 characters'],
    ['AEWD 2005', 'serial must be letters, digits, _ . -'],
    ['../etc', 'serial must be letters, digits, _ . -'],
  ])('serial %j → %s', (sn, reason) => expect(serialProblem(sn)).toBe(reason));

  it.each([
    ['0042', null],
    ['A12', null],
    ['', 'empty PIN'],
    [`1${NUL}`, 'PIN contains control characters'],
    ['1\r', 'PIN contains control characters'],
    ['1\x7f', 'PIN contains control characters'],
    ['1\x1b', 'PIN contains control characters'],
    ['9'.repeat(64), null],
    ['9'.repeat(6000), 'PIN longer than 64 characters'],
  ])('PIN %j → %s', (pin, reason) => expect(pinProblem(pin)).toBe(reason));

  it.each([
    ['', null],
    ['123456789', null],
    ['[15CD5B07]', null],
    [`123${NUL}`, 'card contains control characters'],
    ['1'.repeat(65), 'card longer than 64 characters'],
  ])('card %j → %s', (card, reason) => expect(cardProblem(card)).toBe(reason));

  it.each([
    ['José Müller', null],
    ['王芳', null],
    ['', null],
    [`Bob${NUL}`, 'name contains control characters'],
    ['Bob\nC:99:REBOOT', 'name contains control characters'],
    ['x'.repeat(101), 'name longer than 100 characters'],
  ])('name %j → %s', (name, reason) => expect(nameProblem(name)).toBe(reason));

  it.each([
    ['1970-01-01 00:00:00', '1970-01-01 00:00:00'],
    ['1969-12-31 23:59:59', null],
    ['0000-01-01 00:00:00', null],
    ['0099-05-01 08:00:00', null],
    ['2025-12-07 08:30:15', '2025-12-07 08:30:15'],
  ])('time %s → %s (no year before 1970)', (text, out) => expect(normaliseLocalTime(text)).toBe(out));
});

describe('each parser rejects an implausible line and keeps the others', () => {
  it.each([
    ['NUL in the PIN', `1${NUL}\t2025-12-07 08:00:00\t0\t1`, /PIN contains control characters/],
    ['NUL in the workcode', `1\t2025-12-07 08:00:00\t0\t1\t${NUL}`, /workcode contains control characters/],
    ['DEL in the PIN', '1\x7f\t2025-12-07 08:00:00\t0\t1', /PIN contains control characters/],
    ['a PIN of 6,000 characters', `${'9'.repeat(6000)}\t2025-12-07 08:00:00\t0\t1`, /PIN longer than 64/],
    ['year 0000', '1\t0000-01-01 00:00:00\t0\t1', /invalid time/],
    ['year 1969', '1\t1969-12-31 23:59:59\t0\t1', /invalid time/],
  ])('ATTLOG: %s', (_what, bad, reason) => {
    const parsed = parseAttlog(`${bad}\n2\t2025-12-07 08:01:00\t0\t1\n`);
    expect(parsed.punches.map((p) => p.pin)).toEqual(['2']);
    expect(parsed.rejected).toHaveLength(1);
    expect(parsed.rejected[0]).toMatchObject({ line: 1, reason: expect.stringMatching(reason) });
    // The report is storable: no NUL survives into it.
    expect(JSON.stringify(parsed.rejected)).not.toContain('\\u0000');
    expect(parsed.lines).toBe(2);
  });

  it.each([
    ['a PIN of 6,000 characters', `time=2025-12-07 08:45:10\tpin=${'7'.repeat(6000)}\tinoutstatus=0`, /PIN longer than 64/],
    ['NUL in the PIN', `time=2025-12-07 08:45:10\tpin=7${NUL}\tinoutstatus=0`, /PIN contains control characters/],
    ['year 0000', 'time=0000-01-01 00:00:00\tpin=7\tinoutstatus=0', /without pin or valid time/],
  ])('RTLOG: %s', (_what, bad, reason) => {
    const parsed = parseRtlog(`${bad}\ntime=2025-12-07 08:45:30\tpin=1001\tinoutstatus=1\n`);
    expect(parsed.punches.map((p) => p.pin)).toEqual(['1001']);
    expect(parsed.rejected).toEqual([expect.objectContaining({ line: 1, reason: expect.stringMatching(reason) })]);
  });

  it.each([
    ['NUL in the card', `USER PIN=5\tName=Eve\tPri=0\tCard=123${NUL}`, /card contains control characters/],
    ['ESC in the name', 'USER PIN=5\tName=Eve\x1b[2J\tPri=0\tCard=', /name contains control characters/],
    ['a name of 6,000 characters', `USER PIN=5\tName=${'e'.repeat(6000)}\tPri=0`, /name longer than 100/],
    ['NUL in the PIN', `USER PIN=5${NUL}\tName=Eve\tPri=0`, /PIN contains control characters/],
  ])('OPERLOG USER: %s', (_what, bad, reason) => {
    const parsed = parseOperlog(Buffer.from(`${bad}\nUSER PIN=6\tName=Ann\tPri=0\tCard=42\n`));
    expect(parsed.users).toEqual([{ pin: '6', name: 'Ann', privilege: 0, card: '42' }]);
    expect(parsed.rejected).toEqual([{ line: 1, text: 'USER …', reason: expect.stringMatching(reason) }]);
  });
});
