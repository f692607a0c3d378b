// The staff pages: `/` goes to the live page; each page needs a session (else the sign-in form), the
// admin pages an admin (else a 403 page); a host ERP's ?token= link is swapped for a session first.
import { Router, type Request, type Response } from 'express';
import { handOff } from '../auth/handoff.ts';
import type { Authenticator, Principal, Role } from '../auth/principal.ts';
import { clearSessionCookie, signInUrl } from '../auth/session-cookie.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/open.ts';
import { AppError } from '../http/errors.ts';
import { escapeHtml, PAGE_PATHS, renderPage, type PageName } from './layout.ts';

export interface PageDeps {
  db: Db;
  auth: Authenticator;
  clock: Clock;
}

/** The viewer of a page request, or undefined after answering it (redirect to sign-in, or 403). */
export async function pageViewer(deps: PageDeps, req: Request, res: Response, role: Role): Promise<Principal | undefined> {
  if (await handOff(deps, req, res)) return undefined;
  let principal: Principal | undefined;
  try {
    principal = await deps.auth.principalOf(req);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    // An ended, expired or foreign session cookie: drop it and ask for a fresh sign-in.
    clearSessionCookie(req, res);
  }
  if (!principal) {
    res.redirect(303, signInUrl(req.originalUrl));
    return undefined;
  }
  if (role === 'admin' && principal.role !== 'admin') {
    const html = await renderPage('forbidden', principal, { path: escapeHtml(req.path) });
    res.status(403).type('html').set('Cache-Control', 'no-store').send(html);
    return undefined;
  }
  return principal;
}

export function pageRoutes(deps: PageDeps): Router {
  const router = Router();
  const page = (name: PageName, role: Role) => async (req: Request, res: Response) => {
    const principal = await pageViewer(deps, req, res, role);
    if (!principal) return;
    res.type('html').set('Cache-Control', 'no-store').send(await renderPage(name, principal));
  };

  router.get('/', (_req, res) => res.redirect(303, PAGE_PATHS.live));
  router.get(PAGE_PATHS.live, page('live', 'staff'));
  router.get(PAGE_PATHS.history, page('history', 'staff'));
  router.get(PAGE_PATHS.timesheets, page('timesheets', 'staff'));
  router.get(PAGE_PATHS.clocks, page('clocks', 'admin'));
  router.get(PAGE_PATHS.employees, page('employees', 'admin'));
  router.get(PAGE_PATHS.staff, page('staff', 'admin'));
  return router;
}
