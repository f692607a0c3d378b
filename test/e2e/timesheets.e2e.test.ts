// The timesheets page in a real headless Chromium: last month's hours, the CSV download, a void by an admin.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../server/devices/employee-csv.ts';
import { api } from '../devices/talking-clock.ts';
import { ADMIN, LIVE_ENV } from '../live/live-support.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { launchChromium, RESULTS } from './chromium.ts';

const PAGE = '/employees/attendance/timesheets';

let r: TestReceiver;
let browser: Browser;
// The browser's "last month" (its own calendar): two 8-hour days on the 10th and 11th.
const lastMonth = DateTime.now().minus({ months: 1 });
const day = (n: number) => lastMonth.set({ day: n }).toFormat('yyyy-MM-dd');

beforeAll(async () => {
  r = await startTestReceiver({ env: { ...LIVE_ENV, DEVICE_SERIALS: 'FRONT' } });
  await api(r, 'POST', '/zkteco/api/employees', { body: { pin: '1', name: 'Ada Lovelace' } });
  await api(r, 'POST', '/zkteco/api/employees', { body: { pin: '2', name: 'Grace Hopper' } });
  const punches = [
    ['1', `${day(10)} 09:00:00`, 'in'], ['1', `${day(10)} 17:00:00`, 'out'], ['1', `${day(11)} 08:30:00`, 'in'], ['1', `${day(11)} 16:30:00`, 'out'],
    ['2', `${day(10)} 22:00:00`, 'in'], ['2', `${day(11)} 06:00:00`, 'out'],
  ].map(([user_id, timestamp, punch_type]) => ({ user_id, timestamp, punch_type, device_sn: 'FRONT' }));
  expect((await api(r, 'POST', '/zkteco/api/attendance', { body: punches })).status).toBe(201);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await r?.close();
});

async function signedIn(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(r.url + PAGE);
  expect(new URL(page.url()).pathname).toBe('/employees/login');
  await page.fill('input[name=username]', ADMIN.user);
  await page.fill('input[name=password]', ADMIN.password);
  await Promise.all([page.waitForURL(`**${PAGE}`), page.click('button[type=submit]')]);
  return page;
}

const sheetOf = (page: Page, pin: string) => page.locator(`.ts-sheet[data-pin="${pin}"]`);

describe('the timesheets page in a browser', () => {
  it('picks last month, shows an employee\'s total, and downloads the CSV', async () => {
    const page = await signedIn();
    await page.selectOption('#period', 'last-month');
    await sheetOf(page, '1').waitFor({ timeout: 10_000 });
    expect(await page.inputValue('#from')).toBe(lastMonth.startOf('month').toFormat('yyyy-MM-dd'));
    expect(await page.inputValue('#to')).toBe(lastMonth.endOf('month').toFormat('yyyy-MM-dd'));
    await expect(sheetOf(page, '1').locator('.ts-total').textContent()).resolves.toContain('16:00 (16.00 h) · 2 days');
    await expect(sheetOf(page, '2').locator('.ts-flags').textContent()).resolves.toContain('overnight');
    await page.screenshot({ path: path.join(RESULTS, 'timesheets-page.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    expect(download.suggestedFilename()).toBe(`timesheet_${lastMonth.startOf('month').toFormat('yyyy-MM-dd')}_${lastMonth.endOf('month').toFormat('yyyy-MM-dd')}.csv`);
    const rows = parseCsv(await readFile((await download.path())!, 'utf8')).map((row) => row.fields);
    expect(rows[0]![0]).toBe('pin');
    const ada = rows.filter((row) => row[0] === '1');
    expect(ada.map((row) => row[5])).toEqual(['8.00', '8.00']);
    await page.context().close();
  });

  it('an admin voids a punch with a reason: the day shows "no out" and the total drops', async () => {
    const page = await signedIn();
    await page.selectOption('#period', 'last-month');
    await page.selectOption('#pin', '1');
    await sheetOf(page, '1').waitFor({ timeout: 10_000 });
    const dayRow = sheetOf(page, '1').locator('tbody tr', { hasText: day(11) });
    await dayRow.locator('button.ts-void').nth(1).click();
    await page.fill('#void-reason', 'badged out for a colleague');
    await page.click('#void-form button[type=submit]');
    await page.locator('#message', { hasText: 'Punch voided.' }).waitFor({ timeout: 10_000 });
    await expect(sheetOf(page, '1').locator('.ts-total').textContent()).resolves.toContain('8.00 h');
    await expect(sheetOf(page, '1').locator('tbody tr', { hasText: day(11) }).textContent()).resolves.toContain('no out');
    const all = (await api(r, 'GET', '/zkteco/api/attendance?user_id=1&include_void=true')).body.items;
    expect(all.find((p: { void: boolean }) => p.void)).toMatchObject({ timestamp: `${day(11)} 16:30:00`, void_reason: 'badged out for a colleague', voided_by: ADMIN.user });
    await page.context().close();
  });
});
