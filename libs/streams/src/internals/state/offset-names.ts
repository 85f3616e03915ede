/** Row names of the `offsets` table. Offsets are Kafka offsets as decimal strings. */

/** Last changelog offset the store data reflects (restoration resumes at +1). */
export function changelogOffsetName(topic: string, partition: number): string {
  return `changelog|${topic}|${partition}`;
}

/** Next input offset to process: records below it are already reflected in the stores. */
export function inputOffsetName(topic: string, partition: number): string {
  return `input|${topic}|${partition}`;
}

/** Sum of the changelog positions: how far a copy of a task's state has come (for stickiness). */
export function offsetSum(offsets: ReadonlyMap<string, string>): number {
  let sum = 0;
  for (const [name, value] of offsets) if (name.startsWith('changelog|')) sum += Number(value) + 1;
  return sum;
}
