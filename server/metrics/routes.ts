// GET /metrics for Prometheus (Bearer token), and the timer around device uploads.
import { Router, type RequestHandler } from 'express';
import type { Authenticator } from '../auth/principal.ts';
import type { Metrics } from './metrics.ts';

/** Tables a clock uploads; anything else is counted as `other` so a crafted query cannot add series. */
const TABLES = new Set(['ATTLOG', 'OPERLOG', 'RTLOG', 'ATTPHOTO', 'BIODATA', 'OPTIONS', 'USERINFO', 'FINGERTMP']);

export function timeUploads(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' || !req.path.startsWith('/iclock/')) return next();
    const table = String(new URLSearchParams(req.originalUrl.split('?')[1] ?? '').get('table') ?? '').toUpperCase();
    const end = metrics.ingestDuration.startTimer({ table: TABLES.has(table) ? table : 'other' });
    res.once('finish', () => end());
    next();
  };
}

export function metricsRoutes(deps: { auth: Authenticator; metrics: Metrics }): Router {
  const router = Router();
  router.get('/metrics', deps.auth.require('admin'), async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
