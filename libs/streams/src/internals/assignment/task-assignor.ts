/**
 * The pure task assignment: balanced and sticky.
 *
 * Every member gets at most ceil(tasks / members) tasks. A task goes first to the member holding
 * the most advanced local copy of its state (highest offset sum) that still has room — so state
 * stays where it is and a restarted instance gets its tasks back; the rest go to the least loaded
 * members. Deterministic: the same input always gives the same output.
 */
import { parseTaskId } from '../topology/names';

export interface AssignorMember {
  readonly id: string;
  /** taskId → offset sum of the member's local copy. */
  readonly held: Readonly<Record<string, number>>;
}

export function assignTasks(tasks: readonly string[], members: readonly AssignorMember[]): Map<string, string[]> {
  const sortedMembers = [...members].sort((a, b) => a.id.localeCompare(b.id));
  const result = new Map<string, string[]>(sortedMembers.map((m) => [m.id, []]));
  if (sortedMembers.length === 0) return result;
  const capacity = Math.ceil(tasks.length / sortedMembers.length);
  const sortedTasks = [...tasks].sort(compareTaskIds);
  const unassigned: string[] = [];
  for (const task of sortedTasks) {
    let best: AssignorMember | undefined;
    for (const member of sortedMembers) {
      const sum = member.held[task];
      if (sum === undefined || result.get(member.id)!.length >= capacity) continue;
      if (!best || sum > best.held[task]!) best = member;
    }
    if (best) result.get(best.id)!.push(task);
    else unassigned.push(task);
  }
  for (const task of unassigned) {
    let least = sortedMembers[0]!;
    for (const member of sortedMembers) {
      if (result.get(member.id)!.length < result.get(least.id)!.length) least = member;
    }
    result.get(least.id)!.push(task);
  }
  return result;
}

/** Orders `<subtopology>_<partition>` ids numerically. */
export function compareTaskIds(a: string, b: string): number {
  const x = parseTaskId(a);
  const y = parseTaskId(b);
  return x.subtopology - y.subtopology || x.partition - y.partition;
}
