// @ts-check
// The live page: a snapshot over HTTP, then socket.io events; after every (re)connect it asks the
// server for what it may have missed (catch-up), and LiveState drops doubles by punch id.
import { label, LiveState } from './live-state.js';
import { renderRelays } from './live-relays.js';

/** @typedef {import('../server/live/events.ts').ServerToClientEvents} ServerToClientEvents */
/** @typedef {import('../server/live/events.ts').ClientToServerEvents} ClientToServerEvents */
/** @typedef {import('socket.io-client').Socket<ServerToClientEvents, ClientToServerEvents>} LiveSocket */

const DATA_URL = '/employees/attendance/live/data';
const SIGN_IN_URL = `/employees/login?next=${encodeURIComponent(location.pathname + location.search)}`;
const NEW_FOR_MS = 4_000;

const state = new LiveState();
/** @type {Map<string, HTMLTableRowElement>} rows kept across renders so "new" highlights fade in place */
const rows = new Map();

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {string} tag @param {string} [className] @param {string} [text] */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** @param {import('../server/live/events.ts').LivePunch} p */
function punchRow(p) {
  const tr = document.createElement('tr');
  tr.dataset.id = p.id;
  const who = el('td');
  who.append(el('span', 'punch-name', label(p)));
  if (p.name) who.append(el('span', 'punch-pin', `#${p.pin}`));
  const kind = el('td');
  kind.append(el('span', `badge badge-${p.punchType}`, p.punchType === 'unknown' ? '?' : p.punchType));
  tr.append(el('td', 'punch-time', p.localTime.slice(11)), who, kind, el('td', 'col-device', p.device), el('td', 'col-verify', p.verifyLabel));
  return tr;
}

function renderPunches() {
  const body = byId('punches');
  const sorted = state.sorted();
  const ordered = sorted.map((p) => {
    const key = `${p.id}|${p.name}`;
    let row = rows.get(p.id);
    if (!row || row.dataset.key !== key) {
      const fresh = punchRow(p);
      if (row?.classList.contains('is-new')) fresh.classList.add('is-new');
      row = fresh;
      row.dataset.key = key;
      rows.set(p.id, row);
    }
    return row;
  });
  body.replaceChildren(...ordered);
  byId('punches-empty').hidden = sorted.length > 0;
  byId('punches-more').hidden = !state.more;
  byId('count-punches').textContent = String(state.total);
}

let loadingOlder = false;

/** The next older page of today, when the user scrolls to the end of the list (or asks). */
async function loadOlder() {
  const before = state.oldestCursor();
  if (loadingOlder || !state.more || !before) return;
  loadingOlder = true;
  try {
    const res = await fetch(`${DATA_URL}?before=${encodeURIComponent(before)}`, { credentials: 'same-origin', cache: 'no-store' });
    if (res.status === 401) {
      location.href = SIGN_IN_URL;
      return;
    }
    if (!res.ok) throw new Error(`older punches answered ${res.status}`);
    state.addOlder(await res.json());
    renderPunches();
  } finally {
    loadingOlder = false;
  }
}

function renderPresent() {
  const inside = state.whoIsIn();
  byId('present').replaceChildren(
    ...inside.map((p) => {
      const li = el('li');
      const who = el('span', 'present-who');
      who.append(el('span', 'punch-name', label(p)));
      if (p.name) who.append(el('span', 'punch-pin', `#${p.pin}`));
      const where = el('span', 'present-where');
      where.append(el('span', 'since', `since ${p.localTime.slice(11, 16)}`), el('span', 'present-clock', p.device));
      li.append(who, where);
      return li;
    }),
  );
  byId('present-empty').hidden = inside.length > 0;
  byId('count-present').textContent = String(inside.length);
}

/** @param {string | null} iso */
function seenText(iso) {
  if (!iso) return 'never seen';
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 10) return 'seen just now';
  if (seconds < 60) return `seen ${seconds} s ago`;
  if (seconds < 3600) return `seen ${Math.floor(seconds / 60)} min ago`;
  const at = new Intl.DateTimeFormat(undefined, { timeZone: state.zone, dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
  return `last seen ${at}`;
}

function renderDevices() {
  const now = Date.now();
  // The API's pseudo-clock is no clock: it is never online, and must not count as one offline.
  const devices = [...state.devices.values()].filter((d) => !d.pseudo).sort((a, b) => a.sn.localeCompare(b.sn));
  const online = devices.filter((d) => state.isOnline(d, now));
  byId('devices').replaceChildren(
    ...devices.map((d) => {
      const li = el('li');
      const stateText = d.state === 'pending' ? 'pending approval' : d.state;
      li.append(
        el('span', `device-dot${state.isOnline(d, now) ? ' is-online' : ''}`),
        el('span', 'device-name', d.name ? `${d.name} (${d.sn})` : d.sn),
        el('span', `badge device-state state-${d.state}`, stateText),
        el('span', 'device-seen', `${state.isOnline(d, now) ? 'online' : 'offline'} · ${seenText(d.lastSeen)}`),
      );
      // The clock shows another zone than the one its punches are read in: times are off by hours.
      if (d.zoneMismatch) {
        li.append(el('span', 'device-drift device-zone-mismatch', `clock shows UTC${d.observedOffset}, not its zone: set its zone`));
      }
      // Past a minute the receiver corrects a clock whose zone was chosen; staff should still see why times look off.
      if (d.driftSeconds !== null && Math.abs(d.driftSeconds) > 60) {
        const minutes = Math.round(Math.abs(d.driftSeconds) / 60);
        li.append(el('span', 'device-drift', `clock ${minutes} min ${d.driftSeconds > 0 ? 'fast' : 'slow'}`));
      }
      return li;
    }),
  );
  byId('devices-empty').hidden = devices.length > 0;
  byId('count-devices').textContent = `${online.length}/${devices.length}`;
}

function renderAll() {
  renderPunches();
  renderPresent();
  renderDevices();
}

/** Marks rows as new, then lets the highlight fade. @param {import('../server/live/events.ts').LivePunch[]} added */
function markNew(added) {
  for (const p of added) rows.get(p.id)?.classList.add('is-new');
  setTimeout(() => added.forEach((p) => rows.get(p.id)?.classList.remove('is-new')), NEW_FOR_MS);
}

/** @param {'is-live' | 'is-connecting' | 'is-down'} kind @param {string} text */
function setConnection(kind, text) {
  const node = byId('connection');
  node.className = `connection ${kind}`;
  node.textContent = text;
  // While not live, every figure may be out of date: say so on all of them, not only on the badge.
  const stale = kind !== 'is-live';
  byId('live').classList.toggle('is-stale', stale);
  byId('stale-note').hidden = !stale;
}

const shopDate = () => new Intl.DateTimeFormat('en-CA', { timeZone: state.zone }).format(new Date());

async function loadSnapshot() {
  const res = await fetch(DATA_URL, { credentials: 'same-origin', cache: 'no-store' });
  if (res.status === 401) {
    location.href = SIGN_IN_URL;
    return;
  }
  if (!res.ok) throw new Error(`snapshot answered ${res.status}`);
  /** @type {import('../server/live/events.ts').LiveSnapshot} */
  const snapshot = await res.json();
  state.reset(snapshot);
  rows.clear();
  const [y, m, d] = snapshot.day.split('-').map(Number);
  byId('day').textContent = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1)));
  byId('zone').textContent = snapshot.zone;
  renderAll();
}

/** Asks for everything after the cursor until the server answers; retries on a lost reply. @param {LiveSocket} socket */
function catchUp(socket) {
  socket.timeout(5_000).emit('catchUp', state.cursor(), (err, punches) => {
    if (err) {
      if (socket.connected) catchUp(socket);
      return;
    }
    const added = state.addPunches(punches);
    renderAll();
    markNew(added);
    setConnection('is-live', 'Live');
  });
}

async function start() {
  await loadSnapshot();
  const report = (/** @type {unknown} */ err) => console.warn('live page:', err);
  void renderRelays(seenText).catch(report);
  byId('punches-more').addEventListener('click', () => void loadOlder().catch(report));
  // Scrolling to the end of the list brings the next older page.
  new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) void loadOlder().catch(report);
  }).observe(byId('punches-more'));
  /** @type {LiveSocket} */
  // WebSocket first: several receivers behind a load balancer need no sticky sessions then; polling is the fallback.
  const socket = /** @type {any} */ (window).io({ withCredentials: true, transports: ['websocket', 'polling'], tryAllTransports: true });
  socket.on('connect', () => catchUp(socket));
  socket.on('disconnect', (reason) => {
    setConnection('is-connecting', 'Reconnecting…');
    // The server ends a socket whose session expired; reconnecting then shows sign-in (connect_error).
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (err) => {
    if (err.message.startsWith('unauthorized')) {
      location.href = SIGN_IN_URL;
      return;
    }
    setConnection('is-down', 'Offline, retrying…');
    // socket.io does not retry a connection its server refused (a failing session lookup): we do.
    if (!socket.active) setTimeout(() => socket.connect(), 3_000);
  });
  socket.on('punches', (punches) => {
    const added = state.addPunches(punches);
    if (added.length === 0) return;
    renderAll();
    markNew(added);
  });
  // A void can change who is in and the day's count: read the day again, then what came meanwhile.
  socket.on('voided', () => {
    void loadSnapshot().then(() => socket.connected && catchUp(socket));
  });
  socket.on('device', (device) => {
    state.upsertDevice(device);
    renderDevices();
  });
  socket.on('employees', (changes) => {
    state.renameEmployees(changes);
    renderPunches();
    renderPresent();
  });
  // Heartbeats move "last seen" without events: refresh the clocks now and then, and roll over at midnight.
  setInterval(() => {
    void renderRelays(seenText).catch(report);
    if (shopDate() !== state.day) {
      void loadSnapshot().then(() => socket.connected && catchUp(socket));
      return;
    }
    if (socket.connected) {
      socket.timeout(5_000).emit('devices', (err, devices) => {
        if (err) return;
        devices.forEach((d) => state.upsertDevice(d));
        renderDevices();
      });
    } else renderDevices();
  }, 15_000);
}

start().catch((err) => setConnection('is-down', `Could not load: ${err instanceof Error ? err.message : String(err)}`));
