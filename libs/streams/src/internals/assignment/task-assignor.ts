/**
 * The pure task assignment: balanced and sticky.
 *
 * Every member gets at most ceil(tasks / members) tasks, and at most ceil(n / members) of the n tasks of each
 * subtopology: subtopologies do different work (deriving events and delivering them, say), so a member holding
 * all the tasks of one and none of another would carry one kind of load alone while the other members idle —
 * which a balance on the total alone allowed whenever the first member to start kept its tasks. A task goes
 * first to the member holding the most advanced local copy of its state (highest offset sum) that still has room
 * for it — so state stays where it is and a restarted instance gets its tasks back; the rest go to the member
 * with the fewest tasks of that subtopology, then the fewest in all. Deterministic: the same input always gives
 * the same output.
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
  const perSubtopology = new Map<number, number>();
  for (const task of sortedTasks) {
    const subtopology = subtopologyOf(task);
    perSubtopology.set(subtopology, (perSubtopology.get(subtopology) ?? 0) + 1);
  }
  /** member id → subtopology → tasks assigned. */
  const counts = new Map<string, Map<number, number>>(sortedMembers.map((m) => [m.id, new Map()]));
  const countOf = (member: AssignorMember, subtopology: number) => counts.get(member.id)!.get(subtopology) ?? 0;
  const assign = (member: AssignorMember, task: string, subtopology: number) => {
    result.get(member.id)!.push(task);
    counts.get(member.id)!.set(subtopology, countOf(member, subtopology) + 1);
  };
  const unassigned: string[] = [];
  for (const task of sortedTasks) {
    const subtopology = subtopologyOf(task);
    const subtopologyCapacity = Math.ceil(perSubtopology.get(subtopology)! / sortedMembers.length);
    let best: AssignorMember | undefined;
    for (const member of sortedMembers) {
      const sum = member.held[task];
      if (sum === undefined || result.get(member.id)!.length >= capacity || countOf(member, subtopology) >= subtopologyCapacity) continue;
      if (!best || sum > best.held[task]!) best = member;
    }
    if (best) assign(best, task, subtopology);
    else unassigned.push(task);
  }
  for (const task of unassigned) {
    const subtopology = subtopologyOf(task);
    let least = sortedMembers[0]!;
    for (const member of sortedMembers) {
      const fewer = countOf(member, subtopology) - countOf(least, subtopology) || result.get(member.id)!.length - result.get(least.id)!.length;
      if (fewer < 0) least = member;
    }
    assign(least, task, subtopology);
  }
  return result;
}

function subtopologyOf(task: string): number {
  return parseTaskId(task).subtopology;
}

/** Orders `<subtopology>_<partition>` ids numerically. */
export function compareTaskIds(a: string, b: string): number {
  const x = parseTaskId(a);
  const y = parseTaskId(b);
  return x.subtopology - y.subtopology || x.partition - y.partition;
}
