import { ResolvedTopic } from '../describe';
import { CoPartitionMismatch } from '../report';

/** Groups whose live topics do not all have the same partition count. */
export function coPartitionMismatches(topics: readonly ResolvedTopic[], livePartitions: ReadonlyMap<string, number>): CoPartitionMismatch[] {
  const groups = new Map<string, Record<string, number>>();
  for (const topic of topics) {
    const count = livePartitions.get(topic.name);
    if (!topic.coPartitionGroup || count === undefined) continue;
    groups.set(topic.coPartitionGroup, { ...(groups.get(topic.coPartitionGroup) ?? {}), [topic.name]: count });
  }
  return [...groups.entries()]
    .filter(([, partitions]) => new Set(Object.values(partitions)).size > 1)
    .map(([group, partitions]) => ({ group, partitions }));
}
