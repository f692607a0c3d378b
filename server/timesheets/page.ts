// GET /employees/attendance/timesheets: the timesheets page for signed-in staff (the data comes from
// the API, so its downloads are the API's own URLs). Without a session it sends the viewer to sign-in.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Router } from 'express';
import type { Authenticator, Principal } from '../auth/principal.ts';
import { clearSessionCookie, SIGN_OUT_PATH, signInUrl } from '../auth/session-routes.ts';
import { WEB_DIR } from '../live/routes.ts';

export const TIMESHEETS_PAGE_PATH = '/employees/attendance/timesheets';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function render(template: string, viewer: Principal): string {
  const values: Record<string, string> = {
    csrf: '',
    nav: '',
    role: viewer.role,
    account: `<span class="viewer">${escapeHtml(viewer.subject)} (${viewer.role})</span>
<form method="post" action="${SIGN_OUT_PATH}"><button type="submit" class="button-quiet">Sign out</button></form>`,
  };
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

export function timesheetPageRoutes(deps: { auth: Authenticator }): Router {
  const router = Router();
  let template: Promise<string> | undefined;
  router.get(TIMESHEETS_PAGE_PATH, async (req, res) => {
    let viewer: Principal | undefined;
    try {
      viewer = deps.auth.principalOf(req);
    } catch {
      clearSessionCookie(req, res);
    }
    if (!viewer) return res.redirect(303, signInUrl(req.originalUrl));
    template ??= readFile(path.join(WEB_DIR, 'timesheets.html'), 'utf8');
    res.type('html').set('Cache-Control', 'no-store').send(render(await template, viewer));
  });
  return router;
}
