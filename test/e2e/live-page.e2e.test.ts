// The live page in a real headless Chromium: sign in, watch a simulated clock's punches arrive.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';
import { launchChromium, RESULTS } from './chromium.ts';
import { ADMIN, clockPunches, clockUsers, LIVE_ENV, shopLocalTime, signJwt } from '../live/live-support.ts';

const LIVE = '/employees/attendance/live';

let r: TestReceiver;
let browser: Browser;

beforeAll(async () => {
  r = await startTestReceiver({ env: LIVE_ENV });
  // The clock sends its user list (names), as a real one does after enrolment.
  await clockUsers(r.url, [
    { pin: '1', name: 'Ada Lovelace' },
    { pin: '2', name: 'Grace Hopper' },
    { pin: '3', name: 'Alan Turing' },
  ]);
  // A morning already under way: two in, one came and went; and a clock waiting for approval.
  await clockPunches(r.url, [
    { pin: '2', at: shopLocalTime(3 * 3600), status: 0, verify: 1 },
    { pin: '3', at: shopLocalTime(2 * 3600), status: 0, verify: 4 },
    { pin: '3', at: shopLocalTime(3600), status: 1, verify: 15 },
    { pin: '7', at: shopLocalTime(1800), status: 0, verify: 1 },
  ]);
  await fetch(`${r.url}/iclock/cdata?SN=BACKDOOR2&options=all`).then((res) => res.text());
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await r?.close();
});

const rowOf = (page: Page, name: string) => page.locator('#punches tr', { hasText: name });

describe('the live page in a browser', () => {
  it('signs in, shows a punch from the clock within 2 s, updates who is in, and saves a screenshot', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(r.url + LIVE);
    expect(new URL(page.url()).pathname).toBe('/employees/login');
    await page.screenshot({ path: path.join(RESULTS, 'sign-in.png') });

    await page.fill('input[name=username]', ADMIN.user);
    await page.fill('input[name=password]', ADMIN.password);
    await Promise.all([page.waitForURL(`**${LIVE}`), page.click('button[type=submit]')]);
    await page.locator('#connection', { hasText: 'Live' }).waitFor({ timeout: 5_000 });
    expect(await page.locator('#count-punches').textContent()).toBe('4');
    expect(await page.locator('#present li').allTextContents()).toEqual([
      expect.stringContaining('Grace Hopper'),
      expect.stringContaining('PIN 7'),
    ]);
    await expect(page.locator('#devices li', { hasText: 'BACKDOOR2' }).textContent()).resolves.toContain('pending approval');

    // Ada punches in on the clock: the row appears without a reload, marked new.
    const sent = Date.now();
    await clockPunches(r.url, [{ pin: '1', at: shopLocalTime(0), status: 0, verify: 1 }]);
    await rowOf(page, 'Ada Lovelace').waitFor({ timeout: 2_000 });
    const shownAfterMs = Date.now() - sent;
    expect(shownAfterMs).toBeLessThan(2_000);
    await expect(rowOf(page, 'Ada Lovelace').getAttribute('class')).resolves.toContain('is-new');
    await page.locator('#present li', { hasText: 'Ada Lovelace' }).waitFor({ timeout: 2_000 });
    expect(await page.locator('#count-present').textContent()).toBe('3');
    expect(await page.locator('#count-punches').textContent()).toBe('5');
    expect(await page.locator('#punches tr').first().textContent()).toContain('Ada Lovelace');
    await page.screenshot({ path: path.join(RESULTS, 'live-page.png'), fullPage: true });

    // Grace leaves: she is no longer in.
    await clockPunches(r.url, [{ pin: '2', at: shopLocalTime(0), status: 1, verify: 4 }]);
    await page.locator('#present li', { hasText: 'Grace Hopper' }).waitFor({ state: 'detached', timeout: 2_000 });
    expect(await page.locator('#count-present').textContent()).toBe('2');
    await context.close();
  });

  it('who is in shows PIN and clock; the API pseudo-clock is no clock; a lost connection marks every figure stale', async () => {
    // A second approved clock makes API punches without device_sn go to the pseudo-clock "API".
    await fetch(`${r.url}/zkteco/api/devices/BACKDOOR2/approve`, { method: 'POST', headers: { Authorization: `Bearer ${r.token}` } });
    const api = await fetch(`${r.url}/zkteco/api/attendance`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${r.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ user_id: 8, timestamp: shopLocalTime(60), punch_type: 'in' }),
    });
    expect(api.status).toBe(201);
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${r.url}${LIVE}?token=${signJwt({ sub: 'front-desk', role: 'staff' })}`);
    await page.locator('#connection', { hasText: 'Live' }).waitFor({ timeout: 5_000 });
    const ada = page.locator('#present li', { hasText: 'Ada Lovelace' });
    await expect(ada.textContent()).resolves.toMatch(/#1.*since \d\d:\d\d.*LIVE0001/);
    await expect(page.locator('#devices li').allTextContents()).resolves.toEqual([expect.stringContaining('BACKDOOR2'), expect.stringContaining('LIVE0001')]);
    expect(await page.locator('#count-devices').textContent()).toMatch(/^\d\/2$/);

    // The receiver stops taking sockets: the page says every figure may be out of date.
    let refusing = true;
    r.receiver.live.io.use((_socket, next) => (refusing ? next(new Error('maintenance')) : next()));
    r.receiver.live.io.disconnectSockets(true);
    await page.locator('#live.is-stale').waitFor({ timeout: 5_000 });
    await page.locator('#stale-note').waitFor({ state: 'visible' });
    await expect(page.locator('#connection').textContent()).resolves.not.toBe('Live');
    await page.screenshot({ path: path.join(RESULTS, 'live-page-stale.png'), fullPage: true });
    refusing = false;
    await page.locator('#connection', { hasText: 'Live' }).waitFor({ timeout: 15_000 });
    await expect(page.locator('#live').getAttribute('class')).resolves.not.toContain('is-stale');
    await context.close();
  });

  it('reads on a shop tablet held upright', async () => {
    const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${r.url}${LIVE}?token=${signJwt({ sub: 'tablet-front', role: 'staff' })}`);
    await page.locator('#connection', { hasText: 'Live' }).waitFor({ timeout: 5_000 });
    expect(new URL(page.url()).search).toBe('');
    await page.screenshot({ path: path.join(RESULTS, 'live-page-tablet.png'), fullPage: true });
    await context.close();
  });

  it('a handed-over token that expired gets a clear refusal page', async () => {
    const page = await browser.newPage();
    const expired = signJwt({ sub: 'x', role: 'staff', exp: Math.floor(Date.now() / 1000) - 10 });
    const res = await page.goto(`${r.url}${LIVE}?token=${expired}`);
    expect(res?.status()).toBe(401);
    await expect(page.locator('h1').textContent()).resolves.toContain('refused');
    await page.screenshot({ path: path.join(RESULTS, 'live-link-refused.png') });
    await page.close();
  });

  it('a busy day: older punches come as the user scrolls; each shop relay shows its backlog', async () => {
    // 260 more punches: more than the first page holds.
    const busy = Array.from({ length: 260 }, (_, i) => ({ pin: String(100 + (i % 50)), at: shopLocalTime(4 * 3600 + i), status: 0 }));
    expect((await clockPunches(r.url, busy)).status).toBe(200);
    const report = await fetch(`${r.url}/zkteco/api/relays/heartbeat`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${r.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'shop-pc-lyon', version: '0.1.0', queue_depth: 37, oldest_pending_age_s: 420, rejected_count: 0, clocks: [], last_error: 'receiver unreachable' }),
    });
    expect(report.status).toBe(200);
    // Sockets refused for this page: its catch-up would otherwise replay every punch of the last minute.
    let refusing = true;
    r.receiver.live.io.use((_socket, next) => (refusing ? next(new Error('maintenance')) : next()));
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${r.url}${LIVE}?token=${signJwt({ sub: 'front-desk', role: 'staff' })}`);
    await page.locator('#relays li').waitFor({ timeout: 5_000 });
    const total = Number(await page.locator('#count-punches').textContent());
    expect(total).toBeGreaterThan(260);
    await expect(page.locator('#relays li').allTextContents()).resolves.toEqual([expect.stringMatching(/shop-pc-lyon.*37 waiting, oldest 7 min.*online.*receiver unreachable/)]);
    expect(await page.locator('#punches tr').count()).toBe(200);
    await page.locator('#punches-more').scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator('#punches tr').count(), { timeout: 5_000 }).toBe(total);
    await expect(page.locator('#punches-more').isHidden()).resolves.toBe(true);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(RESULTS, 'live-page-relays.png') });
    refusing = false;
    await context.close();
  });
});
