import { AssignerProtocol, type Admin } from 'kafkajs';
import { decodeAssignment, type AssignmentInfo, type TopicPartitions } from '../assignment/protocol';

/** Who runs which tasks: one entry per group member. */
export interface StreamsMetadata {
  /** `host:port` the member advertises (`applicationServer`), or undefined. */
  readonly endpoint?: string;
  readonly memberId: string;
  readonly tasks: readonly string[];
  readonly partitions: readonly TopicPartitions[];
}

export function metadataFrom(info: AssignmentInfo | undefined): StreamsMetadata[] {
  return (info?.members ?? []).map((m) => ({
    endpoint: m.endpoint,
    memberId: m.memberId,
    tasks: [...m.tasks],
    partitions: m.partitions.map((p) => ({ topic: p.topic, partitions: [...p.partitions] })),
  }));
}

/**
 * kafkajs drops the assignment userData it receives, so the member reads its own assignment back
 * from the group description (the leader put the full task map into every member's userData).
 * Returns undefined when the group is rebalancing again.
 */
export async function fetchAssignmentInfo(admin: Admin, groupId: string, memberId: string): Promise<AssignmentInfo | undefined> {
  const { groups } = await admin.describeGroups([groupId]);
  const member = groups[0]?.members.find((m) => m.memberId === memberId);
  if (!member || member.memberAssignment.length === 0) return undefined;
  const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
  return decodeAssignment(assignment?.userData);
}
