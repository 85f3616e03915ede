import type { Admin } from 'kafkajs';
import { tpKey, type TopicPartitionKey } from '../../topic-partition';
import type { InputControl } from '../input-control';

/**
 * Seeks input partitions back to the consumer group's committed offsets (under exactly-once the
 * group offsets commit inside the task transactions, so they are exactly the last committed
 * position), or to the log start when the group has none yet.
 */
export async function rewindToCommitted(
  input: InputControl,
  admin: Admin,
  groupId: string,
  partitions: readonly { topic: string; partition: number }[],
): Promise<void> {
  const positions = await committedPositions(admin, groupId, partitions);
  for (const { topic, partition } of partitions) {
    const target = positions.get(tpKey(topic, partition));
    if (target !== undefined) input.seek({ topic, partition, offset: target });
  }
}

/** Per tpKey: the group's committed offset, or the log start when the group has none yet. */
export async function committedPositions(
  admin: Admin,
  groupId: string,
  partitions: readonly { topic: string; partition: number }[],
): Promise<Map<TopicPartitionKey, string>> {
  const positions = new Map<TopicPartitionKey, string>();
  const topics = [...new Set(partitions.map((p) => p.topic))];
  if (topics.length === 0) return positions;
  const committed = new Map<string, string>();
  for (const group of await admin.fetchOffsets({ groupId, topics })) {
    for (const p of group.partitions) committed.set(tpKey(group.topic, p.partition), p.offset);
  }
  const starts = new Map<string, string>();
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) starts.set(tpKey(topic, p.partition), p.low);
  }
  for (const { topic, partition } of partitions) {
    const key = tpKey(topic, partition);
    const offset = committed.get(key);
    const target = offset === undefined || BigInt(offset) < 0n ? starts.get(key) : offset;
    if (target !== undefined) positions.set(key, target);
  }
  return positions;
}

/** Groups partitions by topic, as consumer.pause/resume take them. */
export function byTopic(partitions: readonly { topic: string; partition: number }[]): { topic: string; partitions: number[] }[] {
  const topics = new Map<string, number[]>();
  for (const { topic, partition } of partitions) topics.set(topic, [...(topics.get(topic) ?? []), partition]);
  return [...topics].map(([topic, list]) => ({ topic, partitions: list }));
}
