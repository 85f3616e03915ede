import type { Admin } from 'kafkajs';
import type { ChangelogBinding, TaskState } from '../../state/task-state';
import { tpKey } from '../../topic-partition';

/** Header carrying the task's next input offsets on the last changelog record of each commit. */
export const INPUT_OFFSETS_HEADER = 'streams.input-offsets';

/** One changelog partition to replay into a task's store: [from, end). */
export interface RestoreRequest {
  readonly state: TaskState;
  readonly binding: ChangelogBinding;
  /** First offset to read. */
  readonly from: bigint;
  /** End offset captured at assignment (exclusive). */
  readonly end: bigint;
}

/**
 * Works out which changelog partitions are behind: from the stored offset + 1 (or the log start)
 * to the end offset captured now. Up-to-date partitions need nothing.
 */
export async function restoreRequests(admin: Admin, states: readonly TaskState[]): Promise<RestoreRequest[]> {
  const requests: RestoreRequest[] = [];
  const topics = [...new Set(states.flatMap((s) => s.bindings.map((b) => b.topic)))];
  const watermarks = new Map<string, { low: bigint; high: bigint }>();
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      watermarks.set(tpKey(topic, p.partition), { low: BigInt(p.low), high: BigInt(p.high) });
    }
  }
  for (const state of states) {
    for (const binding of state.bindings) {
      const mark = watermarks.get(tpKey(binding.topic, binding.partition));
      if (!mark) continue;
      const stored = state.storedChangelogOffset(binding);
      const from = stored === undefined ? mark.low : BigInt(stored) + 1n > mark.low ? BigInt(stored) + 1n : mark.low;
      if (from < mark.high) requests.push({ state, binding, from, end: mark.high });
    }
  }
  return requests;
}

/**
 * The input offsets announced by the last well-formed commit header among `headers` (given last
 * to first is not required: they are scanned from the end, since headers are written in commit
 * order and the last one is the highest). Malformed headers are ignored: at-least-once still holds.
 */
export function lastInputOffsets(count: number, headerAt: (index: number) => Buffer | string | undefined): Map<string, string> | undefined {
  for (let i = count - 1; i >= 0; i--) {
    const raw = headerAt(i);
    if (raw === undefined) continue;
    try {
      return new Map(Object.entries(JSON.parse(String(raw)) as Record<string, string>));
    } catch {
      // malformed header: try an earlier one
    }
  }
  return undefined;
}
