// @ts-check
// Employees: search, add, edit (name, card, shift), delete, CSV import with its per-line report. Every
// change is sent to the approved clocks by the receiver.
import { api, byId, fieldsOf, h, say } from './api.js';

/**
 * @typedef {{ start: string, end: string, grace_minutes?: number }} Shift
 * @typedef {{ pin: string, name: string, card: string, source?: string, shift?: Shift | null }} Employee
 */

/** @type {Employee[]} */
let employees = [];

/** @param {Shift | null | undefined} s */
const shiftText = (s) => (s ? `${s.start}–${s.end}${s.grace_minutes ? ` (±${s.grace_minutes} min)` : ''}` : '—');

/** @param {Employee} e */
function viewRow(e) {
  const tr = h(
    'tr',
    { 'data-pin': e.pin },
    h('td', {}, e.pin),
    h('td', {}, e.name || h('span', { className: 'muted' }, 'no name')),
    h('td', {}, e.card || ''),
    h('td', {}, shiftText(e.shift)),
    h('td', { className: 'actions' },
      h('button', { type: 'button', className: 'secondary small', onclick: () => tr.replaceWith(editRow(e)) }, 'Edit'),
      h('button', { type: 'button', className: 'danger small', onclick: () => remove(e) }, 'Delete'),
    ),
  );
  return tr;
}

/** @param {Employee} e */
function editRow(e) {
  const input = (/** @type {string} */ name, /** @type {string} */ value, /** @type {Record<string, string>} */ extra = {}) =>
    /** @type {HTMLInputElement} */ (h('input', { name, value, 'aria-label': name, ...extra }));
  const name = input('name', e.name, { maxlength: '100' });
  const card = input('card', e.card, { maxlength: '40' });
  const start = input('shift_start', e.shift?.start ?? '', { type: 'time', 'aria-label': 'shift start' });
  const end = input('shift_end', e.shift?.end ?? '', { type: 'time', 'aria-label': 'shift end' });
  const grace = input('grace', String(e.shift?.grace_minutes ?? ''), { type: 'number', min: '0', max: '240', placeholder: 'grace min', 'aria-label': 'grace minutes' });
  const save = async () => {
    /** @type {Record<string, unknown>} */
    const patch = {};
    if (name.value.trim() !== e.name) patch.name = name.value.trim();
    if (card.value.trim() !== e.card) patch.card = card.value.trim();
    const shift = start.value && end.value ? { start: start.value, end: end.value, grace_minutes: Number(grace.value || 0) } : null;
    if (JSON.stringify(shift) !== JSON.stringify(e.shift ? { start: e.shift.start, end: e.shift.end, grace_minutes: e.shift.grace_minutes ?? 0 } : null)) patch.shift = shift;
    try {
      if (Object.keys(patch).length > 0) await api('PATCH', `/zkteco/api/employees/${encodeURIComponent(e.pin)}`, patch);
      await load(`Saved ${e.pin}; the clocks get the change at their next poll.`);
    } catch (err) {
      say('list-message', err instanceof Error ? err.message : String(err), 'error');
    }
  };
  return h(
    'tr',
    { className: 'edit-row', 'data-pin': e.pin },
    h('td', {}, e.pin),
    h('td', {}, name),
    h('td', {}, card),
    h('td', {}, h('div', { className: 'form-row' }, start, end, grace)),
    h('td', { className: 'actions' },
      h('button', { type: 'button', className: 'small', onclick: save }, 'Save'),
      h('button', { type: 'button', className: 'secondary small', onclick: () => render() }, 'Cancel'),
    ),
  );
}

/** @param {Employee} e */
async function remove(e) {
  if (!confirm(`Delete ${e.name || e.pin} (PIN ${e.pin})? They are removed from every clock.`)) return;
  try {
    await api('DELETE', `/zkteco/api/employees/${encodeURIComponent(e.pin)}`);
    await load(`Deleted ${e.pin}.`);
  } catch (err) {
    say('list-message', err instanceof Error ? err.message : String(err), 'error');
  }
}

function render() {
  const q = /** @type {HTMLInputElement} */ (byId('search')).value.trim().toLowerCase();
  const shown = employees.filter((e) => !q || e.pin.toLowerCase().includes(q) || e.name.toLowerCase().includes(q) || e.card.toLowerCase().includes(q));
  byId('employees').replaceChildren(...shown.map(viewRow));
  byId('employees-empty').hidden = shown.length > 0;
  byId('employees-empty').textContent = employees.length === 0 ? 'No employee yet.' : 'Nobody matches the search.';
}

/** @param {string} [notice] */
async function load(notice) {
  try {
    employees = (await api('GET', '/zkteco/api/employees')).items;
    render();
    say('list-message', notice ?? '', 'ok');
  } catch (err) {
    say('list-message', err instanceof Error ? err.message : String(err), 'error');
  }
}

const addForm = /** @type {HTMLFormElement} */ (byId('add-form'));
addForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const v = fieldsOf(addForm);
  try {
    await api('POST', '/zkteco/api/employees', { pin: v.pin, name: v.name ?? '', card: v.card ?? '' });
    addForm.reset();
    say('add-message', `Added ${v.name || v.pin}; sent to every approved clock.`, 'ok');
    await load();
  } catch (err) {
    say('add-message', err instanceof Error ? err.message : String(err), 'error');
  }
});

const importForm = /** @type {HTMLFormElement} */ (byId('import-form'));
importForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = /** @type {HTMLInputElement} */ (byId('import-file')).files?.[0];
  if (!file) return;
  try {
    // The file's bytes as they are: the receiver detects the encoding and the separator.
    const report = await api('POST', '/zkteco/api/employees/import', file, 'text/csv');
    const errors = /** @type {{ line: number, reason: string }[]} */ (report.errors ?? []);
    const counts = `${report.created} created, ${report.updated} updated${report.unchanged !== undefined ? `, ${report.unchanged} unchanged` : ''}`;
    say('import-message', `${file.name}: ${counts}, ${errors.length} line(s) with problems.`, errors.length ? 'error' : 'ok');
    byId('import-errors').replaceChildren(...errors.map((e) => h('tr', {}, h('td', {}, String(e.line)), h('td', {}, e.reason))));
    byId('import-report').hidden = errors.length === 0;
    await load();
  } catch (err) {
    say('import-message', err instanceof Error ? err.message : String(err), 'error');
  }
});

byId('search').addEventListener('input', render);
void load();
