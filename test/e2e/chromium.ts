// Debian's Chromium, driven by playwright-core (no browser download): one launcher for every e2e file.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const CHROME_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Screenshots and downloads of the e2e runs. */
export const RESULTS = path.resolve('test-results');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROME_PATH)) throw new Error(`No Chromium at ${CHROME_PATH}: apt-get install -y chromium, or set CHROME_PATH`);
  await mkdir(RESULTS, { recursive: true });
  return chromium.launch({ executablePath: CHROME_PATH, args: CHROME_ARGS, headless: true });
}
