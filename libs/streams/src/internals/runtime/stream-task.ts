import type { KafkaMessage } from 'kafkajs';
import type { TaskDescriptor } from '../assignment/task-layout';
import type { TaskState } from '../state/task-state';
import type { RecordScope, TaskExecutor } from '../task/contract';
import type { SourceNodeSpec, TopologySpec } from '../topology/spec';
import type { ChangelogSend } from './record-collector';
import { INPUT_OFFSETS_HEADER } from './restorer';
import { headersOf } from './record-collector';
import type { StreamRecord } from '../../api/record';
import type { FailureStage } from './dead-letter';
import { DeserializationError, ProcessingError, RecordProductionError, TaskIsolationError } from './errors';
import type { IsolatedTask, TaskFailureHandling } from './task-isolation';
import { parseTpKey, tpKey } from '../topic-partition';

export interface DeserializedRecord {
  readonly offset: string;
  readonly record: StreamRecord<unknown, unknown>;
  /** The record as fetched (for the dead-letter topic). */
  readonly message: KafkaMessage;
}

/** A record that failed, already rolled back. */
interface Failure {
  readonly stage: 'processing' | 'production';
  readonly error: unknown;
}

/** Decides on a failed record: true = it was dead-lettered, skip it; false = fail the task. */
export type PoisonHook = (stage: FailureStage, topic: string, partition: number, message: KafkaMessage, error: unknown) => boolean;

/**
 * A running task: the executor, its local state (for stateful subtopologies) and the input
 * position. `next` holds, per input partition, the next offset to process: records below it are
 * already reflected (in the stores, or in flight to the next commit) and are skipped, which keeps
 * replays after a rebalance or crash from being counted twice in the stores.
 */
export class StreamTask {
  private readonly next = new Map<string, bigint>();
  private readonly sources = new Map<string, SourceNodeSpec>();
  /** Input partitions advanced since the last commit. */
  private readonly dirty = new Set<string>();
  processedSinceCommit = 0;
  /** Set by the task manager when an exception handler other than 'fail' is configured. */
  poison: PoisonHook | undefined;
  /** The outputs of the record being processed (set by the task manager: the task's collector). */
  scope: RecordScope | undefined;
  /** What an unhandled failure does (set by the task manager). */
  failureHandling: { readonly mode: TaskFailureHandling; readonly maxAttempts: number } = { mode: 'fail', maxAttempts: 1 };
  /** Set when the task is isolated: it processes nothing more until it is assigned anew. */
  isolated: IsolatedTask | undefined;

  constructor(
    readonly descriptor: TaskDescriptor,
    readonly executor: TaskExecutor,
    readonly state: TaskState | undefined,
    topology: TopologySpec,
    resolve: (ref: SourceNodeSpec['topic']) => string,
  ) {
    for (const node of topology.nodes.values()) if (node.kind === 'source') this.sources.set(resolve(node.topic), node);
    for (const [tp, offset] of state?.storedInputOffsets() ?? []) this.next.set(tp, BigInt(offset));
  }

  get id(): string {
    return this.descriptor.id;
  }

  /** Deserializes a chunk of fetched messages with the source node's serdes (awaiting async ones
   * only when a serde actually returns a promise). */
  async deserialize(topic: string, messages: readonly KafkaMessage[], partition = -1): Promise<DeserializedRecord[]> {
    const source = this.sources.get(topic);
    if (!source) throw new Error(`task ${this.id} has no source for ${topic}`);
    let async = false;
    const items: { m: KafkaMessage; key: unknown; value: unknown }[] = [];
    for (const m of messages) {
      try {
        const key = m.key === null ? null : source.keySerde.deserialize(topic, m.key);
        const value = m.value === null ? null : source.valueSerde.deserialize(topic, m.value);
        if (key instanceof Promise || value instanceof Promise) async = true;
        items.push({ m, key, value });
      } catch (error) {
        this.failed('deserialization', topic, partition, m, error);
      }
    }
    const build = (m: KafkaMessage, key: unknown, value: unknown): DeserializedRecord => ({
      offset: m.offset,
      record: { key, value, timestamp: Number(m.timestamp), headers: headersOf(m.headers) },
      message: m,
    });
    if (!async) return items.map((i) => build(i.m, i.key, i.value));
    const settled = await Promise.allSettled(items.map(async (i) => build(i.m, await i.key, await i.value)));
    const result: DeserializedRecord[] = [];
    settled.forEach((s, n) => {
      if (s.status === 'fulfilled') result.push(s.value);
      else this.failed('deserialization', topic, partition, items[n]!.m, s.reason);
    });
    return result;
  }

  /**
   * A record failed: dead-lettered by the poison hook (the input position moves past it, so it is
   * committed like a processed record), or thrown as the error that stops the application.
   */
  failed(stage: FailureStage, topic: string, partition: number, message: KafkaMessage, error: unknown, attempts = 1): void {
    if (this.deadLettered(stage, topic, partition, message, error)) return;
    if (this.failureHandling.mode === 'isolate') throw new TaskIsolationError(this.id, stage, topic, partition, message.offset, attempts, error);
    if (stage === 'deserialization') throw new DeserializationError(this.id, topic, partition, message.offset, error);
    throw new ProcessingError(this.id, topic, partition, message.offset, error);
  }

  /** True when the exception handler dead-lettered the record: the input position moves past it. */
  private deadLettered(stage: FailureStage, topic: string, partition: number, message: KafkaMessage, error: unknown): boolean {
    if (!this.poison?.(stage, topic, partition, message, error)) return false;
    const key = tpKey(topic, partition);
    this.next.set(key, BigInt(message.offset) + 1n);
    this.dirty.add(key);
    return true;
  }

  /**
   * The messages of a partition batch (ascending offsets) that are new for this task: a re-delivered
   * batch may start below the position, so only the leading messages are compared.
   */
  newMessages(topic: string, partition: number, messages: KafkaMessage[]): KafkaMessage[] {
    const next = this.next.get(tpKey(topic, partition));
    if (next === undefined) return messages;
    let first = 0;
    while (first < messages.length && BigInt(messages[first]!.offset) < next) first++;
    return first === 0 ? messages : messages.slice(first);
  }

  /**
   * Processes one record. If it fails — a processor throws, or a record derived from it cannot be
   * produced (even when a processor caught that error) — its store writes, changelog records and
   * outputs are rolled back, then the exception handler decides: dead-lettered (skipped), or, under
   * `'isolate'`, retried up to `maxAttempts` times before a {@link TaskIsolationError}; under
   * `'fail'` the error is thrown. Returns a promise only when asynchronous serdes must be awaited.
   */
  process(topic: string, partition: number, item: DeserializedRecord): void | Promise<void> {
    const failure = this.attempt(topic, partition, item);
    if (failure === undefined) return;
    if (failure instanceof Promise) return failure.then((f) => (f === undefined ? undefined : this.recover(topic, partition, item, f, 1)));
    return this.recover(topic, partition, item, failure, 1);
  }

  private attempt(topic: string, partition: number, item: DeserializedRecord): Failure | undefined | Promise<Failure | undefined> {
    this.scope?.beginRecord();
    this.state?.journal.begin();
    let thrown: { error: unknown } | undefined;
    try {
      this.executor.process(topic, item.record, { topic, partition, offset: item.offset });
    } catch (error) {
      thrown = { error };
    }
    const settling = thrown ? undefined : this.scope?.settleRecord();
    if (settling) return settling.then(() => this.conclude(thrown));
    return this.conclude(thrown);
  }

  /** Keeps the record's effects, or rolls them back and says why. */
  private conclude(thrown: { error: unknown } | undefined): Failure | undefined {
    const production = this.scope?.takeFailure();
    if (thrown === undefined && production === undefined) {
      this.state?.journal.end();
      this.scope?.endRecord();
      this.processedSinceCommit++;
      return undefined;
    }
    this.scope?.discardRecord();
    this.scope?.endRecord();
    this.state?.journal.rollback();
    if (production !== undefined) return { stage: 'production', error: production };
    // a store write refused because its changelog record would not fit
    if (thrown!.error instanceof RecordProductionError) return { stage: 'production', error: thrown!.error };
    return { stage: 'processing', error: thrown!.error };
  }

  private recover(topic: string, partition: number, item: DeserializedRecord, failure: Failure, attempts: number): void | Promise<void> {
    const { mode, maxAttempts } = this.failureHandling;
    if (mode !== 'isolate' || attempts >= maxAttempts) {
      this.failed(failure.stage, topic, partition, item.message, failure.error, attempts);
      return;
    }
    if (this.deadLettered(failure.stage, topic, partition, item.message, failure.error)) return;
    const again = this.attempt(topic, partition, item);
    if (again === undefined) return;
    if (again instanceof Promise) return again.then((f) => (f === undefined ? undefined : this.recover(topic, partition, item, f, attempts + 1)));
    return this.recover(topic, partition, item, again, attempts + 1);
  }

  /** Moves the input position past `offset` (never back): called once per processed chunk. */
  advance(topic: string, partition: number, offset: string): void {
    const key = tpKey(topic, partition);
    const next = BigInt(offset) + 1n;
    const current = this.next.get(key);
    if (current === undefined || next > current) this.next.set(key, next);
    this.dirty.add(key);
  }

  /** Changelog records of this commit; the last one of each partition carries the input position. */
  changelogSends(): ChangelogSend[] {
    if (!this.state) return [];
    const header = Buffer.from(JSON.stringify(Object.fromEntries([...this.next].map(([k, v]) => [k, String(v)]))));
    return this.state.drainChangelogs().map(({ binding, records }) => ({
      id: `${this.id}/${binding.store}`,
      topic: binding.topic,
      partition: binding.partition,
      messages: records.map((r, i) => ({
        key: r.key,
        value: r.value,
        headers: i === records.length - 1 ? { [INPUT_OFFSETS_HEADER]: header } : undefined,
      })),
    }));
  }

  /** Makes the stores durable with the changelog offsets and input position, in one transaction. */
  commitState(changelogOffsets: ReadonlyMap<string, string>): void {
    if (!this.state) {
      this.executor.flush();
      return;
    }
    const mine = new Map<string, string>();
    for (const binding of this.state.bindings) {
      const offset = changelogOffsets.get(`${this.id}/${binding.store}`);
      if (offset !== undefined) mine.set(binding.store, offset);
    }
    const inputs = new Map([...this.next].map(([k, v]) => [k, String(v)]));
    this.state.commit(() => this.executor.flush(), mine, inputs);
  }

  /** Input offsets to commit to the group (only partitions that moved), then forgets them. */
  takeCommittableOffsets(): { topic: string; partition: number; offset: string }[] {
    const result = [...this.dirty].map((key) => ({ ...parseTpKey(key), offset: String(this.next.get(key)) }));
    this.dirty.clear();
    this.processedSinceCommit = 0;
    return result;
  }

  /** Closes without committing: unflushed work is dropped and will be reprocessed. */
  close(): void {
    try {
      this.executor.close();
    } finally {
      this.state?.close();
    }
  }
}
