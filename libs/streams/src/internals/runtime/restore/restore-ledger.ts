import type { BufferedWrite } from '../../state/merge-iterator';
import type { EventHub, RestoreProgress } from '../events';
import type { RestoreRequest } from './restore-request';
import { tpKey } from '../../topic-partition';

/** The fields of a fetched changelog record that restoration reads (a kafkajs KafkaMessage has them, so does the raw reader's record). */
export interface RestoredRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

interface Entry {
  readonly request: RestoreRequest;
  next: bigint;
  restored: number;
}

const EMPTY = Buffer.alloc(0);

/**
 * Progress of one restoration, shared by whichever reader fetches the records: the next offset of
 * every changelog partition, what was applied, and the events. A batch is applied in one SQLite
 * transaction with its last offset and only then counted and announced (`restore.batch`), so
 * progress never runs ahead of what is stored; `restore.end` follows a partition's last batch.
 * Records before the partition's next offset or at/after its end are never applied, so a reader
 * that starts over (a fallback, a fetch that begins at a batch boundary) cannot apply twice.
 */
export class RestoreLedger {
  private readonly entries = new Map<string, Entry>();

  constructor(
    requests: readonly RestoreRequest[],
    private readonly events: EventHub,
  ) {
    for (const request of requests) this.entries.set(keyOf(request.binding.topic, request.binding.partition), { request, next: request.from, restored: 0 });
  }

  /** Announces `restore.start` for every partition. */
  start(): void {
    for (const entry of this.entries.values()) this.events.emit('restore.start', progressOf(entry));
  }

  /** True while the partition still needs records. */
  wants(topic: string, partition: number): boolean {
    return this.entries.has(keyOf(topic, partition));
  }

  /** Next offset to read of an unfinished partition. */
  next(topic: string, partition: number): bigint | undefined {
    return this.entries.get(keyOf(topic, partition))?.next;
  }

  /** The unfinished requests, each starting at its next offset. */
  unfinished(): RestoreRequest[] {
    return [...this.entries.values()].map((e) => ({ ...e.request, from: e.next }));
  }

  get remaining(): number {
    return this.entries.size;
  }

  /**
   * Applies fetched records (ascending offsets; `offsetOf` reads one) of a partition: only those in
   * [next, end), with the input offsets announced by their commit headers (`inputOffsetsOf`).
   */
  apply<R extends RestoredRecord>(
    topic: string,
    partition: number,
    records: readonly R[],
    offsetOf: (record: R) => bigint,
    inputOffsetsOf: (records: readonly R[]) => Map<string, string> | undefined,
  ): void {
    const entry = this.entries.get(keyOf(topic, partition));
    if (!entry || records.length === 0) return;
    const inside = within(records, offsetOf, entry.next, entry.request.end);
    if (inside.length === 0) return;
    const last = offsetOf(inside[inside.length - 1]!);
    entry.request.state.applyRestoreBatch(entry.request.binding, asWrites(inside), String(last), inputOffsetsOf(inside));
    entry.next = last + 1n;
    entry.restored += inside.length;
    this.events.emit('restore.batch', { ...progressOf(entry), batchSize: inside.length });
  }

  /** Marks the partition done once `nextOffset` (the reader's position) reached its end; true when it did. */
  reached(topic: string, partition: number, nextOffset: bigint): boolean {
    const key = keyOf(topic, partition);
    const entry = this.entries.get(key);
    if (!entry || nextOffset < entry.request.end) return false;
    this.entries.delete(key);
    this.events.emit('restore.end', progressOf(entry));
    return true;
  }
}

export function keyOf(topic: string, partition: number): string {
  return tpKey(topic, partition);
}

export function progressOf(entry: { request: RestoreRequest; restored: number }): RestoreProgress {
  const r = entry.request;
  return {
    taskId: r.state.taskId,
    store: r.binding.store,
    topic: r.binding.topic,
    partition: r.binding.partition,
    startOffset: String(r.from),
    endOffset: String(r.end),
    restored: entry.restored,
  };
}

/**
 * The records (ascending offsets) inside [from, end): a fetch starts at a record-batch boundary, so
 * it may begin before `from`, and it may reach past the end captured at assignment. Only the edges
 * are compared.
 */
export function within<R>(records: readonly R[], offsetOf: (record: R) => bigint, from: bigint, end: bigint): readonly R[] {
  let first = 0;
  let last = records.length;
  while (first < last && offsetOf(records[first]!) < from) first++;
  while (last > first && offsetOf(records[last - 1]!) >= end) last--;
  return first === 0 && last === records.length ? records : records.slice(first, last);
}

/** The records as store writes: passed on as they are (they have `key` and `value`) unless one lacks a key (written as empty). */
function asWrites(records: readonly RestoredRecord[]): readonly BufferedWrite[] {
  for (const record of records) {
    if (record.key === null || record.key === undefined) return records.map((r) => ({ key: r.key ?? EMPTY, value: r.value }));
  }
  return records as readonly BufferedWrite[];
}
