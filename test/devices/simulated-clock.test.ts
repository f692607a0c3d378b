// End to end with the simulated clock (simulate/), which keeps its own user table and log and answers
// commands: directly to the receiver, and through a real relay built in-process.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRelayConfig } from '../../relay/config.ts';
import { createRelayLogger } from '../../relay/logger.ts';
import { buildRelay, type Relay } from '../../relay/relay.ts';
import { SimulatedClock } from '../../simulate/clock.ts';
import { makePunches, makeUsers } from '../../simulate/records.ts';
import { startTestReceiver, TEST_TOKEN, type TestReceiver } from '../support/receiver.ts';
import { api } from './talking-clock.ts';

let t: TestReceiver;
let relay: Relay;
let relayUrl: string;
let relayDir: string;

beforeAll(async () => {
  t = await startTestReceiver();
  relayDir = await mkdtemp(path.join(os.tmpdir(), 'zk-devices-relay-'));
  const config = readRelayConfig({ RELAY_UPSTREAM: t.url, RELAY_TOKEN: TEST_TOKEN, RELAY_DATA_DIR: relayDir });
  relay = await buildRelay({ config, log: createRelayLogger('silent') });
  const address = await relay.listen(0, '127.0.0.1');
  relayUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await relay?.close();
  await t?.close();
  await rm(relayDir, { recursive: true, force: true });
});

/** Polls the command until it is closed (through a relay, results arrive a moment after the poll). */
async function closed(sn: string, id: number) {
  for (let i = 0; i < 100; i++) {
    const body = (await api(t, 'GET', `/zkteco/api/devices/${sn}/commands/${id}`)).body;
    if (body.status === 'done' || body.status === 'failed') return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`command ${id} still open`);
}

const stored = async (sn: string) => t.database.prisma.punch.count({ where: { deviceSn: sn } });

async function story(sn: string, url: string, viaRelay: boolean, firstPin: number) {
  const clock = new SimulatedClock({ url, sn, retry: { attempts: 3, delayMs: 50 } });
  await clock.handshake();
  if (!viaRelay) expect((await api(t, 'POST', `/zkteco/api/devices/${sn}/approve`)).status).toBe(200);

  // The clock's users reach the ERP, names intact.
  const users = makeUsers(10, firstPin);
  clock.enroll(users);
  await clock.uploadUsers();
  const namesOfTheseUsers = async () => {
    const pins = new Set(users.map((u) => u.pin));
    for (let i = 0; i < 100; i++) {
      const items: { pin: string; name: string }[] = (await api(t, 'GET', '/zkteco/api/employees')).body.items;
      const mine = items.filter((e) => pins.has(e.pin));
      if (mine.length === users.length) return mine.map((e) => e.name);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('names never arrived');
  };
  expect(await namesOfTheseUsers()).toEqual(expect.arrayContaining(['José Müller', 'Łukasz Żółć', '陈伟', 'Nguyễn Thị Hằng']));

  // Twelve punches on the 6th; the last six never arrive (the clock believes they did).
  const day = makePunches({ pins: users.slice(0, 3).map((u) => u.pin), count: 12, timeZone: 'Europe/Paris', end: '2025-12-06 17:00:00', spacingSeconds: 600 });
  await clock.uploadPunches(day.slice(0, 6));
  clock.memory.record(day.slice(6));
  clock.memory.markAcknowledged(6);
  for (let i = 0; i < 100 && (await stored(sn)) < 6; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await stored(sn)).toBe(6);

  const recover = await api(t, 'POST', `/zkteco/api/devices/${sn}/recover`, { body: { from: '2025-12-06', to: '2025-12-06' } });
  expect(recover.status).toBe(202);
  await clock.pollOnce();
  expect(await closed(sn, recover.body.command_id)).toMatchObject({ status: 'done', return_code: 0, recovered: 6, returned_lines: 12 });
  expect(await stored(sn)).toBe(12);
  return clock;
}

describe('the simulated clock end to end', () => {
  it('directly: users up, missing punches recovered exactly, ERP edits applied in the clock, INFO answered', async () => {
    const sn = 'SIMDIRECT001';
    const clock = await story(sn, t.url, false, 1);
    await clock.pollOnce(); // drains the employee list queued at approval
    await api(t, 'POST', '/zkteco/api/employees', { body: { pin: '500', name: 'Renée Østergaard', card: '777' } });
    await api(t, 'PATCH', '/zkteco/api/employees/1', { body: { name: 'José Müller-Díaz' } });
    await api(t, 'DELETE', '/zkteco/api/employees/2');
    const info = (await api(t, 'POST', `/zkteco/api/devices/${sn}/commands`, { body: { command: 'INFO' } })).body.id;
    const answers = await clock.pollOnce();
    expect(answers.every((a) => a.returnCode === 0)).toBe(true);
    expect(clock.memory.users.get('500')).toEqual({ pin: '500', name: 'Renée Østergaard', privilege: 0, card: '777' });
    expect(clock.memory.users.get('1')?.name).toBe('José Müller-Díaz');
    expect(clock.memory.users.has('2')).toBe(false);
    expect(await closed(sn, info)).toMatchObject({ status: 'done', return_code: 0 });
  });

  it('through the relay: the same commands, results and recovery take the relay queue', async () => {
    const sn = 'SIMRELAY0001';
    const clock = await story(sn, relayUrl, true, 101);
    await clock.pollOnce();
    await api(t, 'PATCH', '/zkteco/api/employees/103', { body: { name: 'Ana Núñez Pérez' } });
    const reboot = (await api(t, 'POST', `/zkteco/api/devices/${sn}/commands`, { body: { command: 'REBOOT' } })).body.id;
    const info = (await api(t, 'POST', `/zkteco/api/devices/${sn}/commands`, { body: { command: 'INFO' } })).body.id;
    const answers = await clock.pollOnce();
    expect(answers.map((a) => a.command.command.split('\t')[0])).toEqual(['DATA UPDATE USERINFO PIN=103', 'INFO', 'REBOOT']);
    expect(clock.memory.users.get('103')?.name).toBe('Ana Núñez Pérez');
    expect(await closed(sn, info)).toMatchObject({ status: 'done' });
    expect(await closed(sn, reboot)).toMatchObject({ status: 'done' });
  });
});

describe('a Chinese-language clock behind the relay', () => {
  it('receives its commands in GB2312 byte for byte', async () => {
    const sn = 'RELAYGB0001';
    const hello = await fetch(`${relayUrl}/iclock/cdata?SN=${sn}&options=all&pushver=2.4.1&language=83`);
    expect(await hello.text()).toMatch(/^GET OPTION FROM: RELAYGB0001/);
    await fetch(`${relayUrl}/iclock/getrequest?SN=${sn}`); // the employee list queued on approval goes out first
    await api(t, 'POST', '/zkteco/api/employees', { body: { pin: '77', name: '李娜' } });
    let raw = Buffer.alloc(0);
    let contentType: string | null = null;
    for (let i = 0; i < 20 && !raw.includes(Buffer.from('PIN=77')); i++) {
      const res = await fetch(`${relayUrl}/iclock/getrequest?SN=${sn}`);
      contentType = res.headers.get('content-type');
      raw = Buffer.from(await res.arrayBuffer());
    }
    expect(raw.includes(Buffer.from('Name=\xc0\xee\xc4\xc8\t', 'latin1'))).toBe(true);
    // Labelled as what it is, as the receiver labels it.
    expect(contentType).toBe('text/plain; charset=gb18030');
    expect(new TextDecoder('gb18030').decode(raw)).toMatch(/C:\d+:DATA UPDATE USERINFO PIN=77\tName=李娜\t/);
  });
});
