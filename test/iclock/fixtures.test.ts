// Every protocol fixture in ../shared/fixtures, sent byte for byte to the real receiver on a real database.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localToInstant } from '../../server/protocol/time.ts';
import { fixtureBody, fixtureSn, loadFixtures, type Fixture } from '../support/fixtures.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startTestReceiver, type TestReceiver } from '../support/receiver.ts';

let t: TestReceiver;
const fixtures = loadFixtures();

beforeAll(async () => {
  t = await startTestReceiver({ clockAt: '2025-12-07T07:31:00Z' });
});
afterAll(() => t.close());

beforeEach(async () => {
  await t.database.withSession((s) =>
    s.exec('TRUNCATE punches, uploads, commands, unknown_command_results, employees, devices RESTART IDENTITY CASCADE'),
  );
});

async function arrange(f: Fixture) {
  const db = t.database.prisma;
  const sn = fixtureSn(f);
  t.clock.set!(f.context.now_utc);
  await db.device.create({
    data: {
      sn,
      state: f.context.sn_approved ? 'approved' : 'pending',
      timezone: f.context.device_timezone,
      stamps: f.context.stored_stamps ?? {},
      language: f.context.handshake_language ?? null,
    },
  });
  for (const p of f.context.existing_punches ?? []) {
    await db.punch.create({
      data: { deviceSn: sn, pin: p.pin, localTime: p.time, instant: localToInstant(p.time, f.context.device_timezone), status: 1, verify: 1, punchType: 'out', source: 'device' },
    });
  }
  for (const c of f.context.queued_commands ?? []) await db.command.create({ data: { id: Number(c.id), deviceSn: sn, command: c.command } });
  for (const c of f.context.issued_commands ?? []) await db.command.create({ data: { id: Number(c.id), deviceSn: sn, command: c.command, status: 'sent' } });
}

describe('iClock fixtures from shared/fixtures', () => {
  it('found the fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(30));

  it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_name, f) => {
    await arrange(f);
    const db = t.database.prisma;
    const sn = fixtureSn(f);
    const before = await db.punch.count({ where: { deviceSn: sn } });
    const reply = await rawRequest(t.url, { method: f.method, url: f.url, httpVersion: f.http_version, headers: f.headers, body: fixtureBody(f) });
    const e = f.expect;

    expect(reply.status).toBe(e.status);
    if (e.reply_exact !== undefined) expect(reply.text).toBe(e.reply_exact);
    if (e.reply_starts_with !== undefined) expect(reply.text.startsWith(e.reply_starts_with)).toBe(true);
    if (e.reply_must_not_start_with !== undefined) expect(reply.text.startsWith(e.reply_must_not_start_with)).toBe(false);
    const lines = reply.text.split('\n');
    for (const pattern of e.reply_line_patterns ?? []) {
      expect(lines.some((l) => new RegExp(pattern).test(l)), `a reply line matches /${pattern}/:\n${reply.text}`).toBe(true);
    }
    if (e.content_type_starts_with) expect(reply.headers['content-type']?.startsWith(e.content_type_starts_with)).toBe(true);
    for (const h of e.reply_headers_present ?? []) expect(reply.headers[h.toLowerCase()], `header ${h}`).toBeDefined();
    for (const h of e.reply_headers_absent ?? []) expect(reply.headers[h.toLowerCase()], `header ${h}`).toBeUndefined();
    for (const [h, v] of Object.entries(e.reply_headers_equal ?? {})) expect(reply.headers[h.toLowerCase()]).toBe(v);

    if (e.punches) {
      const stored = await db.punch.findMany({ where: { deviceSn: sn }, orderBy: [{ pin: 'asc' }, { localTime: 'asc' }] });
      const got = stored.map((p) => ({ pin: p.pin, time: p.localTime, status: p.status, verify: p.verify, utc: p.instant.toISOString().replace('.000Z', 'Z') }));
      const want = e.punches.map((p) => ({ pin: p.pin, time: p.time, status: p.status ?? null, verify: p.verify ?? null, utc: p.utc }));
      const byKey = (a: { pin: string; time: string }, b: { pin: string; time: string }) => (a.pin + a.time).localeCompare(b.pin + b.time);
      expect(got.sort(byKey)).toEqual(want.sort(byKey));
    }
    if (e.new_rows !== undefined) expect((await db.punch.count({ where: { deviceSn: sn } })) - before).toBe(e.new_rows);
    if (e.rejected_lines) {
      const upload = await db.upload.findFirstOrThrow({ where: { sn }, orderBy: { id: 'desc' } });
      expect((upload.errors as { text: string }[]).map((r) => r.text)).toEqual(e.rejected_lines);
    }
    const device = await db.device.findUniqueOrThrow({ where: { sn } });
    if (e.stamps_after) expect(device.stamps).toMatchObject(e.stamps_after);
    if (e.users) {
      const users = await db.employee.findMany({ orderBy: { pin: 'asc' } });
      // The fixtures predate CONTRACT.md's rule that a privilege a clock reports is never taken (anyone can
      // pose as a clock): a user learned from a clock keeps the ERP's privilege, 0 for someone new.
      const expected = e.users.map((u) => ({ ...u, privilege: 0 }));
      expect(users.map((u) => ({ pin: u.pin, name: u.name, privilege: u.privilege, card: u.card }))).toEqual(expected);
    }
    for (const r of e.command_results ?? []) {
      if (e.unknown_result_ids?.includes(r.id)) continue;
      const command = await db.command.findUniqueOrThrow({ where: { id: Number(r.id) } });
      expect(command.returnCode).toBe(r.return);
      expect(command.status).toBe(r.return >= 0 ? 'done' : 'failed');
    }
    if (e.unknown_result_ids) {
      const unknown = await db.unknownCommandResult.findMany({ where: { deviceSn: sn } });
      expect(unknown.map((u) => u.commandId)).toEqual(e.unknown_result_ids);
    }
    for (const id of e.commands_marked_sent ?? []) {
      expect((await db.command.findUniqueOrThrow({ where: { id: Number(id) } })).status).toBe('sent');
    }
    const info = device.info as { info?: string[]; options?: Record<string, string> };
    if (e.info_fields) expect(info.info).toEqual(e.info_fields);
    if (e.info_options) expect(info.options).toMatchObject(e.info_options);
    if (e.options) expect(info.options).toEqual(e.options);
  });
});
