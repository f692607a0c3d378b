// @ts-check
// The live page's "Shop relays" panel: each shop's relay as it last reported (online, its backlog, how old
// the oldest waiting upload is, what the receiver set aside), read from GET /zkteco/api/relays.
import { byId, h } from './api.js';

const RELAYS_URL = '/zkteco/api/relays';

/** @typedef {{ name: string, online: boolean, last_report: string, queue_depth: number, oldest_pending_age_s: number | null, rejected_count: number, last_error: string | null }} RelayReport */

/** @param {number | null} seconds */
export function ageText(seconds) {
  if (seconds === null) return '';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/**
 * Reads the relays and shows them; the panel stays hidden while there are none (a shop without a relay).
 * @param {(iso: string | null) => string} seenText how the page says when something was last seen
 */
export async function renderRelays(seenText) {
  const res = await fetch(RELAYS_URL, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
  if (!res.ok) return;
  /** @type {{ items: RelayReport[] }} */
  const { items } = await res.json();
  byId('relays-panel').hidden = items.length === 0;
  byId('relays').replaceChildren(...items.map((r) => relayItem(r, seenText)));
}

/** @param {RelayReport} r @param {(iso: string | null) => string} seenText */
function relayItem(r, seenText) {
  const backlog = r.queue_depth === 0 ? 'nothing waiting' : `${r.queue_depth} waiting, oldest ${ageText(r.oldest_pending_age_s)}`;
  return h(
    'li',
    {},
    h('span', { className: `device-dot${r.online ? ' is-online' : ''}` }),
    h('span', { className: 'device-name' }, r.name),
    h('span', { className: `badge relay-backlog${r.queue_depth > 0 ? ' has-backlog' : ''}` }, backlog),
    h('span', { className: 'device-seen' }, `${r.online ? 'online' : 'offline'} · ${seenText(r.last_report).replace('seen', 'reported')}`),
    r.rejected_count > 0 && h('span', { className: 'device-drift' }, `${r.rejected_count} set aside (refused by the receiver)`),
    r.last_error && h('span', { className: 'device-drift relay-error' }, r.last_error),
  );
}
