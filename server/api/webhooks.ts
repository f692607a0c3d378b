// Admin routes for webhook subscriptions and the record of every delivery attempt.
import { Router } from 'express';
import { z } from 'zod';
import type { Authenticator } from '../auth/principal.ts';
import type { Webhook } from '../db/generated/client.ts';
import { AppError } from '../http/errors.ts';
import { WEBHOOK_EVENTS } from '../webhooks/events.ts';
import type { WebhookStore } from '../webhooks/store.ts';

const registerSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' })
      .max(2000),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, `must list at least one of ${WEBHOOK_EVENTS.join(', ')}`),
    secret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'must be a Standard Webhooks secret: whsec_ and at least 24 bytes in base64 (omit it to get one)')
      .optional(),
  })
  .strict();

const listSchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

function webhookJson(webhook: Webhook) {
  return { id: webhook.id, url: webhook.url, events: webhook.events, created_at: webhook.createdAt.toISOString(), created_by: webhook.createdBy };
}

export function webhookRoutes(deps: { auth: Authenticator; webhooks: WebhookStore }): Router {
  const router = Router();
  const admin = deps.auth.require('admin');
  router.post('/zkteco/api/webhooks', admin, async (req, res) => {
    const input = registerSchema.parse(req.body ?? {});
    const webhook = await deps.webhooks.register({ ...input, createdBy: res.locals.principal.subject });
    // The secret is shown here only: the subscriber keeps it to check signatures.
    res.status(201).json({ ...webhookJson(webhook), secret: webhook.secret });
  });
  router.get('/zkteco/api/webhooks', admin, async (_req, res) => {
    res.json({ items: (await deps.webhooks.list()).map(webhookJson) });
  });
  router.delete('/zkteco/api/webhooks/:id', admin, async (req, res) => {
    if (!(await deps.webhooks.remove(String(req.params.id)))) throw new AppError(404, 'not_found', `Unknown webhook ${req.params.id}`);
    res.status(204).end();
  });
  router.get('/zkteco/api/webhooks/:id/deliveries', admin, async (req, res) => {
    const id = String(req.params.id);
    const { limit } = listSchema.parse(req.query);
    if (!(await deps.webhooks.exists(id))) throw new AppError(404, 'not_found', `Unknown webhook ${id}`);
    const deliveries = await deps.webhooks.deliveries(id, limit);
    res.json({
      items: deliveries.map((d) => ({
        id: d.messageId,
        event: d.event,
        status: d.status,
        attempts: d.attempts,
        created_at: d.createdAt.toISOString(),
        next_attempt_at: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
        delivered_at: d.deliveredAt?.toISOString() ?? null,
        payload: d.payload,
        attempt_log: d.attemptsList.map((a) => ({
          at: a.attemptedAt.toISOString(),
          status_code: a.statusCode,
          error: a.error,
          duration_ms: a.durationMs,
        })),
      })),
    });
  });
  return router;
}
