// GET /zkteco/api/timesheets as HR uses it: a month as JSON, CSV and XLSX, for all or one employee.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../server/devices/employee-csv.ts';
import { api, credentials, type Caller } from '../devices/talking-clock.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';

let t: TestReceiver;
const MARCH = 'from=2026-03-01&to=2026-03-31';
const EVIL = '=HYPERLINK("http://evil.example","Pay")';

/** Punches as the shop's script sends them, on the front door clock (Europe/Paris). */
async function punch(pin: string, list: [string, 'in' | 'out'][]) {
  const res = await api(t, 'POST', '/zkteco/api/attendance', { body: list.map(([timestamp, punch_type]) => ({ user_id: pin, timestamp, punch_type, device_sn: 'FRONT' })) });
  expect(res.status).toBe(201);
  return res.body.punches as { id: string; timestamp: string }[];
}

async function get(path: string, as: Caller = 'staff') {
  const res = await fetch(`${t.url}${path}`, { headers: credentials(as) });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
  t = await startTestReceiver({ clockAt: '2026-04-10T12:00:00Z' });
  for (const [pin, name] of [['1', 'Ada Lovelace'], ['2', EVIL], ['3', '+33 Night Owl']]) {
    expect((await api(t, 'POST', '/zkteco/api/employees', { body: { pin, name } })).status).toBe(201);
  }
  expect((await api(t, 'PATCH', '/zkteco/api/employees/1', { body: { shift: { start: '09:00', end: '17:00', grace_minutes: 5 } } })).status).toBe(200);
  await punch('1', [
    ['2026-02-27 09:00:00', 'in'], ['2026-02-27 17:00:00', 'out'],
    ['2026-03-02 09:10:00', 'in'], ['2026-03-02 12:00:00', 'out'], ['2026-03-02 13:00:00', 'in'], ['2026-03-02 17:30:00', 'out'],
    ['2026-03-03 09:00:00', 'in'], ['2026-03-03 09:00:30', 'in'], ['2026-03-03 17:00:00', 'out'],
  ]);
  // A night that began in February stays in February; the last night of March closes on 1 April.
  await punch('2', [['2026-02-28 22:00:00', 'in'], ['2026-03-01 06:00:00', 'out'], ['2026-03-31 22:00:00', 'in'], ['2026-04-01 06:00:00', 'out']]);
  await punch('3', [['2026-03-05 09:00:00', 'in'], ['2026-03-06 09:00:00', 'in'], ['2026-03-06 13:00:00', 'in'], ['2026-03-06 17:00:00', 'out']]);
});
afterAll(() => t.close());

describe('timesheets as JSON', () => {
  it('a month for everyone: sessions, totals, flags and the shift figures', async () => {
    const res = await api(t, 'GET', `/zkteco/api/timesheets?${MARCH}`, { as: 'staff' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2026-03-01', to: '2026-03-31', pairing: 'sequence' });
    const [ada, evil, owl] = res.body.employees;
    expect(ada).toMatchObject({ pin: '1', name: 'Ada Lovelace', worked_seconds: 26400 + 28800 });
    expect(ada.days).toEqual([
      expect.objectContaining({
        date: '2026-03-02', worked_seconds: 26400, first_in: '2026-03-02 09:10:00', last_out: '2026-03-02 17:30:00', flags: [],
        late_seconds: 600, early_leave_seconds: 0, overtime_seconds: 0,
        sessions: [expect.objectContaining({ in: '2026-03-02 09:10:00', out: '2026-03-02 12:00:00', seconds: 10200 }), expect.objectContaining({ in: '2026-03-02 13:00:00', out: '2026-03-02 17:30:00', seconds: 16200 })],
      }),
      expect.objectContaining({ date: '2026-03-03', worked_seconds: 28800, flags: ['double_tap'] }),
    ]);
    expect(evil).toMatchObject({ pin: '2', name: EVIL, worked_seconds: 28800 });
    expect(evil.days).toEqual([expect.objectContaining({ date: '2026-03-31', first_in: '2026-03-31 22:00:00', last_out: '2026-04-01 06:00:00', flags: ['overnight'], late_seconds: 0 })]);
    expect(owl.days.map((d: { date: string; flags: string[] }) => [d.date, d.flags])).toEqual([
      ['2026-03-05', ['missing_out']],
      ['2026-03-06', ['key_mismatch', 'missing_out']],
    ]);
  });

  it('pairing=key pairs by the keys pressed instead', async () => {
    const res = await api(t, 'GET', `/zkteco/api/timesheets?${MARCH}&pin=3&pairing=key`, { as: 'staff' });
    expect(res.body.pairing).toBe('key');
    const day = res.body.employees[0].days[1];
    expect(day.sessions.map((s: { in: string; out: string | null }) => [s.in, s.out])).toEqual([['2026-03-06 09:00:00', null], ['2026-03-06 13:00:00', '2026-03-06 17:00:00']]);
    expect(day.flags).toEqual(['missing_out']);
  });

  it('pin= gives one employee; an employee without punches is listed with no days', async () => {
    const one = await api(t, 'GET', `/zkteco/api/timesheets?${MARCH}&pin=2`, { as: 'staff' });
    expect(one.body.employees.map((e: { pin: string }) => e.pin)).toEqual(['2']);
    expect((await api(t, 'GET', '/zkteco/api/employees', { body: undefined })).status).toBe(200);
    await api(t, 'POST', '/zkteco/api/employees', { body: { pin: '9', name: 'New Starter' } });
    const none = await api(t, 'GET', `/zkteco/api/timesheets?${MARCH}&pin=9`, { as: 'staff' });
    expect(none.body.employees).toEqual([{ pin: '9', name: 'New Starter', worked_seconds: 0, days: [] }]);
  });

  it.each([
    ['from is required', 'to=2026-03-31', /^from:/],
    ['a date must be a date', 'from=2026-03-01&to=31.03.2026', /^to:/],
    ['an impossible date', 'from=2026-02-30&to=2026-03-31', /^from:/],
    ['to before from', 'from=2026-03-31&to=2026-03-01', /^to: must not be before from/],
    ['more than 366 days', 'from=2026-01-01&to=2027-01-02', /^to: the range is at most 366 days/],
    ['an unknown format', `${MARCH}&format=pdf`, /^format:/],
    ['an unknown pairing', `${MARCH}&pairing=smart`, /^pairing:/],
    ['an unknown delimiter', `${MARCH}&format=csv&delimiter=tab`, /^delimiter:/],
    ['a pin that is no pin', `${MARCH}&pin=a%22b`, /^pin:/],
  ])('400: %s', async (_name, query, message) => {
    const res = await api(t, 'GET', `/zkteco/api/timesheets?${query}`, { as: 'staff' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it('366 days is the longest range', async () => {
    expect((await api(t, 'GET', '/zkteco/api/timesheets?from=2026-01-01&to=2027-01-01', { as: 'staff' })).status).toBe(200);
  });

  it.each([
    ['staff JWT', 'staff', 200],
    ['admin token', 'admin', 200],
    ['admin JWT', 'admin-jwt', 200],
    ['no credentials', 'none', 401],
  ] as const)('read by %s: %s', async (_name, as, status) => {
    expect((await get(`/zkteco/api/timesheets?${MARCH}`, as)).status).toBe(status);
  });

  it('a wrong token is 401', async () => {
    const res = await fetch(`${t.url}/zkteco/api/timesheets?${MARCH}`, { headers: { Authorization: 'Bearer nope' } });
    expect(res.status).toBe(401);
  });
});

describe('timesheets as CSV', () => {
  it('UTF-8 with a BOM, the contract header, one row per employee and day, a filename with the period', async () => {
    const res = await get(`/zkteco/api/timesheets?${MARCH}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="timesheet_2026-03-01_2026-03-31.csv"');
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(res.bytes.toString('utf8')).map((r) => r.fields);
    expect(header!.join(',')).toBe('pin,name,date,first_in,last_out,worked_hours,sessions,late_minutes,early_leave_minutes,overtime_minutes,flags');
    expect(rows).toContainEqual(['1', 'Ada Lovelace', '2026-03-02', '2026-03-02 09:10:00', '2026-03-02 17:30:00', '7.33', '09:10-12:00 13:00-17:30', '10', '0', '0', '']);
    expect(rows).toContainEqual(['3', "'+33 Night Owl", '2026-03-06', '2026-03-06 09:00:00', '2026-03-06 13:00:00', '4.00', '09:00-13:00 17:00-?', '0', '0', '0', 'key_mismatch|missing_out']);
    const overnight = rows.find((r) => r[0] === '2')!;
    expect(overnight[6]).toBe('22:00-2026-04-01 06:00');
    const hours = rows.filter((r) => r[0] === '1').reduce((sum, r) => sum + Number(r[5]), 0);
    expect(hours).toBeCloseTo(15.33, 2);
  });

  it('a name that is a formula reaches the spreadsheet as text (OWASP CSV injection)', async () => {
    const text = (await get(`/zkteco/api/timesheets?${MARCH}&format=csv&pin=2`)).bytes.toString('utf8');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""Pay"")"`);
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
    expect(parseCsv(text)[1]!.fields[1]).toBe(`'${EVIL}`);
  });

  it('delimiter=semicolon for comma-decimal locales: semicolons and decimal commas; one employee in the filename', async () => {
    const res = await get(`/zkteco/api/timesheets?${MARCH}&format=csv&delimiter=semicolon&pin=1`);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="timesheet_2026-03-01_2026-03-31_pin-1.csv"');
    const lines = res.bytes.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('pin;name;date;first_in;last_out;worked_hours;sessions;late_minutes;early_leave_minutes;overtime_minutes;flags');
    expect(lines[1]).toBe('"1";"Ada Lovelace";"2026-03-02";"2026-03-02 09:10:00";"2026-03-02 17:30:00";7,33;"09:10-12:00 13:00-17:30";10;0;0;""');
    expect(lines).toHaveLength(3);
  });
});

describe('timesheets as XLSX', () => {
  it('sheets Timesheet and Totals, numbers as numbers, names as text, totals that add up', async () => {
    const res = await get(`/zkteco/api/timesheets?${MARCH}&format=xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="timesheet_2026-03-01_2026-03-31.xlsx"');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Timesheet', 'Totals']);

    const sheet = book.getWorksheet('Timesheet')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(['pin', 'name', 'date', 'first_in', 'last_out', 'worked_hours', 'sessions', 'late_minutes', 'early_leave_minutes', 'overtime_minutes', 'flags']);
    const rows = sheet.getRows(2, sheet.rowCount - 1)!;
    expect(rows).toHaveLength(5);
    const ada = rows.find((r) => r.getCell(3).value === '2026-03-02')!;
    expect(ada.getCell(6).type).toBe(ExcelJS.ValueType.Number);
    expect(ada.getCell(6).value).toBe(7.33);
    expect(ada.getCell(8).value).toBe(10);
    const evil = rows.find((r) => r.getCell(1).value === '2')!;
    expect(evil.getCell(2).type).toBe(ExcelJS.ValueType.String);
    expect(evil.getCell(2).value).toBe(EVIL);
    expect(evil.getCell(2).formula).toBeUndefined();
    expect(sheet.getColumn(2).width).toBeGreaterThanOrEqual(EVIL.length);

    const totals = book.getWorksheet('Totals')!;
    expect((totals.getRow(1).values as unknown[]).slice(1)).toEqual(['pin', 'name', 'days', 'worked_hours']);
    const byPin = new Map(totals.getRows(2, totals.rowCount - 1)!.map((r) => [r.getCell(1).value, [r.getCell(3).value, r.getCell(4).value]]));
    expect(byPin.get('1')).toEqual([2, 15.33]);
    expect(byPin.get('2')).toEqual([1, 8]);
    expect(byPin.get('3')).toEqual([2, 4]);
    const summed = rows.filter((r) => r.getCell(1).value === '1').reduce((sum, r) => sum + Number(r.getCell(6).value), 0);
    expect(summed).toBeCloseTo(15.33, 2);
  });
});

describe('corrections in the timesheet', () => {
  it('a voided punch is left out and a manual one counts, flagged manual', async () => {
    const [open] = await punch('4', [['2026-03-10 09:00:00', 'in'], ['2026-03-10 09:30:00', 'out']]);
    const lastOut = (await api(t, 'GET', '/zkteco/api/attendance?user_id=4')).body.items[0];
    expect((await api(t, 'POST', `/zkteco/api/attendance/${lastOut.id}/void`, { body: { reason: 'pressed by mistake' } })).status).toBe(200);
    const manual = await api(t, 'POST', '/zkteco/api/attendance/manual', { body: { pin: '4', time: '2026-03-10 17:00:00', device_sn: 'FRONT', punch_type: 'out', reason: 'forgot to punch out' } });
    expect(manual.status).toBe(201);
    const res = await api(t, 'GET', `/zkteco/api/timesheets?${MARCH}&pin=4`, { as: 'staff' });
    expect(res.body.employees[0].days).toEqual([
      expect.objectContaining({ date: '2026-03-10', worked_seconds: 8 * 3600, flags: ['manual'], sessions: [expect.objectContaining({ in_id: open!.id, out_id: manual.body.id })] }),
    ]);
  });
});

describe('the timesheets page', () => {
  it('signed-in staff get the page; without a session it sends the viewer to sign-in', async () => {
    const anonymous = await fetch(`${t.url}/employees/attendance/timesheets`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/employees/login?next=%2Femployees%2Fattendance%2Ftimesheets');
    const staff = await get('/employees/attendance/timesheets', 'staff');
    expect(staff.status).toBe(200);
    const html = staff.bytes.toString('utf8');
    expect(html).toContain('data-role="staff"');
    expect(html).not.toMatch(/\{\{\w+\}\}/);
    for (const asset of ['timesheets.js', 'timesheet-periods.js', 'timesheets.css']) {
      expect(html.includes(asset) || asset === 'timesheet-periods.js').toBe(true);
      expect((await fetch(`${t.url}/employees/assets/${asset}`)).status).toBe(200);
    }
    expect((await get('/employees/attendance/timesheets', 'admin-jwt')).bytes.toString('utf8')).toContain('data-role="admin"');
  });
});
