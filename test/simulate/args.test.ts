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

describe('simulate token', () => {
  it("uses the local receiver's DATA_DIR/api-token for a loopback URL", () => {
    const args = readSimulateArgs([], { DATA_DIR: dir });
    expect(args.token).toBe('local-token');
    expect(args.tokenFile).toBe(path.join(dir, 'api-token'));
  });
  it('sends no token to another machine, with --no-token, or when no token file exists', () => {
    expect(readSimulateArgs(['--url', 'http://192.168.8.101:8090'], { DATA_DIR: dir }).token).toBeUndefined();
    expect(readSimulateArgs(['--no-token'], { DATA_DIR: dir }).token).toBeUndefined();
    expect(readSimulateArgs([], { DATA_DIR: path.join(dir, 'nope') }).token).toBeUndefined();
  });
  it('an explicit --token wins', () => {
    expect(readSimulateArgs(['--token', 'given'], { DATA_DIR: dir })).toMatchObject({ token: 'given', tokenFile: undefined });
  });
});
