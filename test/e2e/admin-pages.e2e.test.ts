// Running the shop from the browser, in a real headless Chromium: an admin approves a pending simulated
// clock (its held punches appear), adds an employee (sent to that clock), imports a semicolon CSV and
// creates a staff account; that account signs in, cannot open the admin pages, finds yesterday's punch
// in the history. No page breaks its Content Security Policy. Screenshots go to test-results/.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DateTime } from 'luxon';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../simulate/clock.ts';
import { makeUsers } from '../../simulate/records.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';

const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const CHROME_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const RESULTS = path.resolve('test-results');
const ADMIN = { user: 'boss', password: 'correct horse battery' };
const CLERK = { user: 'clerk', password: 'clerk password 1' };
const SN = 'SIMPAGES001';
const ZONE = 'Europe/Paris';
const yesterday = DateTime.now().setZone(ZONE).minus({ days: 1 }).toFormat('yyyy-MM-dd');

let r: TestReceiver;
let browser: Browser;
let clock: SimulatedClock;
const cspViolations: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROME_PATH)) throw new Error(`No Chromium at ${CHROME_PATH}: apt-get install -y chromium, or set CHROME_PATH`);
  await mkdir(RESULTS, { recursive: true });
  r = await startTestReceiver({ env: { ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password, DEVICE_TIMEZONE: ZONE } });
  // A bare clock (no token): pending; its users and punches are held until an admin approves it.
  clock = new SimulatedClock({ url: r.url, sn: SN, retry: { attempts: 3, delayMs: 50 } });
  await clock.handshake();
  clock.enroll(makeUsers(3, 1)); // 1 José Müller, 2 Zoë Çelik, 3 Ana Núñez
  await clock.uploadUsers();
  const now = DateTime.now().setZone(ZONE);
  await clock.uploadPunches([
    { pin: '1', time: `${yesterday} 08:15:00`, status: 0, verify: 1 },
    { pin: '2', time: now.minus({ minutes: 5 }).toFormat('yyyy-MM-dd HH:mm:ss'), status: 0, verify: 1 },
  ]);
  browser = await chromium.launch({ executablePath: CHROME_PATH, args: CHROME_ARGS, headless: true });
});

afterAll(async () => {
  await browser?.close();
  await r?.close();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
  });
  return { context, page };
}

async function signIn(page: Page, who: { user: string; password: string }) {
  await page.goto(`${r.url}/employees/login`);
  await page.fill('input[name=username]', who.user);
  await page.fill('input[name=password]', who.password);
  await Promise.all([page.waitForURL('**/employees/attendance/live'), page.click('button[type=submit]')]);
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(RESULTS, `${name}.png`), fullPage: true });

describe('the admin pages in a browser', () => {
  it('an admin approves the pending clock, adds an employee, imports a CSV, creates a staff account', async () => {
    const { context, page } = await newPage();
    await signIn(page, ADMIN);
    await page.click('nav >> text=Clocks');
    const card = page.locator(`article[data-sn="${SN}"]`);
    await card.locator('text=pending approval').waitFor();
    await shot(page, 'clocks-pending');

    // Approve asks for a name and a zone.
    await card.locator('button.approve').click();
    await page.fill('#approve-name', 'Front door');
    await page.fill('#approve-zone', ZONE);
    await page.click('#approve-confirm');
    await page.locator('#clocks-message', { hasText: `${SN} approved` }).waitFor();
    await card.locator('text=Front door').waitFor();
    await expect(card.locator('.device-state').textContent()).resolves.toBe('approved');
    await shot(page, 'clocks-approved');
    const device = await r.database.prisma.device.findUnique({ where: { sn: SN } });
    expect([device?.name, device?.timezone, device?.state]).toEqual(['Front door', ZONE, 'approved']);

    // Its held punches appear: today's on the live page, yesterday's in the history.
    await page.click('nav >> text=Live');
    await page.locator('#punches tr', { hasText: 'Zoë Çelik' }).waitFor();
    await page.locator('#present li', { hasText: 'Front door' }).waitFor();
    await shot(page, 'live-after-approval');

    // An employee added on the page reaches the clock at its next poll.
    await page.click('nav >> text=Employees');
    await page.fill('#add-form input[name=pin]', '900');
    await page.fill('#add-form input[name=name]', 'Zelda Fitzgerald');
    await page.fill('#add-form input[name=card]', '4242');
    await page.click('#add-form button[type=submit]');
    await page.locator('#add-message', { hasText: 'Added Zelda Fitzgerald' }).waitFor();
    await page.locator('#employees tr', { hasText: 'Zelda Fitzgerald' }).waitFor();
    for (let i = 0; i < 5 && !clock.memory.users.has('900'); i++) await clock.pollOnce();
    expect(clock.memory.users.get('900')).toMatchObject({ name: 'Zelda Fitzgerald', card: '4242' });

    // A semicolon CSV as a spreadsheet saves it; the bad line is reported with its number.
    const csv = 'pin;name;card\n901;Émile Zola;\n902;"Dubois; Hélène";123\n903;Bad Card;12ab\n';
    await page.setInputFiles('#import-file', { name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.click('#import-form button[type=submit]');
    await page.locator('#import-message', { hasText: '2 created' }).waitFor();
    await expect(page.locator('#import-errors tr').allTextContents()).resolves.toEqual([expect.stringMatching(/^4.*card/)]);
    await page.locator('#employees tr', { hasText: 'Dubois; Hélène' }).waitFor();
    await page.fill('#search', 'zola');
    await expect(page.locator('#employees tr').count()).resolves.toBe(1);
    await shot(page, 'employees-import');

    // A staff account for a colleague.
    await page.click('nav >> text=Staff');
    await page.fill('#new-form input[name=username]', CLERK.user);
    await page.fill('#new-form input[name=password]', CLERK.password);
    await page.selectOption('#new-form select[name=role]', 'staff');
    await page.click('#new-form button[type=submit]');
    await page.locator('#accounts tr', { hasText: CLERK.user }).waitFor();
    await shot(page, 'staff-accounts');
    await context.close();
  });

  it("the staff account signs in, cannot open the admin pages, finds yesterday's punch in the history", async () => {
    const { context, page } = await newPage();
    await signIn(page, CLERK);
    await expect(page.locator('nav a').allTextContents()).resolves.not.toContain('Clocks');
    for (const admin of ['/employees/admin/clocks', '/employees/admin/employees', '/employees/admin/staff']) {
      const res = await page.goto(r.url + admin);
      expect(res?.status()).toBe(403);
      await page.locator('text=This page is for admins').waitFor();
    }
    await shot(page, 'staff-forbidden');

    await page.goto(`${r.url}/employees/attendance/history`);
    await page.fill('#from', yesterday);
    await page.fill('#to', yesterday);
    await page.fill('#q', 'josé');
    await page.click('#filters button[type=submit]');
    const row = page.locator('#rows tr', { hasText: 'José Müller' });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('08:15:00');
    await expect(row.textContent()).resolves.toContain('Front door');
    await shot(page, 'history-yesterday');
    await context.close();
  });

  it('no page broke its Content Security Policy', () => {
    expect(cspViolations).toEqual([]);
  });
});
