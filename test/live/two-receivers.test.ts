// Two receiver processes behind one load balancer share one Postgres: a punch sent to one appears on a
// page connected to the other (socket.io's Postgres adapter, LISTEN/NOTIFY). Needs real Postgres.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../support/database.ts';
import { runMain } from '../support/processes.ts';
import { TEST_JWT_SECRET, TEST_TOKEN } from '../support/receiver.ts';
import { csrfOf, sessionCookieOf } from '../support/session.ts';
import { ADMIN, CLOCK_SN, clockPunches, collectPunches, connectLive, delay, shopLocalTime, signIn, signJwt, SHOP_ZONE } from './live-support.ts';

const hasPostgres = Boolean(process.env.DATABASE_URL);
if (!hasPostgres) console.warn('two-receivers.test.ts skipped: set DATABASE_URL to a Postgres server to test several receivers sharing one database');

/** A real `npm start` process (server/main.ts) on its own port. */
async function startProcess(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const { child } = runMain('server/main.ts', [], { ...env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn' });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`receiver did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`receiver exited ${code}:\n${output}`)));
  });
  return { url, child };
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe.skipIf(!hasPostgres)('two receivers on one Postgres', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let dataDir: string;
  let a: { url: string; child: ChildProcess } | undefined;
  let b: { url: string; child: ChildProcess } | undefined;

  beforeAll(async () => {
    db = await freshDatabase({ template: inject('databaseTemplate') });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'zk-two-'));
    const env = {
      DATABASE_URL: db.databaseUrl!,
      DATA_DIR: dataDir,
      API_TOKENS: TEST_TOKEN,
      JWT_SECRET: TEST_JWT_SECRET,
      DEVICE_TIMEZONE: SHOP_ZONE,
      DEVICE_SERIALS: CLOCK_SN,
      ADMIN_USER: ADMIN.user,
      ADMIN_PASSWORD: ADMIN.password,
    };
    [a, b] = await Promise.all([startProcess(env), startProcess(env)]);
    // Each adapter LISTENs on its own connection, opened in the background at start: wait for both.
    const listening = () =>
      db.database.withSession((s) => s.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`));
    for (let tries = 0; (await listening())[0]!.n < 2; tries++) {
      if (tries > 100) throw new Error('the receivers never started listening');
      await delay(100);
    }
  }, 90_000);

  afterAll(async () => {
    await Promise.all([stopProcess(a?.child), stopProcess(b?.child)]);
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('a punch sent to one process appears on a socket connected to the other', async () => {
    // Signed in on A, watching on B: the session is valid on every receiver sharing JWT_SECRET.
    const socket = await connectLive(b!.url, { cookie: await signIn(a!.url) });
    try {
      const feed = collectPunches(socket);
      const at = shopLocalTime(5);
      expect((await clockPunches(a!.url, [{ pin: '301', at }])).status).toBe(200);
      const punch = await feed.waitFor((p) => p.pin === '301', 5_000);
      expect(punch).toMatchObject({ localTime: at, deviceSn: CLOCK_SN, punchType: 'in' });

      // And the other way round, once each.
      await clockPunches(b!.url, [{ pin: '302', at: shopLocalTime(4) }]);
      await feed.waitFor((p) => p.pin === '302', 5_000);
      await delay(200);
      expect(feed.seen.map((p) => p.pin).sort()).toEqual(['301', '302']);
    } finally {
      socket.close();
    }
  });

  it('signing out on one process closes that session\'s socket on the other at once', async () => {
    const res = await fetch(`${a!.url}/employees/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ username: ADMIN.user, password: ADMIN.password }) });
    const cookie = sessionCookieOf(res);
    const socket = await connectLive(b!.url, { cookie });
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const csrf = csrfOf(await (await fetch(`${a!.url}/employees/attendance/live`, { headers: { Cookie: cookie } })).text());
    const out = await fetch(`${a!.url}/employees/logout`, { method: 'POST', redirect: 'manual', headers: { Cookie: cookie }, body: new URLSearchParams({ _csrf: csrf }) });
    expect(out.status).toBe(303);
    expect(await closed).toBe('io server disconnect');
    expect((await fetch(`${b!.url}/employees/attendance/live/data`, { headers: { Cookie: cookie } })).status).toBe(401);
  });

  it('the socket of one process accepts a JWT signed for the whole deployment', async () => {
    const socket = await connectLive(a!.url, { token: signJwt({ sub: 'erp-1', role: 'staff' }) });
    socket.close();
  });
});
