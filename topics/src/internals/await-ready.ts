import { retry } from '@platform/common';
import type { Admin } from 'kafkajs';

/** Errors a just-created topic answers while its partitions are still becoming leaders. */
const PROPAGATING = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_OR_FOLLOWER', 'KafkaJSTopicMetadataNotLoaded']);

function isPropagating(error: unknown): boolean {
  const { type, name, retriable } = (error ?? {}) as { type?: string; name?: string; retriable?: boolean };
  return PROPAGATING.has(type ?? '') || PROPAGATING.has(name ?? '') || retriable === true;
}

/**
 * Resolves once every partition of the topic answers an offset request. kafkajs's `waitForLeaders`
 * only checks metadata; a partition of a topic created a moment ago can still answer
 * NOT_LEADER_OR_FOLLOWER to ListOffsets, which callers would otherwise see as a failure.
 */
export async function awaitPartitionsReady(admin: Admin, topic: string, partitions: number): Promise<void> {
  await retry(
    async () => {
      const offsets = await admin.fetchTopicOffsets(topic);
      if (offsets.length < partitions) {
        throw Object.assign(new Error(`${topic}: ${offsets.length} of ${partitions} partitions answer`), { retriable: true });
      }
    },
    { retries: 12, initialMs: 50, maxMs: 2000, factor: 2, jitter: 0.2, isRetriable: isPropagating },
  );
}
