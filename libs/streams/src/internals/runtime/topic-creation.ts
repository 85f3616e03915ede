import type { Admin, ITopicConfig } from 'kafkajs';
import { retry } from '@platform/common';

/** kafkajs error types that mean "the topic exists but its metadata has not reached every broker path yet". */
const PROPAGATING = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_OR_FOLLOWER', 'KafkaJSTopicMetadataNotLoaded']);

function isPropagating(error: unknown): boolean {
  const { type, name, retriable } = error as { type?: string; name?: string; retriable?: boolean };
  return PROPAGATING.has(type ?? '') || PROPAGATING.has(name ?? '') || retriable === true;
}

/**
 * Creates topics (an existing one is left alone, so replicas starting together do not race) and
 * resolves once every partition of each has a leader and answers offset requests. kafkajs's own
 * `waitForLeaders` retries only LEADER_NOT_AVAILABLE, while a just-created topic can still answer
 * UNKNOWN_TOPIC_OR_PARTITION to the next consumer or producer.
 */
export async function createTopicsAndWait(admin: Admin, topics: readonly ITopicConfig[]): Promise<void> {
  if (topics.length === 0) return;
  const options = { retries: 12, initialMs: 100, maxMs: 2000, factor: 2, jitter: 0.2, isRetriable: isPropagating };
  await retry(() => admin.createTopics({ waitForLeaders: true, topics: [...topics] }), options);
  for (const topic of topics) {
    await retry(async () => {
      const offsets = await admin.fetchTopicOffsets(topic.topic);
      const expected = topic.numPartitions ?? 1;
      if (offsets.length < expected) {
        throw Object.assign(new Error(`${topic.topic}: ${offsets.length} of ${expected} partitions visible`), { retriable: true });
      }
    }, options);
  }
}
