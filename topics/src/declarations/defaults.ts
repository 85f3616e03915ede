import { TopicDeclaration } from '../declaration';

/** Shared settings, so declarations state only what differs. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Entity topics: compacted, small segments so compaction runs often, a day before a value may be compacted away. */
export const entityTopic: Pick<TopicDeclaration, 'entity' | 'cleanupPolicy' | 'minCompactionLagMs' | 'segmentBytes' | 'partitions'> = {
  entity: true,
  cleanupPolicy: 'compact',
  minCompactionLagMs: DAY_MS,
  segmentBytes: 10 * 1024 * 1024,
  partitions: 10,
};

/** Raw provider events: kept forever so routers can replay them when mappers change. */
export const rawEventsTopic: Pick<TopicDeclaration, 'entity' | 'cleanupPolicy' | 'retentionMs' | 'partitions' | 'key'> = {
  entity: false,
  cleanupPolicy: 'delete',
  retentionMs: -1,
  partitions: 10,
  key: { format: 'string', meaning: 'random request id (or the provider account id when ordering matters)' },
};

/** The communication entities are joined by key in the streams apps: one partition count for all of them. */
export const COMMUNICATION_GROUP = 'communication';
