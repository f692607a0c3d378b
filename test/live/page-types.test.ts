// The page's JavaScript is type-checked against the server's event types (web/tsconfig.json), so a
// change to server/live/events.ts that the page does not follow fails here, not in a shop.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, [tsc, ...args], { timeout: 60_000 }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? String(err) }));

it('web/live.js and web/live-state.js agree with the typed events', async () => {
  expect((await run(['-p', 'web'])).stdout).toBe('');
}, 90_000);

it('web/live-state.d.ts (for the tests) is what live-state.js declares', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'zk-dts-'));
  try {
    const flags = ['--allowJs', '--declaration', '--emitDeclarationOnly', '--skipLibCheck', '--target', 'ES2022', '--module', 'ESNext', '--moduleResolution', 'Bundler', '--allowImportingTsExtensions'];
    expect((await run([...flags, '--outDir', out, 'web/live-state.js'])).stdout).toBe('');
    const generated = await readFile(path.join(out, 'web', 'live-state.d.ts'), 'utf8');
    const kept = (await readFile('web/live-state.d.ts', 'utf8')).split('\n').slice(2).join('\n');
    expect(kept).toBe(generated);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}, 90_000);
