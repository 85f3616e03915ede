import type { Webhook } from '@platform/schemas';
import type { WebhookEventType } from '../events/webhook-event';

/** What delivery needs of a subscription, from `application.communication.webhooks`. */
export type Subscription = Webhook;

/** Read side of the subscriptions (every replica holds all of them in memory). */
export interface SubscriptionDirectory {
  get(id: string): Subscription | undefined;
  all(): Iterable<Subscription>;
  /** The plain signature key, or undefined when the subscription has none. */
  signatureKey(subscription: Subscription): string | undefined;
  onChange(listener: (id: string, value: Subscription | null) => void): () => void;
}

/** Airy's rule (`shouldSendFor`): subscribed, not older than the subscription, type in the filter (empty = all). */
export function wants(subscription: Subscription, type: WebhookEventType, timestamp: number): boolean {
  if (subscription.status !== 'SUBSCRIBED' || timestamp < subscription.subscribedAt) return false;
  const events = subscription.events ?? [];
  return events.length === 0 || events.includes(type);
}
