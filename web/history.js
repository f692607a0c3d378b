// @ts-check
// Attendance history: the filters live in the address (shareable, back button works); rows as on the
// live page, void punches struck through with their reason, manual ones marked.
import { api, byId, h, say } from './api.js';
import { label } from './live-state.js';

/** @typedef {import('../server/history/history.ts').HistoryPage} HistoryPage */
/** @typedef {import('../server/history/history.ts').HistoryPunch} HistoryPunch */

const form = /** @type {HTMLFormElement} */ (byId('filters'));
const input = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (byId(id));

/** @param {HistoryPunch} p */
function row(p) {
  const who = h('td', {}, h('span', { className: 'punch-name' }, label(p)), p.name ? h('span', { className: 'punch-pin' }, `#${p.pin}`) : null);
  const marks = h('td', { className: 'marks' });
  if (p.void) marks.append(h('span', { className: 'badge badge-void', title: p.voidReason ?? '' }, 'void'), p.voidReason ? h('span', { className: 'muted' }, ` ${p.voidReason}`) : '');
  if (p.source === 'manual') marks.append(h('span', { className: 'badge badge-manual' }, 'manual'));
  return h(
    'tr',
    { className: p.void ? 'is-void' : '', 'data-id': p.id },
    h('td', { className: 'punch-time' }, p.localTime.slice(0, 10)),
    h('td', { className: 'punch-time' }, p.localTime.slice(11)),
    who,
    h('td', {}, h('span', { className: `badge badge-${p.punchType}` }, p.punchType === 'unknown' ? '?' : p.punchType)),
    h('td', { className: 'col-device' }, p.device),
    h('td', { className: 'col-verify' }, p.verifyLabel),
    marks,
  );
}

/** @param {HistoryPage} data */
function render(data) {
  input('from').value = data.from;
  input('to').value = data.to;
  const select = /** @type {HTMLSelectElement} */ (byId('device'));
  const chosen = new URLSearchParams(location.search).get('device_sn') ?? '';
  select.replaceChildren(h('option', { value: '' }, 'All clocks'), ...data.devices.map((d) => h('option', { value: d.sn }, d.name ? `${d.name} (${d.sn})` : d.sn)));
  select.value = chosen;
  byId('rows').replaceChildren(...data.items.map(row));
  byId('rows-empty').hidden = data.items.length > 0;
  const span = data.from === data.to ? data.from : `${data.from} to ${data.to}`;
  byId('summary').textContent = `${data.total} punch${data.total === 1 ? '' : 'es'} · ${span}`;
  byId('page-of').textContent = `page ${data.page} of ${data.pages}`;
  /** @type {HTMLButtonElement} */ (byId('newer')).disabled = data.page <= 1;
  /** @type {HTMLButtonElement} */ (byId('older')).disabled = data.page >= data.pages;
}

async function load() {
  say('history-message', '', 'ok');
  const params = new URLSearchParams(location.search);
  input('q').value = params.get('q') ?? '';
  try {
    render(await api('GET', `/employees/attendance/history/data?${params}`));
  } catch (err) {
    say('history-message', err instanceof Error ? err.message : String(err), 'error');
  }
}

/** @param {Record<string, string>} changes */
function go(changes) {
  const params = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(changes)) {
    if (value) params.set(key, value);
    else params.delete(key);
  }
  history.pushState(null, '', `?${params}`);
  void load();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const value = (/** @type {string} */ key) => String(data.get(key) ?? '').trim();
  go({ from: value('from'), to: value('to'), q: value('q'), device_sn: value('device_sn'), page: '' });
});
const pageNow = () => Number(new URLSearchParams(location.search).get('page') ?? '1');
byId('newer').addEventListener('click', () => go({ page: String(Math.max(1, pageNow() - 1)) }));
byId('older').addEventListener('click', () => go({ page: String(pageNow() + 1) }));
window.addEventListener('popstate', () => void load());
void load();
