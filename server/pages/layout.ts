// The pages' shared frame: each page is a file in web/ whose {{placeholders}} are filled per viewer
// (the CSRF meta tag, the navigation for their role, who is signed in and the sign-out form).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { csrfField, csrfMeta } from '../auth/csrf.ts';
import type { Principal } from '../auth/principal.ts';
import { SIGN_OUT_PATH } from '../auth/session-cookie.ts';

export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');

export const PAGE_PATHS = {
  live: '/employees/attendance/live',
  history: '/employees/attendance/history',
  timesheets: '/employees/attendance/timesheets',
  clocks: '/employees/admin/clocks',
  employees: '/employees/admin/employees',
  staff: '/employees/admin/staff',
  account: '/employees/account/password',
} as const;

export type PageName = keyof typeof PAGE_PATHS;

const NAV: { page: PageName; label: string; admin?: true }[] = [
  { page: 'live', label: 'Live' },
  { page: 'history', label: 'History' },
  { page: 'timesheets', label: 'Timesheets' },
  { page: 'clocks', label: 'Clocks', admin: true },
  { page: 'employees', label: 'Employees', admin: true },
  { page: 'staff', label: 'Staff', admin: true },
];

export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function navHtml(principal: Principal, current: PageName): string {
  const links = NAV.filter((item) => !item.admin || principal.role === 'admin').map((item) => {
    const here = item.page === current ? ' aria-current="page"' : '';
    return `<a href="${PAGE_PATHS[item.page]}"${here}>${item.label}</a>`;
  });
  return `<nav class="nav" aria-label="Pages">${links.join('')}</nav>`;
}

function accountHtml(principal: Principal): string {
  const who = `${escapeHtml(principal.subject)} (${principal.role})`;
  return `<a id="viewer" class="viewer" href="${PAGE_PATHS.account}" title="Change my password">${who}</a>
<form method="post" action="${SIGN_OUT_PATH}">${csrfField(principal)}<button type="submit" class="button-quiet">Sign out</button></form>`;
}

const files = new Map<string, Promise<string>>();

/** web/<file> with its placeholders filled; `extra` values are HTML, escaped by the caller. */
export async function renderPage(file: string, principal: Principal, current: PageName, extra: Record<string, string> = {}): Promise<string> {
  let text = files.get(file);
  if (!text) {
    text = readFile(path.join(WEB_DIR, file), 'utf8');
    files.set(file, text);
    text.catch(() => files.delete(file));
  }
  const values: Record<string, string> = {
    csrf: csrfMeta(principal),
    csrf_field: csrfField(principal),
    nav: navHtml(principal, current),
    account: accountHtml(principal),
    role: principal.role,
    ...extra,
  };
  return (await text).replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}
