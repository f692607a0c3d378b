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
    /** @type {Map<string, LivePunch>} the punches loaded: the newest page, what came live, older pages asked for */
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
    /** Today's punch count: the snapshot's, plus each new punch above its highest id. */
    this.total = 0;
    /** @type {bigint | null} the snapshot's highest punch id: punches above it were not in its count */
    this.maxId = null;
    /** Older punches than those loaded exist on the server. */
    this.more = false;
    /** @type {Map<string, LivePunch>} employees in now: their last punch of the day, an "in" */
    this.present = new Map();
    /** @type {Map<string, string>} each employee's last punch instant today */
    this.lastAt = new Map();
  }

  /** @param {LiveSnapshot} snapshot */
  reset(snapshot) {
    this.punches.clear();
    this.devices.clear();
    this.present.clear();
    this.lastId = null;
    this.since = null;
    this.day = snapshot.day;
    this.zone = snapshot.zone;
    this.onlineWindowMs = snapshot.onlineWindowMs;
    this.total = snapshot.total;
    this.maxId = snapshot.maxId === null ? null : BigInt(snapshot.maxId);
    this.more = snapshot.more;
    this.lastAt = new Map(Object.entries(snapshot.lastAt));
    for (const p of snapshot.present) this.present.set(p.pin, p);
    for (const d of snapshot.devices) this.devices.set(d.sn, d);
    this.addPunches(snapshot.punches);
  }

  /**
   * Adds punches not seen yet; a punch replayed by catch-up and also received live counts once.
   * @param {LivePunch[]} list
   * @returns {LivePunch[]} the ones that were new
   */
  addPunches(list) {
    const added = [];
    for (const p of list) {
      if (!this.take(p)) continue;
      added.push(p);
      const id = BigInt(p.id);
      if (this.lastId === null || id > this.lastId) this.lastId = id;
      if (this.since === null || p.receivedAt > this.since) this.since = p.receivedAt;
      this.seenDevice(p.deviceSn, p.receivedAt);
    }
    return added;
  }

  /**
   * An older page asked for by scrolling: shown, but the catch-up cursor stays where it was.
   * @param {import('../server/live/events.ts').PunchPage} page
   */
  addOlder(page) {
    for (const p of page.punches) this.take(p);
    this.more = page.more;
  }

  /** Where the next older page starts: the oldest punch loaded. @returns {string | null} */
  oldestCursor() {
    const all = this.sorted();
    const oldest = all[all.length - 1];
    return oldest ? `${oldest.instant}_${oldest.id}` : null;
  }

  /** @param {LivePunch} p @returns {boolean} whether it was new */
  take(p) {
    if (this.punches.has(p.id)) return false;
    this.punches.set(p.id, p);
    // Counted by the snapshot when at or under its highest id; anything above is new to the day.
    if (this.maxId === null || BigInt(p.id) > this.maxId) this.total += 1;
    // Who is in follows each employee's latest punch, whatever order punches arrive in.
    const last = this.lastAt.get(p.pin);
    const current = this.present.get(p.pin);
    if (last === undefined || p.instant > last || (p.instant === last && current !== undefined && BigInt(p.id) > BigInt(current.id))) {
      this.lastAt.set(p.pin, p.instant);
      if (p.punchType === 'in') this.present.set(p.pin, p);
      else this.present.delete(p.pin);
    }
    return true;
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
    return [...this.present.values()].sort((a, b) => label(a).localeCompare(label(b)));
  }

  /** @param {{ pin: string, name: string | null }[]} changes */
  renameEmployees(changes) {
    const names = new Map(changes.map((c) => [c.pin, c.name]));
    for (const [id, p] of this.punches) {
      if (names.has(p.pin)) this.punches.set(id, { ...p, name: names.get(p.pin) ?? null });
    }
    for (const [pin, p] of this.present) {
      if (names.has(pin)) this.present.set(pin, { ...p, name: names.get(pin) ?? null });
    }
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
