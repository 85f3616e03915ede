import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '@platform/common';
import { streamsPartitionAssigner } from '../assignment/partition-assigner';
import type { SubscriptionInfo } from '../assignment/protocol';
import type { TopicPlan } from './topic-plan';

export interface GroupConsumerOptions {
  readonly groupId: string;
  readonly plan: Pick<TopicPlan, 'sourceTopics' | 'copartitionGroups'>;
  readonly sessionTimeoutMs: number;
  /** The lean fetch path reads the input: kafkajs only keeps the membership. */
  readonly leanFetch: boolean;
  readonly logger: Logger;
  /** The member's subscription userdata: its endpoint and the tasks it holds state for. */
  readonly subscription: () => SubscriptionInfo;
}

/** The kafkajs consumer of an application's group: read-committed, no topic auto-creation, the streams assignor. */
export function groupConsumer(kafka: Kafka, options: GroupConsumerOptions): Consumer {
  return kafka.consumer({
    groupId: options.groupId,
    // under the lean fetch path kafkajs only keeps the membership: its idle loop heartbeats every maxWaitTime
    ...(options.leanFetch ? { maxWaitTimeInMs: 500 } : {}),
    allowAutoTopicCreation: false,
    readUncommitted: false,
    sessionTimeout: options.sessionTimeoutMs,
    partitionAssigners: [
      streamsPartitionAssigner({
        sourceTopics: options.plan.sourceTopics,
        copartitionGroups: options.plan.copartitionGroups,
        logger: options.logger,
        subscription: options.subscription,
      }),
    ],
  });
}
