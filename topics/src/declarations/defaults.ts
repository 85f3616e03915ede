import { TopicDeclaration } from '../declaration';

/** Shared settings, so declarations state only what differs. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `max.message.bytes` of every application and ops topic: 1 MiB, just under the broker default
 * (1,048,588), so the engine's changelogs (created with the broker default) accept every record the
 * declared topics do. The chat size budgets (libs/chat-domain/src/limits.ts) count against it.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * `max.message.bytes` of raw provider events: 2 MiB. They are written untouched before any mapping,
 * and provider webhooks batch several events (Meta sends many entries in one body); the routers map
 * each event into records bounded by the chat budgets.
 */
export const RAW_EVENTS_MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

/** Entity topics: compacted, small segments so compaction runs often, a day before a value may be compacted away. */
export const entityTopic: Pick<TopicDeclaration, 'entity' | 'cleanupPolicy' | 'minCompactionLagMs' | 'segmentBytes' | 'partitions' | 'maxMessageBytes'> = {
  entity: true,
  cleanupPolicy: 'compact',
  minCompactionLagMs: DAY_MS,
  segmentBytes: 10 * 1024 * 1024,
  partitions: 10,
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
};

/** Raw provider events: kept forever so routers can replay them when mappers change. */
export const rawEventsTopic: Pick<TopicDeclaration, 'entity' | 'cleanupPolicy' | 'retentionMs' | 'partitions' | 'key' | 'maxMessageBytes'> = {
  entity: false,
  cleanupPolicy: 'delete',
  retentionMs: -1,
  maxMessageBytes: RAW_EVENTS_MAX_MESSAGE_BYTES,
  partitions: 10,
  key: { format: 'string', meaning: 'random request id (or the provider account id when ordering matters)' },
};

/** The communication entities are joined by key in the streams apps: one partition count for all of them. */
export const COMMUNICATION_GROUP = 'communication';
