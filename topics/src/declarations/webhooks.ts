import { TopicDeclaration } from '../declaration';
import { DAY_MS, DEFAULT_MAX_MESSAGE_BYTES } from './defaults';

/**
 * Outbound event delivery (apps/webhooks). Subscriptions themselves live in
 * `application.communication.webhooks` (compacted, Avro `Webhook`, signature key encrypted).
 * The events, outcomes and dead-letter topics share one partition count: the delivery task of a
 * partition reads the events and the outcomes of its own lanes from the same partition number.
 */
const WEBHOOKS_GROUP = 'webhooks';
const WEBHOOKS_PARTITIONS = 10;

export const webhooksTopics: readonly TopicDeclaration[] = [
  {
    name: 'application.webhooks.events',
    description: 'Events derived from the chat topics ({id, type, payload, timestamp}), keyed by what orders them (conversation, channel or tag id).',
    key: { format: 'string', meaning: 'ordering key: conversation id, channel id or tag id' },
    value: { format: 'json', meaning: '{ id, type, orderingKey, timestamp, body } — body is the exact JSON text POSTed' },
    entity: false,
    partitions: WEBHOOKS_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    owner: 'webhooks',
    coPartitionGroup: WEBHOOKS_GROUP,
  },
  {
    name: 'application.webhooks.outcomes',
    description: 'Result of each delivery attempt (acknowledged or failed), recorded before the lane moves on.',
    key: { format: 'string', meaning: 'lane: subscription id + ordering key' },
    value: { format: 'json', meaning: '{ lane, seq, eventId, ok, status?, reason?, at }' },
    entity: false,
    partitions: WEBHOOKS_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    owner: 'webhooks',
    coPartitionGroup: WEBHOOKS_GROUP,
  },
  {
    name: 'application.webhooks.status',
    description: 'Delivery status per subscription and events partition (last success, last failure, failing since, backlog).',
    key: { format: 'string', meaning: 'subscription id + "/" + events partition' },
    value: { format: 'json', meaning: '{ subscriptionId, partition, lastSuccessAt, lastFailureAt, lastFailure, failingSince, backlog, deadLettered }' },
    entity: true,
    partitions: 1,
    cleanupPolicy: 'compact',
    minCompactionLagMs: 60 * 60 * 1000,
    segmentBytes: 10 * 1024 * 1024,
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    owner: 'webhooks',
  },
  {
    name: 'application.webhooks.dead-letters',
    description: 'Events a subscription never acknowledged within the maximum attempts, with the last reason.',
    key: { format: 'string', meaning: 'subscription id' },
    value: { format: 'json', meaning: '{ subscriptionId, eventId, type, attempts, reason, at, body }' },
    entity: false,
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    owner: 'webhooks',
  },
];
