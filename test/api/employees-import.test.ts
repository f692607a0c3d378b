// Importing employees from a CSV file: good lines are applied, bad lines reported by line number
// (the header is line 1), and every change is queued for the approved clocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { api, approvedClock } from '../devices/talking-clock.ts';

let t: TestReceiver;

beforeAll(async () => {
  t = await startTestReceiver();
});
afterAll(() => t.close());

const byPin = async () =>
  Object.fromEntries((await api(t, 'GET', '/zkteco/api/employees')).body.items.map((e: { pin: string; name: string; card: string }) => [e.pin, `${e.name}|${e.card}`]));

describe('POST /zkteco/api/employees/import', () => {
  it('creates, reports bad lines with their line numbers, then updates on a second import', async () => {
    const clock = await approvedClock(t, 'IMPORTCLOCK1');
    const csv = [
      'pin,name,card', // line 1
      '1,José Müller,123456789',
      '2,"Dubois, Hélène",',
      ',No Pin,5', // 4: no pin
      '3,王芳,[15CD5B07]',
      '', // 6: blank, skipped
      '4,Bad Card,12ab', // 7
      '1,José Again,1', // 8: duplicate pin
      '5,,7', // 9: no name
      '6,Too,Many,Fields', // 10
      '7,"Quoted ""Nick"" Name",8\r',
    ].join('\n');
    const first = await api(t, 'POST', '/zkteco/api/employees/import', { csv });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 4, updated: 0 });
    expect(first.body.errors).toEqual([
      { line: 4, reason: expect.stringMatching(/^pin /) },
      { line: 7, reason: expect.stringMatching(/^card /) },
      { line: 8, reason: 'pin 1 is already on line 2' },
      { line: 9, reason: expect.stringMatching(/^name /) },
      { line: 10, reason: expect.stringMatching(/4 fields/) },
    ]);
    expect(await byPin()).toEqual({
      '1': 'José Müller|123456789',
      '2': 'Dubois, Hélène|',
      '3': '王芳|[15CD5B07]',
      '7': 'Quoted "Nick" Name|8',
    });
    expect((await clock.poll()).map((c) => c.command.split('\t').slice(0, 2).join(' '))).toEqual([
      'DATA UPDATE USERINFO PIN=1 Name=José Müller',
      'DATA UPDATE USERINFO PIN=2 Name=Dubois, Hélène',
      'DATA UPDATE USERINFO PIN=3 Name=王芳',
      'DATA UPDATE USERINFO PIN=7 Name=Quoted "Nick" Name',
    ]);

    const second = await api(t, 'POST', '/zkteco/api/employees/import', { csv: 'Name,PIN,Card\nJosé Müller,1,123456789\nHélène Dubois,2,99\nNew Person,8,\n' });
    expect(second.body).toEqual({ created: 1, updated: 1, unchanged: 1, errors: [] });
    expect((await clock.poll()).map((c) => c.command.split('\t')[0])).toEqual(['DATA UPDATE USERINFO PIN=2', 'DATA UPDATE USERINFO PIN=8']);
  });

  it('a file saved as Windows-1252 (plain "CSV" from a spreadsheet) keeps its accents', async () => {
    const bytes = Buffer.from('pin,name,card\n60,Fran\xe7ois L\xe9v\xeaque,\n', 'latin1');
    const res = await fetch(`${t.url}/zkteco/api/employees/import`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t.token}`, 'Content-Type': 'text/csv' },
      body: new Uint8Array(bytes),
    });
    expect(await res.json()).toMatchObject({ created: 1, errors: [] });
    expect((await api(t, 'GET', '/zkteco/api/employees/60')).body.name).toBe('François Lévêque');
  });

  it('a semicolon file from French Excel (Windows-1252, CRLF) is read as such', async () => {
    const bytes = Buffer.from('pin;name;card\r\n' + '61;Dupont, Ren\xe9e;123\r\n62;"Martin; Jo\xebl";\r\n63;Trop;de;champs\r\n', 'latin1');
    const res = await fetch(`${t.url}/zkteco/api/employees/import`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t.token}`, 'Content-Type': 'text/csv' },
      body: new Uint8Array(bytes),
    });
    expect(await res.json()).toMatchObject({ created: 2, errors: [{ line: 4, reason: 'has 4 fields, the header has 3 (quote a name that holds a semicolon)' }] });
    expect((await api(t, 'GET', '/zkteco/api/employees/61')).body).toMatchObject({ name: 'Dupont, Renée', card: '123' });
    expect((await api(t, 'GET', '/zkteco/api/employees/62')).body.name).toBe('Martin; Joël');
  });

  it('a file without a usable header is refused with 400 naming the header', async () => {
    const res = await api(t, 'POST', '/zkteco/api/employees/import', { csv: '1,Someone,2\n' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^header:/);
    expect((await api(t, 'POST', '/zkteco/api/employees/import', { csv: '' })).status).toBe(400);
  });
});
