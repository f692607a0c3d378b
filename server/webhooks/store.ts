// Webhook subscriptions and their outbox: an event becomes one delivery row per subscriber before any attempt.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Webhook, WebhookAttempt, WebhookDelivery } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import { deliveryBody, type OutgoingEvent, type WebhookEvent } from './events.ts';

/** A Standard Webhooks secret: `whsec_` and base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export class WebhookStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Subscribers exist: callers skip building events when nobody listens (the punch path stays cheap). */
  private activeCache: { at: number; events: Set<string> } | undefined;

  async register(input: { url: string; events: WebhookEvent[]; secret?: string | undefined; createdBy: string }): Promise<Webhook> {
    const webhook = await this.db.webhook.create({
      data: {
        id: `wh_${randomUUID().replaceAll('-', '')}`,
        url: input.url,
        events: [...new Set(input.events)],
        secret: input.secret ?? newWebhookSecret(),
        createdBy: input.createdBy,
        createdAt: this.clock.now(),
      },
    });
    this.activeCache = undefined;
    return webhook;
  }

  list(): Promise<Webhook[]> {
    return this.db.webhook.findMany({ where: { deletedAt: null }, orderBy: { createdAt: 'asc' } });
  }

  /** Removes a subscription; deliveries still pending for it are dropped. False when unknown. */
  async remove(id: string): Promise<boolean> {
    const { count } = await this.db.webhook.updateMany({ where: { id, deletedAt: null }, data: { deletedAt: this.clock.now() } });
    if (count > 0) {
      await this.db.webhookDelivery.updateMany({ where: { webhookId: id, status: 'pending' }, data: { status: 'failed' } });
      this.activeCache = undefined;
    }
    return count > 0;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.webhook.count({ where: { id, deletedAt: null } })) > 0;
  }

  deliveries(webhookId: string, limit: number): Promise<(WebhookDelivery & { attemptsList: WebhookAttempt[] })[]> {
    return this.db.webhookDelivery.findMany({
      where: { webhookId },
      orderBy: { id: 'desc' },
      take: limit,
      include: { attemptsList: { orderBy: { id: 'asc' } } },
    });
  }

  /** Whether any live subscription wants `type` (cached a few seconds; a new subscription clears it). */
  async wants(type: WebhookEvent): Promise<boolean> {
    const now = Date.now();
    if (!this.activeCache || now - this.activeCache.at > 5_000) {
      const rows = await this.db.webhook.findMany({ where: { deletedAt: null }, select: { events: true } });
      this.activeCache = { at: now, events: new Set(rows.flatMap((r) => r.events)) };
    }
    return this.activeCache.events.has(type);
  }

  /** Writes one delivery per subscriber of each event, in one statement; returns how many. */
  async enqueue(events: readonly OutgoingEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const types = [...new Set(events.map((e) => e.type))];
    const subscribers = await this.db.webhook.findMany({ where: { deletedAt: null, events: { hasSome: types } }, select: { id: true, events: true } });
    if (subscribers.length === 0) return 0;
    const now = this.clock.now();
    const rows = subscribers.flatMap((webhook) =>
      events
        .filter((event) => webhook.events.includes(event.type))
        .map((event) => ({
          webhookId: webhook.id,
          messageId: `msg_${randomUUID().replaceAll('-', '')}`,
          event: event.type,
          payload: deliveryBody(event, now) as object,
          nextAttemptAt: now,
          createdAt: now,
        })),
    );
    const { count } = await this.db.webhookDelivery.createMany({ data: rows });
    return count;
  }
}
