// @ts-check
// The timesheets page: a period and an employee, a table per employee and day with sessions, totals and
// flags; downloads are the API's own URL; admins void a punch or add a forgotten one, with a reason.
import { FLAG_LABELS, hoursMinutes, periodDates, PROBLEM_FLAGS } from './timesheet-periods.js';

/** @typedef {import('../server/timesheets/report.ts').Timesheet} Timesheet */
/** @typedef {import('../server/timesheets/report.ts').EmployeeTimesheet} EmployeeTimesheet */
/** @typedef {import('../server/timesheets/rules.ts').Day} Day */

const API = '/zkteco/api/timesheets';
const isAdmin = document.body.dataset.role === 'admin';
/** @param {string} id */
const byId = (id) => /** @type {any} */ (document.getElementById(id));

/**
 * @param {string} tag @param {string} [className] @param {(Node | string)[]} children
 * @returns {HTMLElement}
 */
function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

/** JSON call with the session cookie and the page's CSRF token. @param {string} method @param {string} url @param {unknown} [body] */
async function call(method, url, body) {
  const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') Object.assign(headers, { 'Content-Type': 'application/json', 'X-CSRF-Token': token });
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', cache: 'no-store' });
  if (res.status === 401) location.href = `/employees/login?next=${encodeURIComponent(location.pathname)}`;
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(json?.message ?? `The server answered ${res.status}`);
  return json;
}

/** @param {string} text @param {'ok' | 'error'} kind */
function say(text, kind) {
  const node = byId('message');
  node.textContent = text;
  node.className = `message is-${kind}`;
  node.hidden = !text;
}

function query() {
  const params = new URLSearchParams({ from: byId('from').value, to: byId('to').value });
  if (byId('pin').value) params.set('pin', byId('pin').value);
  return params;
}

function setDownloads() {
  for (const format of ['csv', 'xlsx']) {
    const params = query();
    params.set('format', format);
    byId(`download-${format}`).href = `${API}?${params}`;
  }
}

/** A punch time with, for admins, a button to void it. @param {string | null} at @param {string | null} id @param {string} day */
function punchTime(at, id, day) {
  if (at === null) return el('span', 'ts-missing', '?');
  const text = at.slice(0, 10) === day ? at.slice(11, 16) : `${at.slice(5, 10)} ${at.slice(11, 16)}`;
  const node = el('span', 'ts-time', text);
  if (isAdmin && id) {
    const button = el('button', 'ts-void', '×');
    Object.assign(button, { type: 'button', title: `Void the punch at ${at}` });
    button.dataset.id = id;
    button.dataset.at = at;
    node.append(button);
  }
  return node;
}

/** @param {EmployeeTimesheet} e @param {Day} d */
function dayRow(e, d) {
  const sessions = el('td', 'ts-sessions', ...d.sessions.map((s) => el('span', 'ts-session', punchTime(s.in, s.in_id, d.date), '–', punchTime(s.out, s.out_id, d.date))));
  const flags = el('td', 'ts-flags', ...d.flags.map((f) => el('span', `badge flag flag-${f}`, FLAG_LABELS[f] ?? f)));
  const minutes = (/** @type {number} */ s) => (s > 0 ? `${Math.round(s / 60)} min` : '');
  const row = el('tr', d.flags.some((f) => PROBLEM_FLAGS.includes(f)) ? 'needs-look' : '',
    el('td', 'ts-date', d.date), sessions, el('td', 'ts-worked', hoursMinutes(d.worked_seconds)),
    el('td', 'ts-late', minutes(d.late_seconds)), el('td', 'ts-early', minutes(d.early_leave_seconds)), el('td', 'ts-overtime', minutes(d.overtime_seconds)), flags);
  row.dataset.pin = e.pin;
  return row;
}

/** Admin form to add a forgotten punch for this employee. @param {EmployeeTimesheet} e */
function manualForm(e) {
  const form = document.createElement('form');
  form.className = 'form-row ts-manual';
  form.innerHTML = `<label>Add a punch <input type="datetime-local" name="time" step="1" required></label>
    <label>Key <select name="punch_type"><option value="in">in</option><option value="out">out</option><option value="unknown">unknown</option></select></label>
    <label>Why <input name="reason" required maxlength="500" placeholder="e.g. forgot to punch out"></label>
    <button type="submit" class="small">Add punch</button>`;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const f = new FormData(form);
    const time = String(f.get('time')).replace('T', ' ');
    try {
      await call('POST', '/zkteco/api/attendance/manual', { pin: e.pin, time: time.length === 16 ? `${time}:00` : time, punch_type: f.get('punch_type'), reason: String(f.get('reason')).trim() });
      say(`Punch added for ${e.name || `PIN ${e.pin}`} at ${time}.`, 'ok');
      await load();
    } catch (err) {
      say(err instanceof Error ? err.message : String(err), 'error');
    }
  });
  return form;
}

/** @param {EmployeeTimesheet} e */
function sheet(e) {
  const head = el('div', 'panel-head', el('h2', '', e.name || `PIN ${e.pin}`, ' ', el('span', 'muted', `#${e.pin}`)),
    el('span', 'ts-total', `Total ${hoursMinutes(e.worked_seconds)} (${(e.worked_seconds / 3600).toFixed(2)} h) · ${e.days.length} ${e.days.length === 1 ? "day" : "days"}`));
  const table = el('table', 'data timesheet', el('thead', '', el('tr', '', ...['Date', 'Sessions', 'Worked', 'Late', 'Early leave', 'Overtime', 'Flags'].map((h) => el('th', '', h)))),
    el('tbody', '', ...e.days.map((d) => dayRow(e, d))));
  const section = el('section', 'panel ts-sheet', head, table);
  section.dataset.pin = e.pin;
  if (isAdmin) section.append(manualForm(e));
  return section;
}

/** @param {Timesheet} t */
function render(t) {
  const shown = t.employees.filter((e) => e.days.length > 0 || byId('pin').value === e.pin);
  byId('sheets').replaceChildren(...shown.map(sheet));
  byId('sheets-empty').hidden = shown.length > 0;
  byId('count-employees').textContent = String(t.employees.filter((e) => e.worked_seconds > 0).length);
  byId('count-hours').textContent = (t.employees.reduce((s, e) => s + e.worked_seconds, 0) / 3600).toFixed(2);
  byId('count-flagged').textContent = String(t.employees.flatMap((e) => e.days).filter((d) => d.flags.some((f) => PROBLEM_FLAGS.includes(f))).length);
}

/** The employee picker keeps everyone seen in an all-employees answer. @param {Timesheet} t */
function fillPicker(t) {
  const select = byId('pin');
  const known = new Set([...select.options].map((/** @type {HTMLOptionElement} */ o) => o.value));
  for (const e of t.employees) {
    if (known.has(e.pin)) continue;
    const option = document.createElement('option');
    option.value = e.pin;
    option.textContent = e.name ? `${e.name} (#${e.pin})` : `PIN ${e.pin}`;
    select.append(option);
  }
}

async function load() {
  setDownloads();
  try {
    /** @type {Timesheet} */
    const t = await call('GET', `${API}?${query()}`);
    if (!byId('pin').value) fillPicker(t);
    render(t);
  } catch (err) {
    say(err instanceof Error ? err.message : String(err), 'error');
  }
}

function applyPeriod() {
  const period = byId('period').value;
  const custom = period === 'custom';
  if (!custom) Object.entries(periodDates(period, new Date())).forEach(([k, v]) => (byId(k).value = v));
  byId('from').readOnly = !custom;
  byId('to').readOnly = !custom;
}

byId('period').addEventListener('change', () => (applyPeriod(), load()));
byId('pin').addEventListener('change', () => load());
byId('filters').addEventListener('submit', (/** @type {Event} */ event) => (event.preventDefault(), say('', 'ok'), load()));
for (const id of ['from', 'to']) byId(id).addEventListener('change', () => setDownloads());

// Voiding: one dialog, filled from the punch's button.
let voiding = '';
byId('sheets').addEventListener('click', (/** @type {MouseEvent} */ event) => {
  const button = /** @type {HTMLElement} */ (event.target).closest('button.ts-void');
  if (!(button instanceof HTMLElement)) return;
  voiding = button.dataset.id ?? '';
  byId('void-what').textContent = `The punch at ${button.dataset.at} stays stored, marked void, and leaves the timesheet.`;
  byId('void-reason').value = '';
  byId('void-dialog').showModal();
});
byId('void-cancel').addEventListener('click', () => byId('void-dialog').close());
byId('void-form').addEventListener('submit', async (/** @type {Event} */ event) => {
  event.preventDefault();
  try {
    await call('POST', `/zkteco/api/attendance/${voiding}/void`, { reason: byId('void-reason').value.trim() });
    byId('void-dialog').close();
    say('Punch voided.', 'ok');
    await load();
  } catch (err) {
    say(err instanceof Error ? err.message : String(err), 'error');
  }
});

applyPeriod();
void load();
