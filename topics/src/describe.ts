import { TopicDeclaration, TopicValue } from './declaration';
import { topicName } from './topic-name';
import { assertValidDeclarations, assertValidNamespace } from './validate';

/** A declaration resolved for one deployment: final name, partitions, replication and Kafka configs. */
export interface ResolvedTopic {
  name: string;
  declaredName: string;
  partitions: number;
  /** -1 means the broker's `default.replication.factor`. */
  replicationFactor: number;
  /** Topic-level Kafka configs this platform sets; anything else is left at the broker default. */
  configs: Record<string, string>;
  owner: string;
  coPartitionGroup?: string;
  value: TopicValue;
}

export interface DescribeOptions {
  /** Overrides every declaration's replication factor (e.g. 1 on a single-broker dev cluster). */
  replicationFactor?: number;
}

/** Kafka topic configs for a declaration, keys in a stable order. */
export function topicConfigs(decl: TopicDeclaration): Record<string, string> {
  const configs: Record<string, string> = { 'cleanup.policy': decl.cleanupPolicy };
  if (decl.minCompactionLagMs !== undefined) configs['min.compaction.lag.ms'] = String(decl.minCompactionLagMs);
  if (decl.retentionMs !== undefined) configs['retention.ms'] = String(decl.retentionMs);
  if (decl.segmentBytes !== undefined) configs['segment.bytes'] = String(decl.segmentBytes);
  configs['max.message.bytes'] = String(decl.maxMessageBytes);
  return configs;
}

/**
 * Pure: the resolved topic list a generator (Helm topics job, docs table) renders and `applyTopics` applies.
 * Throws InvalidDeclarationError when the declarations or the namespace break a rule.
 */
export function describeTopics(declarations: readonly TopicDeclaration[], namespace?: string, options: DescribeOptions = {}): ResolvedTopic[] {
  assertValidDeclarations(declarations);
  assertValidNamespace(namespace);
  return declarations.map((decl) => ({
    name: topicName(decl, namespace),
    declaredName: decl.name,
    partitions: decl.partitions,
    replicationFactor: options.replicationFactor ?? decl.replicationFactor ?? -1,
    configs: topicConfigs(decl),
    owner: decl.owner,
    ...(decl.coPartitionGroup ? { coPartitionGroup: decl.coPartitionGroup } : {}),
    value: decl.value,
  }));
}
