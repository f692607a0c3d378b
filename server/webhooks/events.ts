// The events a webhook can subscribe to (CONTRACT.md, "Reconciliation, relays, webhooks, metrics").
export const WEBHOOK_EVENTS = [
  'punch.created',
  'device.online',
  'device.offline',
  'device.pending',
  'device.zone_mismatch',
  'relay.offline',
  'relay.backlog',
  'reconciliation.gap',
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** One event to deliver: `data` is the JSON the subscriber receives under `data`. */
export interface OutgoingEvent {
  type: WebhookEvent;
  data: Record<string, unknown>;
}

/** The body of a delivery, in the shape Standard Webhooks recommends. */
export function deliveryBody(event: OutgoingEvent, at: Date): { type: WebhookEvent; timestamp: string; data: Record<string, unknown> } {
  return { type: event.type, timestamp: at.toISOString(), data: event.data };
}
