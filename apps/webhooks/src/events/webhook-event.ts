import { createHash } from 'node:crypto';

/** The event types a subscription can filter on (Airy's names). */
export const webhookEventTypes = ['message.created', 'message.updated', 'conversation.updated', 'channel.updated', 'tag.updated', 'metadata.updated'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** A record of `application.webhooks.events`. */
export interface WebhookEvent {
  /** Stable id: the same source record and type always give the same id (see eventId). */
  readonly id: string;
  readonly type: WebhookEventType;
  /** What orders deliveries: the conversation id (messages, conversations, their metadata), channel id or tag id. */
  readonly orderingKey: string;
  /** Epoch ms of the event (the envelope's `timestamp`); events older than a subscription are not sent to it. */
  readonly timestamp: number;
  /** The exact JSON text POSTed: `{"id","type","payload","timestamp"}`. */
  readonly body: string;
}

/**
 * `evt_` + 32 base64url characters of SHA-256 over the source record's coordinates and the event
 * type. A source record is at one topic/partition/offset forever, so restarts, rebalances and
 * reprocessing derive the same id; two events of one record (message.updated and
 * conversation.updated) differ by type. No `.` (Standard Webhooks forbids it in ids).
 */
export function eventId(source: { readonly topic: string; readonly partition: number; readonly offset: string }, type: WebhookEventType): string {
  const digest = createHash('sha256').update(`${source.topic}\n${source.partition}\n${source.offset}\n${type}`).digest('base64url');
  return `evt_${digest.slice(0, 32)}`;
}

export function webhookEvent(id: string, type: WebhookEventType, orderingKey: string, timestamp: number, payload: unknown): WebhookEvent {
  return { id, type, orderingKey, timestamp, body: JSON.stringify({ id, type, payload, timestamp }) };
}
