// The pure parts: CSV records with their line numbers, the header, command lines and delivery policy.
import { describe, expect, it } from 'vitest';
import { encodeGb18030 } from '../../server/devices/device-encoding.ts';
import { attlogQueryInTForm, commandLineFor, deliveryPolicy } from '../../server/devices/command-policy.ts';
import { deleteUserCommand, updateUserCommand } from '../../server/devices/employee-commands.ts';
import { csvDelimiter, importColumns, parseCsv } from '../../server/devices/employee-csv.ts';

describe('parseCsv', () => {
  it('keeps the line each record starts on, skips blank lines, reads quotes, CRLF and a BOM', () => {
    const text = '\uFEFFpin,name,card\r\n1,"Dubois, Hélène",\r\n\r\n2,"Line\nbreak",5\n3,"Say ""hi""",\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['pin', 'name', 'card'] },
      { line: 2, fields: ['1', 'Dubois, Hélène', ''] },
      { line: 4, fields: ['2', 'Line\nbreak', '5'] },
      { line: 6, fields: ['3', 'Say "hi"', ''] },
    ]);
  });

  it('a last line without a newline is read', () => {
    expect(parseCsv('pin,name\n7,王芳')).toEqual([
      { line: 1, fields: ['pin', 'name'] },
      { line: 2, fields: ['7', '王芳'] },
    ]);
  });

  it.each([
    ['pin,name,card\n1,A,2', ','],
    ['pin;name;card\r\n1;A;2', ';'],
    ['\uFEFFpin;name;card\n', ';'],
    ['pin;name\n', ';'],
    ['"pin;x",name,card\n', ','],
    ['pin\n1\n', ','],
  ])('the header line %j says the delimiter is %s', (text, delimiter) => {
    expect(csvDelimiter(text)).toBe(delimiter);
  });

  it('reads a semicolon file, commas inside names included', () => {
    expect(parseCsv('pin;name;card\r\n1;Dubois, Hélène;\r\n2;"A;B";7\r\n')).toEqual([
      { line: 1, fields: ['pin', 'name', 'card'] },
      { line: 2, fields: ['1', 'Dubois, Hélène', ''] },
      { line: 3, fields: ['2', 'A;B', '7'] },
    ]);
  });

  it('finds the columns in any order and case, and names the one missing', () => {
    expect(importColumns(['Name', 'PIN', 'Card'])).toEqual({ pin: 1, name: 0, card: 2 });
    expect(importColumns(['pin', 'name'])).toEqual({ pin: 0, name: 1, card: -1 });
    expect(importColumns(['id', 'name'])).toBe('pin');
  });
});

describe('command lines', () => {
  it('USERINFO updates carry the whole record; tabs and line breaks in a name become spaces', () => {
    expect(updateUserCommand({ pin: '016', name: 'Ana\tMaría\r\nLópez', card: '[15CD5B07]', privilege: 14 })).toBe(
      'DATA UPDATE USERINFO PIN=016\tName=Ana María López\tPri=14\tPasswd=\tCard=[15CD5B07]\tGrp=1\tTZ=0000000000000000\tVerify=0',
    );
    expect(deleteUserCommand('016')).toBe('DATA DELETE USERINFO PIN=016');
  });

  it('GB18030 encoding round-trips every character: two-byte GB2312 ones and four-byte ones alike', () => {
    const gb = new TextDecoder('gb18030');
    expect(encodeGb18030('李娜').toString('hex')).toBe('c0eec4c8');
    expect(gb.decode(encodeGb18030('PIN=1\tName=张伟 José Lü'))).toBe('PIN=1\tName=张伟 José Lü');
    // Four-byte sequences: a rare surname character (CJK Ext. B), an emoji, a Latin letter outside GB2312.
    expect(encodeGb18030('𠀀').toString('hex')).toBe('95328236');
    for (const name of ['𠀀明', '😀', 'Ŵiktor', '䶮']) expect(gb.decode(encodeGb18030(name))).toBe(name);
  });

  it('named commands map to iClock lines; anything else is sent as written', () => {
    expect(['INFO', 'reboot', 'CHECK', 'SET_TIME', 'LOG'].map(commandLineFor)).toEqual(['INFO', 'REBOOT', 'CHECK', 'CHECK', 'LOG']);
  });

  it('a space-form ATTLOG query has a T-form twin; other commands and T-form queries have none', () => {
    expect(attlogQueryInTForm('DATA QUERY ATTLOG StartTime=2025-12-06 00:00:00\tEndTime=2025-12-06 23:59:59')).toBe(
      'DATA QUERY ATTLOG StartTime=2025-12-06T00:00:00\tEndTime=2025-12-06T23:59:59',
    );
    expect(attlogQueryInTForm('DATA QUERY ATTLOG StartTime=2025-12-06T00:00:00\tEndTime=2025-12-06T23:59:59')).toBeNull();
    expect(attlogQueryInTForm('DATA QUERY USERINFO PIN=1')).toBeNull();
  });

  it('only idempotent commands are re-sent; log queries get longer to answer', () => {
    expect(deliveryPolicy('INFO')).toEqual({ maxAttempts: 4, answerTimeoutS: 120 });
    expect(deliveryPolicy('DATA QUERY ATTLOG StartTime=x\tEndTime=y')).toEqual({ maxAttempts: 4, answerTimeoutS: 600 });
    for (const once of ['REBOOT', 'CLEAR LOG', 'CLEAR DATA', 'ENROLL_FP PIN=1', 'SHELL ls']) expect(deliveryPolicy(once).maxAttempts).toBe(1);
  });
});
