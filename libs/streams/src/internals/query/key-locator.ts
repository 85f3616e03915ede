import { partitionForKey } from '../partitioning/murmur2';
import type { AssignmentInfo } from '../assignment/protocol';
import type { TopicPlan } from '../runtime/topic-plan';
import type { TopologySpec } from '../topology/spec';
import { taskId as taskIdOf } from '../topology/names';
import { StoreError } from '../../errors';

export interface KeyLocation {
  readonly partition: number;
  readonly taskId: string;
  /** Resolved source topics of the store's subtopology (positions must name one of them). */
  readonly sourceTopics: readonly string[];
}

/**
 * Finds the task of a key: the store's subtopology, its task count (the partition count of its
 * source topics) and the producer's default partitioner (murmur2 of the serialized key), so the
 * answer matches where the key was produced. Throws `StoreError` for a store the topology lacks.
 */
export function locateKey(
  spec: TopologySpec,
  plan: Pick<TopicPlan, 'sourceTopics' | 'taskCounts' | 'partitionCount'>,
  store: string,
  key: unknown,
  serde?: { serialize(topic: string, key: never): Buffer },
): KeyLocation {
  const storeSpec = spec.stores.get(store);
  const sub = spec.subtopologies.find((s) => s.stores.includes(store));
  if (!storeSpec || !sub) throw new StoreError('unknown store', store);
  const sourceTopics = plan.sourceTopics.get(sub.id) ?? [];
  const count = plan.taskCounts.get(sub.id) ?? Math.max(0, ...sourceTopics.map(plan.partitionCount));
  if (count <= 0) throw new StoreError('store has no partitions', store);
  const topic = sourceTopics[0] ?? store;
  const bytes = serde ? serde.serialize(topic, key as never) : storeSpec.keySerde.serialize(topic, key);
  const partition = partitionForKey(bytes, count);
  return { partition, taskId: taskIdOf(sub.id, partition), sourceTopics };
}

/** The endpoint of the member the leader gave `taskId` to, if it advertised one. */
export function ownerOf(info: AssignmentInfo | undefined, taskId: string): string | undefined {
  return info?.members.find((m) => m.tasks.includes(taskId))?.endpoint;
}
