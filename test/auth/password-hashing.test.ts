// Issue 10, item 4: a storm of wrong passwords must not take the main thread (where every clock's poll is
// answered). Measured as CPU time, not wall time: the share of the sign-ins' CPU spent on the main thread.
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';

let t: TestReceiver;
beforeAll(async () => {
  t = await startTestReceiver();
});
afterAll(() => t.close());

// Each attempt from its own address (the loopback proxy's header is trusted), like a spread-out attack.
const signIn = (username: string, password: string, from = '127.0.0.1') =>
  request(t.url).post('/employees/login').set('X-Forwarded-For', from).type('form').send({ username, password });

/** CPU seconds (user + system) from a /proc stat line: fields 14 and 15, after the command name. */
function cpuTicks(statFile: string): number {
  const fields = readFileSync(statFile, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

describe('password hashing', () => {
  it('a hash written by the former bcryptjs still signs in; a wrong password does not', async () => {
    // bcryptjs 3.0.3, cost 10, of "secret-pass": what staff_users holds on installs made before this change.
    await t.database.prisma.staffUser.create({ data: { username: 'olduser', role: 'staff', passwordHash: '$2b$10$aWuUuuxsrObWODpbEz45ju6DcEuf6NiKAdkJqT0YjYfxE54a7z7xG' } });
    expect((await signIn('olduser', 'secret-pass')).status).toBe(303);
    expect((await signIn('olduser', 'secret-pasS')).status).toBe(401);
  });

  it.runIf(process.platform === 'linux')('32 concurrent wrong sign-ins cost the main thread less than half of their CPU', async () => {
    const mainThread = `/proc/self/task/${process.pid}/stat`;
    const wholeProcess = '/proc/self/stat';
    await signIn('warm-up', 'not the password'); // first use loads and plans outside the measure
    const before = { main: cpuTicks(mainThread), all: cpuTicks(wholeProcess) };
    // Distinct names and addresses: the sign-in limit (per name and per address) must not answer before hashing.
    const answers = await Promise.all(Array.from({ length: 32 }, (_, i) => signIn(`intruder${i}`, `guess number ${i}`, `10.66.0.${i + 1}`)));
    const main = cpuTicks(mainThread) - before.main;
    const all = cpuTicks(wholeProcess) - before.all;
    expect(answers.every((a) => a.status === 401)).toBe(true);
    expect(all).toBeGreaterThan(0);
    expect(main / all).toBeLessThan(0.5);
  }, 120_000);
});
