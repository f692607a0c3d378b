// @ts-check
// Staff accounts: create, change role, set a new password, delete. The last admin cannot be removed or
// demoted; an account changed here is signed out everywhere at once.
import { api, byId, fieldsOf, h, say } from './api.js';

/** @typedef {{ username: string, role: 'staff' | 'admin', created_at: string }} Account */

/** @param {string} username @param {Record<string, unknown>} patch @param {string} done */
async function change(username, patch, done) {
  try {
    await api('PATCH', `/zkteco/api/staff/${encodeURIComponent(username)}`, patch);
    await load(done);
  } catch (err) {
    say('accounts-message', err instanceof Error ? err.message : String(err), 'error');
  }
}

/** @param {Account} a */
function row(a) {
  const other = a.role === 'admin' ? 'staff' : 'admin';
  return h(
    'tr',
    { 'data-username': a.username },
    h('td', {}, h('strong', {}, a.username)),
    h('td', {}, h('span', { className: `badge ${a.role === 'admin' ? 'state-approved' : 'badge-unknown'}` }, a.role)),
    h('td', { className: 'muted' }, new Date(a.created_at).toLocaleDateString()),
    h('td', { className: 'actions' },
      h('button', { type: 'button', className: 'secondary small', onclick: () => change(a.username, { role: other }, `${a.username} is now ${other}.`) }, `Make ${other}`),
      h('button', {
        type: 'button',
        className: 'secondary small',
        onclick: () => {
          const password = prompt(`New password for ${a.username} (10 characters or more):`);
          if (password) void change(a.username, { password }, `New password set for ${a.username}; their sessions ended.`);
        },
      }, 'New password'),
      h('button', {
        type: 'button',
        className: 'danger small',
        onclick: async () => {
          if (!confirm(`Delete the account ${a.username}? They are signed out at once.`)) return;
          try {
            await api('DELETE', `/zkteco/api/staff/${encodeURIComponent(a.username)}`);
            await load(`Deleted ${a.username}.`);
          } catch (err) {
            say('accounts-message', err instanceof Error ? err.message : String(err), 'error');
          }
        },
      }, 'Delete'),
    ),
  );
}

/** @param {string} [notice] */
async function load(notice) {
  try {
    const { items } = /** @type {{ items: Account[] }} */ (await api('GET', '/zkteco/api/staff'));
    byId('accounts').replaceChildren(...items.map(row));
    say('accounts-message', notice ?? '', 'ok');
  } catch (err) {
    say('accounts-message', err instanceof Error ? err.message : String(err), 'error');
  }
}

const form = /** @type {HTMLFormElement} */ (byId('new-form'));
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const v = fieldsOf(form);
  try {
    await api('POST', '/zkteco/api/staff', { username: v.username, password: v.password, role: v.role });
    form.reset();
    say('new-message', `Created ${v.username} (${v.role}). They sign in at /employees/login.`, 'ok');
    await load();
  } catch (err) {
    say('new-message', err instanceof Error ? err.message : String(err), 'error');
  }
});

void load();
