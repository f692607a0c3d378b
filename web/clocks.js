// @ts-check
// Clocks: every clock with its state and warnings, pending ones first (approve asks for a name and a
// zone); per clock: name and zone, a command with its outcome, recovering a range, reconciling a day.
import { api, byId, fieldsOf, h, say, zoneOptions } from './api.js';

/**
 * @typedef {{ sn: string, name: string | null, timezone: string, state: string, online: boolean, last_seen: string | null,
 *   firmware: string | null, ip_address?: string | null, drift_seconds: number | null, zone_mismatch?: unknown, pseudo?: boolean,
 *   counts?: { punches: number, held: number } }} Clock
 */

const STATE_ORDER = /** @type {Record<string, number>} */ ({ pending: 0, approved: 1, rejected: 2 });
const COMMANDS = ['INFO', 'CHECK', 'SET_TIME', 'REBOOT'];

/** @param {string | null} iso */
const when = (iso) => (iso ? new Date(iso).toLocaleString() : 'never');

/** @param {unknown} mismatch */
function mismatchText(mismatch) {
  if (!mismatch || typeof mismatch !== 'object') return 'its time does not match its zone';
  return Object.entries(mismatch).map(([k, v]) => `${k.replace(/_/g, ' ')} ${String(v)}`).join(', ');
}

/** @param {Clock} c */
function warnings(c) {
  const out = [];
  if (c.drift_seconds !== null && Math.abs(c.drift_seconds) > 60) {
    out.push(h('span', { className: 'warn' }, `Clock is ${Math.round(Math.abs(c.drift_seconds) / 60)} min ${c.drift_seconds > 0 ? 'fast' : 'slow'} (${c.drift_seconds} s)`));
  }
  if (c.zone_mismatch) out.push(h('span', { className: 'warn' }, `Zone mismatch: ${mismatchText(c.zone_mismatch)}`));
  return out;
}

/**
 * Polls a command until the clock answered (or gave up) and shows it in `out`.
 * @param {string} sn @param {number} id @param {HTMLElement} out
 */
async function follow(sn, id, out) {
  for (let i = 0; i < 150; i++) {
    const cmd = await api('GET', `/zkteco/api/devices/${encodeURIComponent(sn)}/commands/${id}`);
    const extra = cmd.recovered !== undefined ? `, ${cmd.recovered} punch(es) recovered` : '';
    const code = cmd.return_code !== null && cmd.return_code !== undefined ? `, return code ${cmd.return_code}` : '';
    out.textContent = `Command ${id} (${cmd.command}): ${cmd.status}${code}${extra}${cmd.result ? `\n${String(cmd.result).slice(0, 400)}` : ''}`;
    if (cmd.status === 'done' || cmd.status === 'failed') return;
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

/**
 * A small form whose submit calls `act`; errors and outcomes show under it.
 * @param {string} title @param {Node[]} fields @param {string} button
 * @param {(values: Record<string, string>, out: HTMLElement) => Promise<void>} act
 */
function tool(title, fields, button, act) {
  const out = h('p', { className: 'outcome', role: 'status' });
  const form = /** @type {HTMLFormElement} */ (h('form', {}, h('strong', {}, title), ...fields, h('button', { type: 'submit', className: 'small' }, button), out));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    out.textContent = 'Working…';
    try {
      await act(fieldsOf(form), out);
    } catch (err) {
      out.textContent = err instanceof Error ? err.message : String(err);
    }
  });
  return form;
}

/** @param {Clock} c */
function card(c) {
  const path = `/zkteco/api/devices/${encodeURIComponent(c.sn)}`;
  const facts = h(
    'dl',
    { className: 'clock-facts' },
    h('div', {}, h('dt', {}, 'Zone'), h('dd', {}, c.timezone)),
    h('div', {}, h('dt', {}, 'Last seen'), h('dd', {}, when(c.last_seen))),
    h('div', {}, h('dt', {}, 'Firmware'), h('dd', {}, c.firmware ?? '—')),
    h('div', {}, h('dt', {}, 'Punches'), h('dd', {}, String(c.counts?.punches ?? 0))),
    c.counts?.held ? h('div', {}, h('dt', {}, 'Held uploads'), h('dd', {}, String(c.counts.held))) : null,
  );
  const head = h(
    'div',
    { className: 'clock-head' },
    h('span', { className: `device-dot${c.online ? ' is-online' : ''}` }),
    h('strong', { className: 'device-name' }, c.name ? `${c.name} (${c.sn})` : c.sn),
    h('span', { className: `badge device-state state-${c.state}` }, c.state === 'pending' ? 'pending approval' : c.state),
    h('span', { className: 'muted' }, c.online ? 'online' : 'offline'),
  );
  const box = h('article', { className: `clock-card${c.state === 'pending' ? ' is-pending' : ''}`, 'data-sn': c.sn }, head, facts, ...warnings(c));
  if (c.state === 'pending') {
    box.append(
      h('div', { className: 'form-row' },
        h('button', { type: 'button', className: 'approve', onclick: () => openApprove(c) }, 'Approve…'),
        h('button', { type: 'button', className: 'danger reject', onclick: () => decide(c, 'reject') }, 'Reject'),
      ),
    );
    return box;
  }
  if (c.state === 'rejected') {
    box.append(h('div', { className: 'form-row' }, h('button', { type: 'button', className: 'secondary small', onclick: () => openApprove(c) }, 'Approve after all…')));
    return box;
  }
  const today = new Date().toLocaleDateString('en-CA');
  box.append(
    h('div', { className: 'clock-tools' },
      tool('Name and zone', [
        h('input', { name: 'name', value: c.name ?? '', placeholder: 'Name', 'aria-label': 'Name', maxlength: 100 }),
        h('input', { name: 'timezone', value: c.timezone, list: 'zones', 'aria-label': 'Time zone' }),
      ], 'Save', async (v) => {
        await api('PATCH', path, { name: v.name || null, timezone: v.timezone });
        await load(`Saved ${c.sn}.`);
      }),
      tool('Send a command', [
        h('select', { name: 'preset', 'aria-label': 'Command' }, ...COMMANDS.map((cmd) => h('option', { value: cmd }, cmd)), h('option', { value: '' }, 'other (type below)')),
        h('input', { name: 'raw', placeholder: 'raw iClock command line', 'aria-label': 'Raw command' }),
      ], 'Send', async (v, out) => {
        const command = v.raw || v.preset;
        if (!command) throw new Error('Choose or type a command');
        const sent = await api('POST', `${path}/commands`, { command });
        out.textContent = `Command ${sent.id}: ${sent.status}; the clock picks it up at its next poll.`;
        await follow(c.sn, sent.id, out);
      }),
      tool('Recover punches (clock-local time)', [
        h('input', { name: 'from', type: 'date', value: today, 'aria-label': 'From', required: true }),
        h('input', { name: 'to', type: 'date', value: today, 'aria-label': 'To', required: true }),
      ], 'Recover', async (v, out) => {
        const sent = await api('POST', `${path}/recover`, { from: v.from, to: v.to });
        await follow(c.sn, sent.command_id, out);
      }),
      tool('Reconcile a day (count check)', [h('input', { name: 'date', type: 'date', value: today, 'aria-label': 'Day', required: true })], 'Reconcile', async (v, out) => {
        const sent = await api('POST', `${path}/reconcile`, { date: v.date });
        await follow(c.sn, sent.command_id, out);
      }),
    ),
  );
  return box;
}

/** @type {Clock | null} */
let approving = null;
const dialog = /** @type {HTMLDialogElement} */ (byId('approve-dialog'));

/** @param {Clock} c */
function openApprove(c) {
  approving = c;
  byId('approve-sn').textContent = c.sn;
  /** @type {HTMLInputElement} */ (byId('approve-name')).value = c.name ?? '';
  /** @type {HTMLInputElement} */ (byId('approve-zone')).value = c.timezone;
  dialog.showModal();
}

/** @param {Clock} c @param {'approve' | 'reject'} what @param {{ name?: string, timezone?: string }} [body] */
async function decide(c, what, body) {
  try {
    const path = `/zkteco/api/devices/${encodeURIComponent(c.sn)}`;
    const done = await api('POST', `${path}/${what}`, body);
    // A receiver that takes no name/zone at approval gets them right after.
    if (body && (done.name !== (body.name || null) || done.timezone !== body.timezone)) {
      await api('PATCH', path, { name: body.name || null, timezone: body.timezone });
    }
    const held = what === 'approve' && done.held_uploads_applied ? ` ${done.held_uploads_applied} held upload(s) taken in.` : '';
    await load(`${c.sn} ${what === 'approve' ? 'approved' : 'rejected'}.${held}`);
  } catch (err) {
    say('clocks-message', err instanceof Error ? err.message : String(err), 'error');
  }
}

byId('approve-cancel').addEventListener('click', () => dialog.close());
byId('approve-form').addEventListener('submit', (event) => {
  event.preventDefault();
  dialog.close();
  const values = fieldsOf(/** @type {HTMLFormElement} */ (byId('approve-form')));
  if (approving) void decide(approving, 'approve', { name: values.name ?? '', timezone: values.timezone ?? '' });
});

/** @param {string} [notice] */
async function load(notice) {
  try {
    const all = /** @type {{ items: Clock[] }} */ (await api('GET', '/zkteco/api/devices')).items;
    // API punches without a clock are filed under a pseudo-clock: nothing to approve, name or command.
    const items = all.filter((c) => !c.pseudo);
    items.sort((a, b) => (STATE_ORDER[a.state] ?? 3) - (STATE_ORDER[b.state] ?? 3) || a.sn.localeCompare(b.sn));
    byId('clocks').replaceChildren(...items.map(card));
    byId('clocks-empty').hidden = items.length > 0;
    say('clocks-message', notice ?? '', 'ok');
  } catch (err) {
    say('clocks-message', err instanceof Error ? err.message : String(err), 'error');
  }
}

byId('zones').replaceChildren(...zoneOptions());
byId('refresh').addEventListener('click', () => void load());
void load();
