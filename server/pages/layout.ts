// The pages' shared frame: each page is a file in web/ whose {{placeholders}} are filled per viewer
// (the CSRF meta tag, the navigation for their role, who is signed in and the sign-out form).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../project-root.ts';
import { csrfField, csrfMeta } from '../auth/csrf.ts';
import type { Principal } from '../auth/principal.ts';
import { SIGN_OUT_PATH } from '../auth/session-cookie.ts';

export const WEB_DIR = path.join(PROJECT_ROOT, 'web');

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

/** What differs between pages above their <main> (kept in web/<file>): title, heading, scripts. */
interface PageFrame {
  file: string;
  title: string;
  /** HTML: the live page's heading carries its dot, its subtitle the day and zone. */
  heading: string;
  subtitle: string;
  scripts: string[];
  /** Style sheets beside the shared live.css. */
  styles?: string[];
  /** HTML before the account link in the top bar (the live page's connection badge). */
  side?: string;
}

const module = (src: string) => `<script type="module" src="${src}"></script>`;

// A new page: its frame here, web/<file> (only its <main>), web/<page>.js calling the API through
// web/api.js (CSRF header included), and `router.get(PAGE_PATHS.x, page('x', role))` in routes.ts.
export const FRAMES: Record<PageName | 'forbidden', PageFrame> = {
  live: {
    file: 'live.html',
    title: 'live',
    heading: 'Attendance <span class="live-dot" aria-hidden="true"></span> live',
    subtitle: '<span id="day">…</span> · <span id="zone"></span>',
    scripts: ['<script src="/socket.io/socket.io.js" defer></script>', module('/employees/assets/live.js')],
    side: '<span id="connection" class="connection is-connecting" role="status">Connecting…</span>',
  },
  history: { file: 'history.html', title: 'history', heading: 'Attendance history', subtitle: 'Any day or range, every clock', scripts: [module('/employees/assets/history.js')] },
  timesheets: {
    file: 'timesheets.html',
    title: 'timesheets',
    heading: 'Timesheets',
    subtitle: 'Worked hours per employee and day, from every clock',
    scripts: [module('/employees/assets/timesheets.js')],
    styles: ['/employees/assets/timesheets.css'],
  },
  clocks: { file: 'clocks.html', title: 'clocks', heading: 'Clocks', subtitle: 'Approve, name, zone, commands, recovery', scripts: [module('/employees/assets/clocks.js')] },
  employees: { file: 'employees.html', title: 'employees', heading: 'Employees', subtitle: 'Kept in step with every approved clock', scripts: [module('/employees/assets/employees.js')] },
  staff: { file: 'staff.html', title: 'staff accounts', heading: 'Staff accounts', subtitle: 'Who can sign in to these pages', scripts: [module('/employees/assets/staff.js')] },
  account: { file: 'account.html', title: 'my password', heading: 'My password', subtitle: 'Change the password you sign in with', scripts: [] },
  forbidden: { file: 'forbidden.html', title: 'admins only', heading: 'Admins only', subtitle: '', scripts: [] },
};

function frame(f: PageFrame, principal: Principal, current: PageName, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
${csrfMeta(principal)}
<title>Attendance · ${f.title}</title>
<link rel="stylesheet" href="/employees/assets/live.css">
${(f.styles ?? []).map((href) => `<link rel="stylesheet" href="${href}">`).join('\n')}
${f.scripts.join('\n')}
</head>
<body data-role="${principal.role}">
<header class="topbar">
  <div class="topbar-title">
    <h1>${f.heading}</h1>
    <p class="subtitle">${f.subtitle}</p>
  </div>
  ${navHtml(principal, current)}
  <div class="topbar-side">
    ${f.side ?? ''}
    ${accountHtml(principal)}
  </div>
</header>
${main}</body>
</html>
`;
}

const files = new Map<string, Promise<string>>();

/** The page `name` for this viewer; `extra` fills {{placeholders}} of its file (HTML, escaped by the caller). */
export async function renderPage(name: PageName | 'forbidden', principal: Principal, extra: Record<string, string> = {}): Promise<string> {
  const f = FRAMES[name];
  let text = files.get(f.file);
  if (!text) {
    text = readFile(path.join(WEB_DIR, f.file), 'utf8');
    files.set(f.file, text);
    text.catch(() => files.delete(f.file));
  }
  const values: Record<string, string> = { csrf_field: csrfField(principal), role: principal.role, ...extra };
  const main = (await text).replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
  return frame(f, principal, name === 'forbidden' ? 'live' : name, main);
}
