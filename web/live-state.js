// @ts-check
// What the live page knows, without the DOM: punches deduplicated by id, the catch-up cursor, who is in.
/** @typedef {import('../server/live/events.ts').LivePunch} LivePunch */
/** @typedef {import('../server/live/events.ts').LiveDevice} LiveDevice */
/** @typedef {import('../server/live/events.ts').LiveSnapshot} LiveSnapshot */
/** @typedef {import('../server/live/events.ts').CatchUpCursor} CatchUpCursor */

/** @param {LivePunch} a @param {LivePunch} b newest first; equal instants by id */
function newestFirst(a, b) {
  if (a.instant !== b.instant) return a.instant < b.instant ? 1 : -1;
  return BigInt(a.id) < BigInt(b.id) ? 1 : -1;
}

export class LiveState {
  constructor() {
    /** @type {Map<string, LivePunch>} */
    this.punches = new Map();
    /** @type {Map<string, LiveDevice>} */
    this.devices = new Map();
    /** @type {bigint | null} */
    this.lastId = null;
    /** @type {string | null} newest receivedAt seen (ISO strings compare in time order) */
    this.since = null;
    this.day = '';
    this.zone = 'UTC';
    this.onlineWindowMs = 60_000;
  }

  /** @param {LiveSnapshot} snapshot */
  reset(snapshot) {
    this.punches.clear();
    this.devices.clear();
    this.lastId = null;
    this.since = null;
    this.day = snapshot.day;
    this.zone = snapshot.zone;
    this.onlineWindowMs = snapshot.onlineWindowMs;
    this.addPunches(snapshot.punches);
    for (const d of snapshot.devices) this.devices.set(d.sn, d);
  }

  /**
   * Adds punches not seen yet; a punch replayed by catch-up and also received live counts once.
   * @param {LivePunch[]} list
   * @returns {LivePunch[]} the ones that were new
   */
  addPunches(list) {
    const added = [];
    for (const p of list) {
      if (this.punches.has(p.id)) continue;
      this.punches.set(p.id, p);
      added.push(p);
      const id = BigInt(p.id);
      if (this.lastId === null || id > this.lastId) this.lastId = id;
      if (this.since === null || p.receivedAt > this.since) this.since = p.receivedAt;
      this.seenDevice(p.deviceSn, p.receivedAt);
    }
    return added;
  }

  /** @returns {CatchUpCursor} */
  cursor() {
    return { afterId: this.lastId === null ? null : String(this.lastId), since: this.since };
  }

  /** @returns {LivePunch[]} */
  sorted() {
    return [...this.punches.values()].sort(newestFirst);
  }

  /** Employees whose last punch of the day is an "in", by name. @returns {LivePunch[]} */
  whoIsIn() {
    /** @type {Map<string, LivePunch>} */
    const last = new Map();
    for (const p of this.punches.values()) {
      const prev = last.get(p.pin);
      if (!prev || newestFirst(p, prev) < 0) last.set(p.pin, p);
    }
    return [...last.values()].filter((p) => p.punchType === 'in').sort((a, b) => label(a).localeCompare(label(b)));
  }

  /** @param {{ pin: string, name: string | null }[]} changes */
  renameEmployees(changes) {
    const names = new Map(changes.map((c) => [c.pin, c.name]));
    for (const [id, p] of this.punches) {
      if (names.has(p.pin)) this.punches.set(id, { ...p, name: names.get(p.pin) ?? null });
    }
  }

  /** Voided punches leave the list and "who is in". @param {string[]} ids @returns {boolean} whether any was shown */
  removePunches(ids) {
    let removed = false;
    for (const id of ids) removed = this.punches.delete(id) || removed;
    return removed;
  }

  /** @param {LiveDevice} device */
  upsertDevice(device) {
    this.devices.set(device.sn, device);
  }

  /** An upload is contact: the clock was seen when its punch arrived. @param {string} sn @param {string} at */
  seenDevice(sn, at) {
    const d = this.devices.get(sn);
    if (d && (!d.lastSeen || at > d.lastSeen)) this.devices.set(sn, { ...d, lastSeen: at });
  }

  /** @param {LiveDevice} d @param {number} now */
  isOnline(d, now) {
    return d.lastSeen !== null && now - Date.parse(d.lastSeen) < this.onlineWindowMs;
  }
}

/** @param {LivePunch} p */
export function label(p) {
  return p.name || `PIN ${p.pin}`;
}
