// The simulator's flags: a newcomer's `npm run simulate` against `npm start` on the same machine uses the
// receiver's own token, so the simulated clock is approved and its punches show.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSimulateArgs } from '../../simulate/args.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'zk-sim-args-'));
  await writeFile(path.join(dir, 'api-token'), 'local-token\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const env = (vars: Record<string, string>, dotenv: Record<string, string> = {}) => ({ env: vars, dotenv });

describe('simulate token', () => {
  it("uses the local receiver's DATA_DIR/api-token for a loopback URL", () => {
    const args = readSimulateArgs([], env({ DATA_DIR: dir }));
    expect(args).toMatchObject({ token: 'local-token', tokenSource: path.join(dir, 'api-token') });
    expect(readSimulateArgs([], env({}, { DATA_DIR: dir })).token).toBe('local-token'); // DATA_DIR from .env
  });
  it('API_TOKENS wins over the token file, as it does for the receiver: the environment, then .env', () => {
    expect(readSimulateArgs([], env({ DATA_DIR: dir, API_TOKENS: ' env-one , env-two' }, { API_TOKENS: 'dot-one' }))).toMatchObject({
      token: 'env-one',
      tokenSource: 'the first of API_TOKENS (environment)',
    });
    expect(readSimulateArgs([], env({ DATA_DIR: dir }, { API_TOKENS: 'dot-one,dot-two' }))).toMatchObject({
      token: 'dot-one',
      tokenSource: 'the first of API_TOKENS (.env)',
    });
  });
  it('sends no token to another machine, with --no-token, or when no token file exists', () => {
    expect(readSimulateArgs(['--url', 'http://192.168.8.101:8090'], env({ DATA_DIR: dir, API_TOKENS: 't' })).token).toBeUndefined();
    expect(readSimulateArgs(['--no-token'], env({ DATA_DIR: dir, API_TOKENS: 't' }))).toMatchObject({ token: undefined, tokenSource: undefined });
    expect(readSimulateArgs([], env({ DATA_DIR: path.join(dir, 'nope') })).token).toBeUndefined();
  });
  it('an explicit --token wins', () => {
    expect(readSimulateArgs(['--token', 'given'], env({ DATA_DIR: dir, API_TOKENS: 't' }))).toMatchObject({ token: 'given', tokenSource: 'the --token flag' });
  });
});
