import type { Admin } from 'kafkajs';
import { internalTopicsOf, type AppVersionRef } from './app-names';
import type { GroupState } from './groups';

/** An app version's input topics: its group's committed and currently assigned topics that are not its own internal topics. */
export async function inputTopicsOf(admin: Admin, ref: AppVersionRef, group: GroupState, topics: readonly string[]): Promise<string[]> {
  const internal = new Set(internalTopicsOf(ref, topics));
  const committed = await admin.fetchOffsets({ groupId: ref.key });
  const assigned = group.members.flatMap((m) => m.partitions.map((p) => p.topic));
  return [...new Set([...committed.map((c) => c.topic), ...assigned])].filter((t) => !internal.has(t) && topics.includes(t)).sort();
}
