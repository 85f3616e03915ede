/** Row names of the `offsets` table. Offsets are Kafka offsets as decimal strings. */

/** Last changelog offset the store data reflects (restoration resumes at +1). */
export function changelogOffsetName(topic: string, partition: number): string {
  return `changelog|${topic}|${partition}`;
}

/** Next input offset to process: records below it are already reflected in the stores. */
export function inputOffsetName(topic: string, partition: number): string {
  return `input|${topic}|${partition}`;
}

export function parseOffsetName(name: string): { kind: 'changelog' | 'input'; topic: string; partition: number } | undefined {
  const first = name.indexOf('|');
  const last = name.lastIndexOf('|');
  if (first < 0 || last === first) return undefined;
  const kind = name.slice(0, first);
  if (kind !== 'changelog' && kind !== 'input') return undefined;
  return { kind, topic: name.slice(first + 1, last), partition: Number(name.slice(last + 1)) };
}

/** Sum of the changelog positions: how far a copy of a task's state has come (for stickiness). */
export function offsetSum(offsets: ReadonlyMap<string, string>): number {
  let sum = 0;
  for (const [name, value] of offsets) if (name.startsWith('changelog|')) sum += Number(value) + 1;
  return sum;
}
