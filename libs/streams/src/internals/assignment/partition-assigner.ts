import { AssignerProtocol, type Assigner, type PartitionAssigner } from 'kafkajs';
import type { Logger } from '@platform/common';
import { checkCopartitioning } from './copartition';
import {
  PROTOCOL_VERSION,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  type AssignmentInfo,
  type MemberTasks,
  type SubscriptionInfo,
} from './protocol';
import { assignTasks } from './task-assignor';
import { layoutTasks, partitionsOf } from './task-layout';

export const STREAMS_ASSIGNER_NAME = 'platform-streams';

export interface StreamsAssignerOptions {
  /** Resolved source topics of every subtopology. */
  readonly sourceTopics: ReadonlyMap<number, readonly string[]>;
  /** Resolved topic groups that must have equal partition counts. */
  readonly copartitionGroups: readonly (readonly string[])[];
  /** This member's subscription userData, computed at every join. */
  readonly subscription: () => SubscriptionInfo;
  readonly logger: Logger;
}

/**
 * The kafkajs partition assigner of a streams application. Every member advertises its endpoint
 * and its local task state in the subscription userData; the leader checks co-partitioning, lays
 * out one task per (subtopology, partition), assigns tasks balanced and sticky to where their
 * state lives, hands each member all input partitions of its tasks (so co-partitioned partitions
 * N always land together) and puts the full task → member/endpoint map in every assignment.
 */
export function streamsPartitionAssigner(options: StreamsAssignerOptions): PartitionAssigner {
  return ({ cluster }) => {
    const assigner: Assigner = {
      name: STREAMS_ASSIGNER_NAME,
      version: PROTOCOL_VERSION,
      protocol({ topics }) {
        const userData = encodeSubscription(options.subscription());
        return {
          name: STREAMS_ASSIGNER_NAME,
          metadata: AssignerProtocol.MemberMetadata.encode({ version: PROTOCOL_VERSION, topics, userData }),
        };
      },
      async assign({ members }) {
        const counts = new Map<string, number>();
        const countOf = (topic: string) => {
          let n = counts.get(topic);
          if (n === undefined) {
            n = cluster.findTopicPartitionMetadata(topic).length;
            counts.set(topic, n);
          }
          return n;
        };
        checkCopartitioning(options.copartitionGroups, countOf);
        const tasks = layoutTasks(options.sourceTopics, countOf);
        const subscriptions = members.map((m) => {
          const metadata = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
          return { id: m.memberId, info: decodeSubscription(metadata?.userData) };
        });
        const assigned = assignTasks(
          tasks.map((t) => t.id),
          subscriptions.map((s) => ({ id: s.id, held: s.info.tasks })),
        );
        const owners: MemberTasks[] = subscriptions.map((s) => {
          const ids = assigned.get(s.id) ?? [];
          const own = tasks.filter((t) => ids.includes(t.id));
          return { memberId: s.id, endpoint: s.info.endpoint, tasks: ids, partitions: partitionsOf(own) };
        });
        const info: AssignmentInfo = { version: PROTOCOL_VERSION, members: owners };
        const userData = encodeAssignment(info);
        options.logger.info('tasks assigned', {
          members: owners.map((o) => ({ member: o.memberId, endpoint: o.endpoint, tasks: o.tasks })),
        });
        return owners.map((owner) => ({
          memberId: owner.memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: PROTOCOL_VERSION,
            assignment: Object.fromEntries(owner.partitions.map((p) => [p.topic, [...p.partitions]])),
            userData,
          }),
        }));
      },
    };
    return assigner;
  };
}
