// The page's own bookkeeping (web/live-state.js, run here as it runs in the browser): no doubles, who is in.
import { describe, expect, it } from 'vitest';
import type { LivePunch, LiveSnapshot } from '../../server/live/events.ts';
import { LiveState } from '../../web/live-state.js';

let nextId = 1;
function punch(pin: string, time: string, punchType: LivePunch['punchType'], extra: Partial<LivePunch> = {}): LivePunch {
  const id = String(nextId++);
  return {
    id,
    deviceSn: 'SN1',
    device: 'Front door',
    pin,
    name: null,
    localTime: `2026-11-25 ${time}`,
    instant: `2026-11-25T${time}.000Z`,
    punchType,
    verifyLabel: 'fingerprint',
    source: 'device',
    receivedAt: `2026-11-25T${time}.500Z`,
    ...extra,
  };
}

/** What the server sends for `punches` (the newest page); `extra` overrides count, who is in, older pages. */
const snapshot = (punches: LivePunch[], extra: Partial<LiveSnapshot> = {}): LiveSnapshot => ({
  day: '2026-11-25',
  zone: 'UTC',
  onlineWindowMs: 60_000,
  punches,
  more: false,
  total: punches.length,
  maxId: punches.length === 0 ? null : String(Math.max(...punches.map((p) => Number(p.id)))),
  present: [],
  lastAt: {},
  ...extra,
  devices: [{ sn: 'SN1', name: 'Front door', state: 'approved', lastSeen: '2026-11-25T07:00:00.000Z', online: true, driftSeconds: null, pseudo: false, zoneMismatch: false, observedOffset: null }],
  viewer: { subject: 'boss', role: 'admin' },
});

describe('the page state', () => {
  it('counts a punch once when catch-up replays what also came live', () => {
    const state = new LiveState();
    const a = punch('1', '08:00:00', 'in');
    const b = punch('2', '08:05:00', 'in');
    state.reset(snapshot([a]));
    expect(state.addPunches([b])).toEqual([b]);
    expect(state.addPunches([a, b])).toEqual([]);
    expect(state.punches.size).toBe(2);
  });

  it('its cursor is the highest id and the newest receipt seen', () => {
    const state = new LiveState();
    const late = punch('1', '09:00:00', 'in');
    const early = punch('2', '07:00:00', 'in');
    state.reset(snapshot([late, early]));
    expect(state.cursor()).toEqual({ afterId: early.id, since: late.receivedAt });
  });

  it('sorts newest first, by time then id', () => {
    const state = new LiveState();
    const x = punch('1', '08:00:00', 'in');
    const y = punch('2', '08:00:00', 'in');
    const z = punch('3', '07:00:00', 'in');
    state.reset(snapshot([z, x, y]));
    expect(state.sorted().map((p) => p.pin)).toEqual(['2', '1', '3']);
  });

  it('who is in: the last punch of the day is an in, whatever order they arrived in', () => {
    const state = new LiveState();
    state.reset(snapshot([]));
    state.addPunches([punch('ana', '12:00:00', 'out', { name: 'Ana' }), punch('ana', '08:00:00', 'in', { name: 'Ana' })]);
    state.addPunches([punch('bo', '08:10:00', 'in', { name: 'Bo' })]);
    state.addPunches([punch('cy', '08:20:00', 'out'), punch('cy', '13:00:00', 'in')]);
    expect(state.whoIsIn().map((p) => p.pin)).toEqual(['bo', 'cy']);
  });

  it('renames employees in place and keeps clocks last-seen moving with punches', () => {
    const state = new LiveState();
    state.reset(snapshot([punch('7', '08:00:00', 'in')]));
    state.renameEmployees([{ pin: '7', name: 'Grace' }]);
    expect(state.sorted()[0]!.name).toBe('Grace');
    state.addPunches([punch('8', '10:00:00', 'in')]);
    expect(state.devices.get('SN1')!.lastSeen).toBe('2026-11-25T10:00:00.500Z');
    expect(state.isOnline(state.devices.get('SN1')!, Date.parse('2026-11-25T10:00:30Z'))).toBe(true);
    expect(state.isOnline(state.devices.get('SN1')!, Date.parse('2026-11-25T10:02:00Z'))).toBe(false);
  });

  it("who is in starts from the server's list and follows later punches, but not a late older one", () => {
    const state = new LiveState();
    const anaIn = punch('ana', '08:00:00', 'in', { name: 'Ana' });
    state.reset(snapshot([], { total: 40, maxId: '1000', present: [anaIn], lastAt: { ana: anaIn.instant, bo: '2026-11-25T12:00:00.000Z' } }));
    expect(state.whoIsIn().map((p) => p.pin)).toEqual(['ana']);
    // Bo's last punch (an out at 12:00) is not loaded; his morning "in" arrives late from a relay's backlog.
    state.addPunches([punch('bo', '07:30:00', 'in', { id: '1001' })]);
    expect(state.whoIsIn().map((p) => p.pin)).toEqual(['ana']);
    state.addPunches([punch('ana', '12:30:00', 'out', { id: '1002' }), punch('bo', '13:00:00', 'in', { id: '1003' })]);
    expect(state.whoIsIn().map((p) => p.pin)).toEqual(['bo']);
    state.renameEmployees([{ pin: 'bo', name: 'Bo' }]);
    expect(state.whoIsIn()[0]!.name).toBe('Bo');
  });

  it("the day's count is the server's plus each new punch above its highest id, once", () => {
    const state = new LiveState();
    state.reset(snapshot([punch('1', '09:00:00', 'in', { id: '500' })], { total: 320, maxId: '500' }));
    const fresh = punch('2', '09:10:00', 'in', { id: '501' });
    state.addPunches([fresh]);
    state.addPunches([fresh]);
    // An older punch replayed by catch-up's margin was counted by the server already.
    state.addPunches([punch('3', '06:00:00', 'in', { id: '120' })]);
    expect(state.total).toBe(321);
  });

  it('an older page is shown without moving the catch-up cursor, and says where the next one starts', () => {
    const state = new LiveState();
    const newest = punch('1', '09:00:00', 'in', { id: '900' });
    state.reset(snapshot([newest], { more: true, total: 3, maxId: '900' }));
    const before = state.cursor();
    expect(state.oldestCursor()).toBe(`${newest.instant}_900`);
    const older = punch('2', '07:00:00', 'in', { id: '950' });
    state.addOlder({ punches: [older], more: false });
    expect(state.cursor()).toEqual(before);
    expect(state.more).toBe(false);
    expect(state.sorted().map((p) => p.id)).toEqual(['900', '950']);
    expect(state.oldestCursor()).toBe(`${older.instant}_950`);
    expect(state.total).toBe(4);
  });
});
