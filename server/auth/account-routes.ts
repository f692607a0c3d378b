// A signed-in user changes their own password: GET shows the form, POST (form or JSON) changes it,
// ends their other sessions and keeps this one.
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError, zodDetails } from '../http/errors.ts';
import { escapeHtml, PAGE_PATHS, renderPage } from '../pages/layout.ts';
import { pageViewer, type PageDeps } from '../pages/routes.ts';
import type { Principal } from './principal.ts';
import { passwordSchema, type StaffAccounts } from './staff-accounts.ts';

const changeSchema = z.object({ current_password: z.string().min(1, 'is required'), new_password: passwordSchema, _csrf: z.string().optional() }).strict();

export function accountRoutes(deps: PageDeps & { staff: StaffAccounts }): Router {
  const router = Router();
  const bodies = [express.urlencoded({ extended: false, limit: '16kb' }), express.json({ limit: '16kb' })];

  const form = async (res: Response, principal: Principal, status: number, message?: { error?: string; notice?: string }) => {
    const error = message?.error ? `<p class="auth-error" role="alert">${escapeHtml(message.error)}</p>` : '';
    const notice = message?.notice ? `<p class="auth-notice" role="status">${escapeHtml(message.notice)}</p>` : '';
    res.status(status).type('html').set('Cache-Control', 'no-store').send(await renderPage('account', principal, { message: error + notice }));
  };

  router.get(PAGE_PATHS.account, async (req, res) => {
    const principal = await pageViewer(deps, req, res, 'staff');
    if (principal) await form(res, principal, 200, req.query.changed === '1' ? { notice: 'Your password is changed. Other sessions were signed out.' } : undefined);
  });

  router.post(PAGE_PATHS.account, ...bodies, deps.auth.require('staff'), async (req: Request, res: Response) => {
    const principal = res.locals.principal as Principal;
    const asJson = Boolean(req.is('application/json'));
    const fail = async (status: number, message: string) => {
      if (asJson) throw new AppError(status, 'invalid_request', message);
      await form(res, principal, status, { error: message });
    };
    if (principal.kind === 'token' || !(await deps.db.staffUser.findUnique({ where: { username: principal.subject } }))) {
      return fail(400, 'Only a staff account signed in with its password has a password to change here');
    }
    const parsed = changeSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const first = zodDetails(parsed.error)[0]!;
      return fail(400, `${first.path.replace('_', ' ')}: ${first.message}`);
    }
    try {
      await deps.staff.changeOwnPassword(principal.subject, parsed.data.current_password, parsed.data.new_password, principal.session?.id);
    } catch (err) {
      if (err instanceof AppError && err.status < 500) return fail(err.status, err.message);
      throw err;
    }
    if (asJson) res.json({ changed: true });
    else res.redirect(303, `${PAGE_PATHS.account}?changed=1`);
  });
  return router;
}
