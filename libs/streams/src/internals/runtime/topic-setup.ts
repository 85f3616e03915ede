import type { Admin } from 'kafkajs';
import type { Logger } from '@platform/common';
import { checkCopartitioning } from '../assignment/copartition';
import type { ApplicationIdentity } from '../topology/names';
import type { TopologySpec } from '../topology/spec';
import { createTopicsAndWait } from './topic-creation';
import { InternalTopicMismatchError, MissingSourceTopicError } from './errors';
import { externalSourceTopics, planTopics, type TopicPlan } from './topic-plan';
import { BROKER_DEFAULT_MAX_MESSAGE_BYTES } from './topic-limits';

/** Repartition topics keep data until the app consumed it; changelogs are compacted; both get an
 * explicit `max.message.bytes`. */
function configs(kind: 'changelog' | 'repartition', maxMessageBytes: number) {
  const limit = { name: 'max.message.bytes', value: String(maxMessageBytes) };
  if (kind === 'changelog') return [{ name: 'cleanup.policy', value: 'compact' }, limit];
  return [{ name: 'cleanup.policy', value: 'delete' }, { name: 'retention.ms', value: '-1' }, limit];
}

/**
 * Runs before the application joins its group, so it fails fast: reads the partition counts of
 * the source topics, refuses co-partitioned topics that disagree (naming them and their counts),
 * creates missing internal topics and refuses existing ones of the wrong size.
 */
export async function prepareTopics(
  admin: Admin,
  spec: TopologySpec,
  app: ApplicationIdentity,
  logger: Logger,
  maxMessageBytes = BROKER_DEFAULT_MAX_MESSAGE_BYTES,
): Promise<TopicPlan> {
  const existing = new Set(await admin.listTopics());
  const externals = externalSourceTopics(spec);
  const missing = externals.filter((t) => !existing.has(t));
  if (missing.length > 0) throw new MissingSourceTopicError(missing);
  const sinks = [...spec.nodes.values()].flatMap((n) => (n.kind === 'sink' && n.topic.kind === 'external' ? [n.topic.name] : []));
  const counts = await partitionCounts(admin, [...new Set([...externals, ...sinks])].filter((t) => existing.has(t)));
  checkCopartitioning(
    spec.copartitionGroups.map((g) => g.filter((r) => r.kind === 'external').map((r) => r.name)),
    (t) => counts.get(t),
  );
  const plan = planTopics(spec, app, (t) => counts.get(t));
  const present = await partitionCounts(
    admin,
    plan.internalTopics.map((t) => t.name).filter((t) => existing.has(t)),
  );
  for (const topic of plan.internalTopics) {
    const actual = present.get(topic.name);
    if (actual !== undefined && actual !== topic.partitions) {
      throw new InternalTopicMismatchError(topic.name, topic.partitions, actual);
    }
  }
  const toCreate = plan.internalTopics.filter((t) => !present.has(t.name));
  if (toCreate.length > 0) {
    await createTopicsAndWait(
      admin,
      toCreate.map((t) => ({ topic: t.name, numPartitions: t.partitions, configEntries: configs(t.kind, maxMessageBytes) })),
    );
    logger.info('internal topics created', { topics: toCreate.map((t) => `${t.name}(${t.partitions})`) });
  }
  checkCopartitioning(plan.copartitionGroups, (t) =>
    counts.get(t) ?? plan.internalTopics.find((i) => i.name === t)?.partitions,
  );
  return plan;
}

async function partitionCounts(admin: Admin, topics: readonly string[]): Promise<Map<string, number>> {
  if (topics.length === 0) return new Map();
  const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
  return new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
}
