// @ts-check
// The pages' one way to call the JSON API with the signed-in cookie session: JSON bodies, the page's
// CSRF token (<meta name="csrf-token">) as X-CSRF-Token, and back to sign-in when the session ended.

export class ApiError extends Error {
  /** @param {number} status @param {string} message @param {unknown} [body] */
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

/**
 * @param {string} method
 * @param {string} url
 * @param {unknown} [body] sent as JSON; a Blob (a file) is sent as it is, with `contentType`
 * @param {string} [contentType]
 * @returns {Promise<any>} the JSON answer (null for 204)
 */
export async function api(method, url, body, contentType) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken();
  /** @type {BodyInit | undefined} */
  let payload;
  if (body instanceof Blob) {
    payload = body;
    headers['Content-Type'] = contentType ?? 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(url, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  if (res.status === 401) {
    location.href = `/employees/login?next=${encodeURIComponent(location.pathname + location.search)}`;
    throw new ApiError(401, 'Your session has ended: sign in again');
  }
  if (res.status === 204) return null;
  const text = await res.text();
  /** @type {any} */
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the status says enough
  }
  if (!res.ok) throw new ApiError(res.status, json?.message ?? `The server answered ${res.status}`, json);
  return json;
}

/**
 * An element with attributes and children; `on*` attributes take listeners.
 * @param {string} tag
 * @param {Record<string, string | number | boolean | null | undefined | ((event: any) => void)>} [attrs]
 * @param {(Node | string | null | undefined | false)[]} children
 */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'className') node.className = String(value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** @param {string} id */
export const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * Shows a message in a `.message` element.
 * @param {string} id @param {string} text @param {'ok' | 'error'} kind
 */
export function say(id, text, kind) {
  const node = byId(id);
  node.textContent = text;
  node.className = `message is-${kind}`;
  node.hidden = !text;
}

/** A form's fields as strings. @param {HTMLFormElement} form @returns {Record<string, string>} */
export function fieldsOf(form) {
  /** @type {Record<string, string>} */
  const out = {};
  new FormData(form).forEach((value, key) => {
    if (typeof value === 'string') out[key] = key.includes('password') ? value : value.trim();
  });
  return out;
}

/** Every IANA zone the browser knows, for zone pickers. */
export function zoneOptions() {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];
  return zones.map((z) => h('option', { value: z }));
}
