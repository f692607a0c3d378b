// Settings: read once, defaults from the contract, and one clear line naming a wrong setting.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRelayConfig } from '../../relay/config.ts';
import { relayNodeArgs } from '../support/processes.ts';
import { tempDir } from './harness.ts';

function start(env: Record<string, string>) {
  const cwd = tempDir('config'); // no .env here
  return spawnSync(process.execPath, relayNodeArgs(), {
    cwd, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 20_000,
  });
}

describe('relay settings', () => {
  it('uses the contract defaults and freezes the result', () => {
    const config = readRelayConfig({ RELAY_UPSTREAM: 'https://erp.example.com/', RELAY_TOKEN: 'abc' });
    expect(config).toMatchObject({ host: '0.0.0.0', port: 8090, upstream: 'https://erp.example.com', token: 'abc', logLevel: 'info' });
    expect(config.dataDir).toBe(path.resolve('relay-data'));
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('refuses to start without RELAY_TOKEN, saying so in one line', () => {
    const run = start({ RELAY_UPSTREAM: 'http://127.0.0.1:3000' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/RELAY_TOKEN/);
  });

  it('refuses an upstream that is not a URL, naming RELAY_UPSTREAM', () => {
    const run = start({ RELAY_UPSTREAM: 'erp.example.com', RELAY_TOKEN: 'abc' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/RELAY_UPSTREAM/);
  });

  it('refuses a port that is not a port', () => {
    const run = start({ RELAY_UPSTREAM: 'http://127.0.0.1:3000', RELAY_TOKEN: 'abc', RELAY_PORT: 'eighty' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/RELAY_PORT/);
  });
});
