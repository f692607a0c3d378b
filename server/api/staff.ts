// Admin routes for staff accounts: GET/POST /zkteco/api/staff, PATCH/DELETE /zkteco/api/staff/:username.
import { Router } from 'express';
import type { Authenticator } from '../auth/principal.ts';
import { staffCreateSchema, staffJson, staffPatchSchema, type StaffAccounts } from '../auth/staff-accounts.ts';

export function staffRoutes(deps: { auth: Authenticator; staff: StaffAccounts }): Router {
  const router = Router();
  const admin = deps.auth.require('admin');

  router.get('/zkteco/api/staff', admin, async (_req, res) => {
    res.json({ items: (await deps.staff.list()).map(staffJson) });
  });
  router.post('/zkteco/api/staff', admin, async (req, res) => {
    res.status(201).json(staffJson(await deps.staff.create(staffCreateSchema.parse(req.body ?? {}))));
  });
  router.patch('/zkteco/api/staff/:username', admin, async (req, res) => {
    res.json(staffJson(await deps.staff.update(String(req.params.username), staffPatchSchema.parse(req.body ?? {}))));
  });
  router.delete('/zkteco/api/staff/:username', admin, async (req, res) => {
    await deps.staff.remove(String(req.params.username));
    res.status(204).end();
  });
  return router;
}
