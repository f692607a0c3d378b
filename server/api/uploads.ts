// Admin route for the journal: re-apply journaled punch uploads through the current parser (journal replay).
import { Router } from 'express';
import type { Authenticator } from '../auth/principal.ts';
import type { Db } from '../db/open.ts';
import type { UploadApplier } from '../ingest/apply.ts';
import { reparseRangeSchema, reparseUploads } from '../ingest/reparse.ts';

export interface UploadRouteDeps {
  db: Db;
  auth: Authenticator;
  applier: UploadApplier;
}

export function uploadRoutes(deps: UploadRouteDeps): Router {
  const router = Router();
  router.post('/zkteco/api/uploads/reparse', deps.auth.require('admin'), async (req, res) => {
    const range = reparseRangeSchema.parse(req.body ?? {});
    res.json(await reparseUploads(deps, range));
  });
  return router;
}
