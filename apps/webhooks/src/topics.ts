import { allTopics, topicName } from '@platform/topics';
import { WebhooksError } from './errors';
import type { WebhooksTopics } from './streams/webhooks-topology';

const declared: Record<keyof WebhooksTopics, string> = {
  messages: 'application.communication.messages',
  metadata: 'application.communication.metadata',
  channels: 'application.communication.channels',
  tags: 'application.communication.tags',
  subscriptions: 'application.communication.webhooks',
  events: 'application.webhooks.events',
  outcomes: 'application.webhooks.outcomes',
  status: 'application.webhooks.status',
  deadLetters: 'application.webhooks.dead-letters',
};

/** The topics of the webhooks app under an optional namespace, as declared in topics/. */
export function webhooksTopics(namespace?: string): WebhooksTopics {
  const names = {} as Record<keyof WebhooksTopics, string>;
  for (const [field, name] of Object.entries(declared) as [keyof WebhooksTopics, string][]) {
    const declaration = allTopics.find((t) => t.name === name);
    if (!declaration) throw new WebhooksError(`topic ${name} is not declared in topics/`);
    names[field] = topicName(declaration, namespace);
  }
  return names;
}
