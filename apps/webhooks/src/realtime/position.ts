/**
 * A resumable position: for every partition of the events topic, the offset of the next event a
 * subscription has not been sent yet. On the wire it is those offsets in partition order joined by
 * `.` (`12.0.407.3…`), the same on every replica because it names Kafka offsets, not anything in memory.
 */
export type Position = bigint[];

const maxPartitions = 1024;
const maxText = maxPartitions * 20;

export function formatPosition(position: readonly bigint[]): string {
  return position.join('.');
}

/** The position a client sent back, or undefined when it is not one (too long, not decimal offsets). */
export function parsePosition(text: string): Position | undefined {
  if (text.length === 0 || text.length > maxText) return undefined;
  const parts = text.split('.');
  if (parts.length > maxPartitions) return undefined;
  const position: Position = [];
  for (const part of parts) {
    if (!/^\d{1,19}$/.test(part)) return undefined;
    position.push(BigInt(part));
  }
  return position;
}
