import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '@platform/common';
import type { BufferedWrite } from '../state/merge-iterator';
import type { ChangelogBinding, TaskState } from '../state/task-state';
import type { EventHub, RestoreProgress } from './events';

/** Header carrying the task's next input offsets on the last changelog record of each commit. */
export const INPUT_OFFSETS_HEADER = 'streams.input-offsets';

export interface RestoreRequest {
  readonly state: TaskState;
  readonly binding: ChangelogBinding;
  /** First offset to read. */
  readonly from: bigint;
  /** End offset captured at assignment (exclusive). */
  readonly end: bigint;
}

export interface RestorerOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly applicationKey: string;
  readonly events: EventHub;
  readonly logger: Logger;
  /** Keeps the main consumer's membership alive while restoring. */
  readonly keepAlive: () => Promise<void>;
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
      watermarks.set(`${topic}|${p.partition}`, { low: BigInt(p.low), high: BigInt(p.high) });
    }
  }
  for (const state of states) {
    for (const binding of state.bindings) {
      const mark = watermarks.get(`${binding.topic}|${binding.partition}`);
      if (!mark) continue;
      const stored = state.storedChangelogOffset(binding);
      const from = stored === undefined ? mark.low : BigInt(stored) + 1n > mark.low ? BigInt(stored) + 1n : mark.low;
      if (from < mark.high) requests.push({ state, binding, from, end: mark.high });
    }
  }
  return requests;
}

/** Restore consumers working side by side (see {@link restore}). */
export const RESTORE_FETCHERS = 2;

/**
 * Replays changelog partitions into the task databases before the tasks process input.
 *
 * kafkajs has no manual `assign()`, so restoration uses consumers in throwaway groups
 * (`<applicationKey>-restore-<uuid>`, never committing, deleted afterwards) subscribed to the
 * changelog topics. A kafkajs consumer fetches, waits until the batch is processed, then fetches
 * again, so one consumer leaves the thread idle for every fetch round trip: the partitions are
 * shared out (balanced by record count) between {@link RESTORE_FETCHERS} consumers, each in a
 * group of its own, so one decodes and writes while the other's fetch is in flight. Each consumer
 * pauses the partitions that are not its share as soon as it has joined (before its first fetch,
 * so no fetch is discarded by a later seek) and positions its own at their next offset. Each
 * fetched batch is applied in one SQLite transaction together with its last offset, and only then
 * counted and announced, so progress never runs ahead of what is stored. A partition is done when
 * its consumed position reaches the end offset captured at assignment.
 */
export async function restore(requests: readonly RestoreRequest[], options: RestorerOptions): Promise<void> {
  if (requests.length === 0) return;
  for (const request of requests) options.events.emit('restore.start', progress(request, 0));
  const shares = shareOut(requests, RESTORE_FETCHERS).map((share) => startShare(share, options));
  try {
    await untilDone(Promise.all(shares.map((share) => share.done)).then(() => undefined), options.keepAlive);
  } finally {
    await Promise.all(shares.map((share) => share.stop()));
  }
}

/** Splits requests into at most `count` shares of about equal record counts (largest first onto the lightest share). */
export function shareOut(requests: readonly RestoreRequest[], count: number): RestoreRequest[][] {
  const shares = Array.from({ length: Math.max(1, Math.min(count, requests.length)) }, () => ({ records: 0n, requests: [] as RestoreRequest[] }));
  const bySize = [...requests].sort((a, b) => (b.end - b.from > a.end - a.from ? 1 : b.end - b.from < a.end - a.from ? -1 : 0));
  for (const request of bySize) {
    const lightest = shares.reduce((min, share) => (share.records < min.records ? share : min));
    lightest.requests.push(request);
    lightest.records += request.end - request.from;
  }
  return shares.map((share) => share.requests);
}

function progress(r: RestoreRequest, restored: number): RestoreProgress {
  return {
    taskId: r.state.taskId,
    store: r.binding.store,
    topic: r.binding.topic,
    partition: r.binding.partition,
    startOffset: String(r.from),
    endOffset: String(r.end),
    restored,
  };
}

/** One restore consumer over its share of the partitions: `done` settles when all of them reached their end. */
function startShare(requests: readonly RestoreRequest[], options: RestorerOptions): { done: Promise<void>; stop: () => Promise<void> } {
  const groupId = `${options.applicationKey}-restore-${randomUUID()}`;
  // read committed: under exactly-once, records of aborted or still-open transactions are never restored
  const consumer = options.kafka.consumer({ groupId, allowAutoTopicCreation: false, readUncommitted: false, maxWaitTimeInMs: 200 });
  const remaining = new Map(
    requests.map((r) => [`${r.binding.topic}|${r.binding.partition}`, { request: r, next: r.from, restored: 0 }]),
  );
  const topics = [...new Set(requests.map((r) => r.binding.topic))];
  let finish!: () => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const markDone = (key: string, lastOffset: bigint) => {
    const entry = remaining.get(key);
    if (!entry || lastOffset + 1n < entry.request.end) return;
    remaining.delete(key);
    options.events.emit('restore.end', progress(entry.request, entry.restored));
    consumer.pause([{ topic: entry.request.binding.topic, partitions: [entry.request.binding.partition] }]);
    if (remaining.size === 0) finish();
  };
  // Emitted after every (re)join, before the fetches of that generation start.
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    for (const [topic, partitions] of Object.entries(e.payload.memberAssignment)) {
      const idle = partitions.filter((p) => !remaining.has(`${topic}|${p}`));
      if (idle.length > 0) consumer.pause([{ topic, partitions: idle }]);
      for (const partition of partitions) {
        const entry = remaining.get(`${topic}|${partition}`);
        if (entry) consumer.seek({ topic, partition, offset: String(entry.next) });
      }
    }
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => markDone(`${e.payload.topic}|${e.payload.partition}`, BigInt(e.payload.lastOffset)));
  consumer.on(consumer.events.CRASH, (e) => fail(e.payload.error));
  const started = (async () => {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const key = `${batch.topic}|${batch.partition}`;
        const entry = remaining.get(key);
        if (!entry) return;
        const { request } = entry;
        const records = within(batch.messages, entry.next, request.end);
        if (records.length > 0) {
          const last = records[records.length - 1]!;
          request.state.applyRestoreBatch(request.binding, asWrites(records), last.offset, inputOffsets(records));
          entry.next = BigInt(last.offset) + 1n;
          entry.restored += records.length;
          options.events.emit('restore.batch', { ...progress(request, entry.restored), batchSize: records.length });
        }
        markDone(key, BigInt(batch.lastOffset()));
      },
    });
  })();
  started.catch(fail);
  const stop = async () => {
    await started.catch(() => undefined);
    await consumer.disconnect().catch(() => undefined);
    await options.admin.deleteGroups([groupId]).catch(() => undefined);
  };
  return { done, stop };
}

async function untilDone(done: Promise<void>, keepAlive: () => Promise<void>): Promise<void> {
  let settled = false;
  const watched = done.finally(() => (settled = true));
  while (!settled) {
    await Promise.race([watched, new Promise((r) => setTimeout(r, 1000))]);
    if (!settled) await keepAlive().catch(() => undefined);
  }
  await watched;
}

/**
 * The messages of a partition batch (ascending offsets) inside [from, end): a fetch starts at a
 * record-batch boundary, so it may begin before `from`, and it may reach past the end captured at
 * assignment. Only the edges are compared.
 */
export function within(messages: KafkaMessage[], from: bigint, end: bigint): KafkaMessage[] {
  let first = 0;
  let last = messages.length;
  while (first < last && BigInt(messages[first]!.offset) < from) first++;
  while (last > first && BigInt(messages[last - 1]!.offset) >= end) last--;
  return first === 0 && last === messages.length ? messages : messages.slice(first, last);
}

const EMPTY = Buffer.alloc(0);

/**
 * The messages as store writes. A KafkaMessage already has the `key` and `value` of a write, so the
 * batch is passed on as it is (no per-record copy) unless a record lacks a key (written as empty).
 */
function asWrites(messages: KafkaMessage[]): readonly BufferedWrite[] {
  for (const message of messages) {
    if (message.key === null || message.key === undefined) return messages.map((m) => ({ key: m.key ?? EMPTY, value: m.value }));
  }
  return messages as unknown as readonly BufferedWrite[];
}

/**
 * The input offsets announced by the last well-formed commit header of a batch (headers are
 * written in commit order, so the last one is the highest).
 */
export function inputOffsets(messages: readonly KafkaMessage[]): Map<string, string> | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const header = messages[i]!.headers?.[INPUT_OFFSETS_HEADER];
    if (!header) continue;
    const raw = Array.isArray(header) ? header[0] : header;
    try {
      return new Map(Object.entries(JSON.parse(String(raw)) as Record<string, string>));
    } catch {
      // malformed header: ignore; at-least-once still holds
    }
  }
  return undefined;
}
