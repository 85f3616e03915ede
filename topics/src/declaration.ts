import type { SchemaName } from '@platform/schemas';

/** First segment of a topic name: what the data is. */
export type TopicKind = 'application' | 'source' | 'ops';
export const topicKinds: readonly TopicKind[] = ['application', 'source', 'ops'];

/** How values are encoded: an Avro record of @platform/schemas (Confluent framing), or raw text/JSON. */
export type TopicValue = { format: 'avro'; schema: SchemaName } | { format: 'string'; meaning: string } | { format: 'json'; meaning: string };

export type CleanupPolicy = 'compact' | 'delete' | 'compact,delete';

/**
 * One topic, declared once. Names follow `<kind>.<domain>.<dataset>`; the optional namespace prefix is
 * applied by {@link topicName} from config, never written here.
 */
export interface TopicDeclaration {
  name: string;
  description: string;
  /** Keys are UTF-8 strings; `meaning` says which id (message id, UUIDv5(subject, identifier, key)…). */
  key: { format: 'string'; meaning: string };
  value: TopicValue;
  /**
   * True when the latest record per key is the truth (channels, messages, tags…): such topics must be
   * compacted so they can be replayed into a store forever.
   */
  entity: boolean;
  partitions: number;
  /** Omitted: the broker's `default.replication.factor` (or the `replicationFactor` given to applyTopics). */
  replicationFactor?: number;
  cleanupPolicy: CleanupPolicy;
  minCompactionLagMs?: number;
  segmentBytes?: number;
  /**
   * Largest record batch the topic accepts (`max.message.bytes`), always declared: the size budgets of
   * the apps (chat-domain limits.ts) are derived from it, so it must not silently follow a broker default.
   */
  maxMessageBytes: number;
  /** -1 keeps records forever. */
  retentionMs?: number;
  /** App (apps/<owner>) that is the single writer of the topic's canonical records. */
  owner: string;
  /** Topics joined by key must share a partition count; every topic of a group must declare the same count. */
  coPartitionGroup?: string;
}
