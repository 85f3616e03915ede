/**
 * The seam between executing a task and moving its bytes. `createTaskExecutor` (task-executor.ts)
 * runs the processors of one (subtopology, partition) synchronously; the production runtime and
 * the test driver each supply the stores, the record collector and the clock.
 */
import type { RecordMetadata, StreamRecord } from '../../api/record';
import type { KeyValueStore } from '../../api/store';
import type { ApplicationIdentity } from '../topology/names';
import type { SinkNodeSpec, StoreSpec, TopicRef, TopologySpec } from '../topology/spec';

/** Receives output records during processing. Production serializes + produces asynchronously and
 * flushes before committing; the driver serializes and appends to in-memory topics. */
export interface RecordCollector {
  send(topic: string, record: StreamRecord<unknown, unknown>, sink: SinkNodeSpec): void;
}

/**
 * The outputs of one input record, as the production collectors track them: a record whose
 * outputs cannot be produced is dead-lettered (or retried) without them.
 */
export interface RecordScope {
  /** Starts the scope of one input record's outputs. */
  beginRecord(): void;
  /** Awaits asynchronous serializations of the record's outputs; undefined when there are none. */
  settleRecord(): Promise<void> | undefined;
  /** The production failure raised in this scope, if any (also when a processor caught it). */
  takeFailure(): Error | undefined;
  /** Drops the outputs handed over in this scope. */
  discardRecord(): void;
  endRecord(): void;
}

/** A store instance as the task sees it: the public store plus lifecycle hooks. */
export interface TaskStore extends KeyValueStore<unknown, unknown> {
  /** Makes buffered writes durable (and logged); called at commit. */
  flush(): void;
  close(): void;
}

export type StoreFactory = (spec: StoreSpec, taskId: string, partition: number) => TaskStore;

export interface TaskExecutorOptions {
  readonly app: ApplicationIdentity;
  readonly topology: TopologySpec;
  readonly subtopology: number;
  readonly partition: number;
  readonly resolveTopic: (ref: TopicRef) => string;
  readonly stores: StoreFactory;
  readonly collector: RecordCollector;
  /** Wall clock in epoch ms. */
  readonly clock: () => number;
}

export interface TaskExecutor {
  readonly id: string;
  readonly partition: number;
  /** Highest record timestamp processed (-1 before the first). */
  readonly streamTime: number;
  /** Opens stores and calls every processor's `init`. */
  init(): void;
  /** Runs one deserialized input record of `topic` (resolved name) through the subtopology, then
   * fires the stream-time punctuators that became due. Throws what a processor throws. */
  process(topic: string, record: StreamRecord<unknown, unknown>, metadata: RecordMetadata): void;
  /** Fires the wall-clock punctuators due at `now`; returns how many fired. */
  punctuateWallClock(now: number): number;
  /** Flushes every store of the task. */
  flush(): void;
  /** Calls every processor's `close` and closes the stores. */
  close(): void;
  /** The task's stores by name (for interactive queries and the driver). */
  store(name: string): TaskStore | undefined;
}
