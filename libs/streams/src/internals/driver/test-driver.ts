import type { RecordHeaders, StreamRecord } from '../../api/record';
import type { Serde } from '../../api/serde';
import type { ReadOnlyKeyValueStore } from '../../api/store';
import { StreamsError } from '../../errors';
import { memoryStoreFactory } from '../state/memory-store';
import type { StoreFactory, TaskExecutor } from '../task/contract';
import { createTaskExecutor } from '../task/task-executor';
import { internalTopicName, type ApplicationIdentity } from '../topology/names';
import type { SinkNodeSpec, SourceNodeSpec, TopicRef, TopologySpec } from '../topology/spec';
import { MemoryTopics, type StoredRecord } from './memory-topics';
import { tasksStoreView } from '../state/tasks-store-view';
import { partitionForKey } from '../partitioning/murmur2';
import { planPartitions } from './partition-plan';
import { TestInputTopic, TestOutputTopic } from './test-topics';

export interface TopologyTestDriverOptions {
  /** Default `{ id: 'test-app', version: 1 }`; decides the names of repartition topics. */
  readonly app?: ApplicationIdentity;
  /** Partition count of external topics not listed in `topicPartitions` (default 3). */
  readonly defaultPartitions?: number;
  /** Partition counts of external topics by name. */
  readonly topicPartitions?: Readonly<Record<string, number>>;
  /** Initial mocked wall-clock time in epoch ms (default 0). */
  readonly wallClockStartMs?: number;
  /** Stores of the tasks (default: in-memory). */
  readonly stores?: StoreFactory;
}

interface Pending {
  readonly topic: string;
  readonly record: StreamRecord<unknown, unknown>;
  readonly sink: SinkNodeSpec;
}

/**
 * Runs a `TopologySpec` — the same object production runs, through the same task executor — in
 * memory, without a broker. Every I/O method is async (serdes may be) and the driver runs one
 * operation at a time, in call order; once a returned promise resolves, every record it caused has
 * been processed, including records that went through repartition topics (routed back into the
 * owning subtopology) and topics the topology both writes and reads.
 *
 * Differences from production (`StreamsApplication`):
 * - One task per (subtopology, partition), all in this process; no consumer group, rebalancing,
 *   restoration, changelog topics, commits or transactions. `flush` is never needed.
 * - Records are processed strictly in the order they are piped; production interleaves input
 *   partitions by fetched batch, so cross-partition ordering there is only per partition.
 * - Serialization happens per record, like production, so serde errors surface; but bytes never
 *   leave the process (no size limits, no compression, no schema registry round trip unless the
 *   serde itself performs one).
 * - Wall-clock time is mocked: it starts at `wallClockStartMs` and moves only through
 *   `advanceWallClockTime`, which fires due wall-clock punctuators (at most once per schedule and
 *   call, skipping missed intervals as production does). A piped record without a timestamp gets
 *   the current mocked wall-clock time.
 * - Stream time is per task, as in production: a task's stream-time punctuators fire only when a
 *   record reaches that task.
 * - A processor error rejects the call that caused it; records still queued by it are dropped.
 *   Production's exception handlers (retry, dead-letter) are not involved.
 */
export class TopologyTestDriver {
  private readonly app: ApplicationIdentity;
  private readonly topics: MemoryTopics;
  private readonly tasks: TaskExecutor[] = [];
  /** Resolved topic → (source node, tasks by partition). */
  private readonly consumers = new Map<string, { source: SourceNodeSpec; tasks: TaskExecutor[] }>();
  private readonly pending: Pending[] = [];
  private now: number;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly topology: TopologySpec,
    options: TopologyTestDriverOptions = {},
  ) {
    this.app = options.app ?? { id: 'test-app', version: 1 };
    this.now = options.wallClockStartMs ?? 0;
    const fallback = options.defaultPartitions ?? 3;
    const plan = planPartitions(topology, this.app, (t) => options.topicPartitions?.[t] ?? fallback);
    this.topics = new MemoryTopics(plan.partitionsOf);
    for (const sub of topology.subtopologies) {
      const tasks: TaskExecutor[] = [];
      for (let partition = 0; partition < plan.tasksOf(sub.id); partition++) {
        const task = createTaskExecutor({
          app: this.app,
          topology,
          subtopology: sub.id,
          partition,
          resolveTopic: (ref) => this.resolve(ref),
          stores: options.stores ?? memoryStoreFactory,
          collector: { send: (topic, record, sink) => this.pending.push({ topic, record, sink }) },
          clock: () => this.now,
        });
        tasks.push(task);
      }
      for (const name of sub.sourceNodes) {
        const source = topology.nodes.get(name);
        if (source?.kind === 'source') this.consumers.set(this.resolve(source.topic), { source, tasks });
      }
      this.tasks.push(...tasks);
    }
    for (const task of this.tasks) task.init();
  }

  /** The resolved name of a topic reference (repartition topics: `<id>-v<version>-<name>-repartition`). */
  resolve(ref: TopicRef): string {
    return ref.kind === 'external' ? ref.name : internalTopicName(this.app, ref.name, 'repartition');
  }

  createInputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestInputTopic<K, V> {
    return new TestInputTopic(topic, keySerde, valueSerde, (encode) =>
      this.run(async () => {
        const { key, value, timestamp, headers } = await encode();
        const partition = key === null ? this.topics.nextRoundRobin(topic) : partitionForKey(key, this.topics.partitions(topic));
        await this.deliver(this.topics.append({ topic, partition, key, value, timestamp: timestamp ?? this.now, headers }));
        await this.drain();
      }),
    );
  }

  createOutputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestOutputTopic<K, V> {
    return new TestOutputTopic(topic, keySerde, valueSerde, {
      read: (max) => this.topics.read(topic, max),
      unread: () => this.topics.unread(topic),
    });
  }

  /** A read-only view of a store merged over all tasks; undefined if the topology has no such store. */
  getKeyValueStore<K, V>(name: string): ReadOnlyKeyValueStore<K, V> | undefined {
    const spec = this.topology.stores.get(name);
    if (!spec) return undefined;
    return tasksStoreView<K, V>(spec, () => this.tasks.flatMap((t) => t.store(name) ?? []));
  }

  /** Current mocked wall-clock time. */
  get wallClockTimeMs(): number {
    return this.now;
  }

  /** Moves the mocked wall clock forward and fires the wall-clock punctuators that became due. */
  advanceWallClockTime(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`cannot move the wall clock by ${ms} ms`);
    return this.run(async () => {
      this.now += ms;
      for (const task of this.tasks) {
        task.punctuateWallClock(this.now);
        await this.drain();
      }
    });
  }

  /** Closes every task (processors' `close`, stores). */
  close(): Promise<void> {
    return this.run(async () => {
      this.closed = true;
      for (const task of this.tasks) task.close();
    });
  }

  private run(step: () => Promise<void>): Promise<void> {
    const next = this.chain.then(async () => {
      if (this.closed) throw new StreamsError('the test driver is closed');
      try {
        await step();
      } finally {
        this.pending.length = 0;
      }
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async deliver(stored: StoredRecord): Promise<void> {
    const consumer = this.consumers.get(stored.topic);
    if (consumer) {
      const { source, tasks } = consumer;
      const task = tasks[stored.partition];
      if (!task) throw new StreamsError(`no task for ${stored.topic} partition ${stored.partition}`);
      const record = {
        key: stored.key === null ? null : await source.keySerde.deserialize(stored.topic, stored.key),
        value: stored.value === null ? null : await source.valueSerde.deserialize(stored.topic, stored.value),
        timestamp: stored.timestamp,
        headers: stored.headers,
      };
      task.process(stored.topic, record, { topic: stored.topic, partition: stored.partition, offset: String(stored.offset) });
    }
  }

  /** Produces what the tasks sent, feeding topics the topology reads back in, until nothing is left. */
  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const { topic, record, sink } = this.pending.shift() as Pending;
      const key = record.key === null || record.key === undefined ? null : await sink.keySerde.serialize(topic, record.key);
      const value =
        record.value === null || record.value === undefined ? null : await sink.valueSerde.serialize(topic, record.value);
      const partitions = this.topics.partitions(topic);
      const partition = sink.partitioner
        ? sink.partitioner(key, record.value, partitions)
        : key === null
          ? this.topics.nextRoundRobin(topic)
          : partitionForKey(key, partitions);
      const headers: RecordHeaders = record.headers ?? {};
      const stored = this.topics.append({ topic, partition, key, value, timestamp: record.timestamp, headers });
      await this.deliver(stored);
    }
  }
}
