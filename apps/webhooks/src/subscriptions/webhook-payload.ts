import { isoDate } from '@platform/chat-domain';
import type { Webhook } from '@platform/schemas';
import type { PartitionStatus } from '../delivery/lane';

/** Delivery status of a subscription over all partitions (what webhooks.info/list show). */
export interface DeliveryStatusPayload {
  last_success_at: string | null;
  last_failure_at: string | null;
  last_failure: string | null;
  failing_since: string | null;
  backlog: number;
  delivered: number;
  dead_lettered: number;
}

/** Airy's webhook payload (`status` Subscribed/Unsubscribed), plus `subscribed_at`, `signed` and `delivery`; never the key. */
export interface WebhookPayload {
  id: string;
  name: string | null;
  url: string;
  events: string[];
  headers: Record<string, string>;
  status: 'Subscribed' | 'Unsubscribed';
  subscribed_at: string;
  signed: boolean;
  delivery: DeliveryStatusPayload;
}

export function mergeStatuses(statuses: readonly PartitionStatus[]): DeliveryStatusPayload {
  let lastSuccess: number | null = null;
  let lastFailure: { at: number; reason: string | null } | null = null;
  let failingSince: number | null = null;
  let backlog = 0;
  let delivered = 0;
  let deadLettered = 0;
  for (const s of statuses) {
    if (s.lastSuccessAt !== null && (lastSuccess === null || s.lastSuccessAt > lastSuccess)) lastSuccess = s.lastSuccessAt;
    if (s.lastFailureAt !== null && (lastFailure === null || s.lastFailureAt > lastFailure.at)) lastFailure = { at: s.lastFailureAt, reason: s.lastFailure };
    if (s.failingSince !== null && (failingSince === null || s.failingSince < failingSince)) failingSince = s.failingSince;
    backlog += s.backlog;
    delivered += s.delivered;
    deadLettered += s.deadLettered;
  }
  return {
    last_success_at: lastSuccess === null ? null : isoDate(lastSuccess),
    last_failure_at: lastFailure === null ? null : isoDate(lastFailure.at),
    last_failure: lastFailure?.reason ?? null,
    failing_since: failingSince === null ? null : isoDate(failingSince),
    backlog,
    delivered,
    dead_lettered: deadLettered,
  };
}

export function webhookPayload(webhook: Webhook, statuses: readonly PartitionStatus[]): WebhookPayload {
  const headers = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(webhook.headers ?? {})) headers[name] = value;
  return {
    id: webhook.id,
    name: webhook.name ?? null,
    url: webhook.endpoint,
    events: [...(webhook.events ?? [])],
    headers,
    status: webhook.status === 'SUBSCRIBED' ? 'Subscribed' : 'Unsubscribed',
    subscribed_at: isoDate(webhook.subscribedAt),
    signed: webhook.signatureKey !== null && webhook.signatureKey !== undefined,
    delivery: mergeStatuses(statuses),
  };
}
