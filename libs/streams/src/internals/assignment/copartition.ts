import { StreamsError } from '../../errors';

/** Co-partitioned topics disagree on their partition count: joins would miss matches. */
export class CopartitionError extends StreamsError {
  constructor(readonly counts: ReadonlyMap<string, number>) {
    const list = [...counts].map(([topic, n]) => `${topic} (${n} partitions)`).join(', ');
    super(`topics not co-partitioned: ${list} must have the same number of partitions`, { retriable: false });
  }
}

/** Throws a CopartitionError naming the topics and their counts for the first group that disagrees. */
export function checkCopartitioning(
  groups: readonly (readonly string[])[],
  partitionCount: (topic: string) => number | undefined,
): void {
  for (const group of groups) {
    const counts = new Map<string, number>();
    for (const topic of group) {
      const n = partitionCount(topic);
      if (n !== undefined) counts.set(topic, n);
    }
    if (new Set(counts.values()).size > 1) throw new CopartitionError(counts);
  }
}
