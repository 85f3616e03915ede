import { Partitioners, type CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import type { ChangelogSend } from '../record-collector';
import { TransactionalCollector } from './transactional-collector';
import type { TopicLimits } from '../topic-limits';

export interface InputPosition {
  readonly topic: string;
  readonly partition: number;
  /** Next offset to consume. */
  readonly offset: string;
}

export interface TaskTransactionOptions {
  readonly kafka: Kafka;
  readonly transactionalId: string;
  readonly partitionCount: (topic: string) => number | undefined;
  /** `max.message.bytes` of the topics the task writes (records over it are refused when handed over). */
  readonly limits?: TopicLimits;
  /** Codec of the batches it writes (default none). */
  readonly compression?: CompressionTypes;
  /** Kafka transaction timeout (default 60 000 ms): an open transaction of a dead producer blocks
   * read-committed consumers of its partitions at most this long (or until the next owner fences it). */
  readonly transactionTimeoutMs?: number;
}

/**
 * The transactional producer of one task under exactly-once. Opening it initializes the
 * transactional id, which bumps the producer epoch: any older producer with the same id (a zombie
 * still running the task elsewhere) is fenced, and its open transaction is aborted by the broker.
 *
 * A commit is one Kafka transaction: the outputs handed over since the last commit (already
 * streaming into the transaction), the changelog records, the task's input offsets for the
 * consumer group, then EndTxn. Any failure aborts (best effort) and rethrows.
 */
export class TaskTransaction {
  readonly collector: TransactionalCollector;

  private constructor(
    readonly transactionalId: string,
    private readonly producer: Producer,
    partitionCount: (topic: string) => number | undefined,
    limits?: TopicLimits,
    compression?: CompressionTypes,
  ) {
    this.collector = new TransactionalCollector(producer, partitionCount, limits, compression);
  }

  /** Connects and fences older producers of the same transactional id. */
  static async open(options: TaskTransactionOptions): Promise<TaskTransaction> {
    const producer = options.kafka.producer({
      transactionalId: options.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      transactionTimeout: options.transactionTimeoutMs ?? 60_000,
    });
    await producer.connect();
    try {
      // InitProducerId happens on the first transaction(); aborting it unused sends nothing.
      const fence = await producer.transaction();
      await fence.abort();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    return new TaskTransaction(options.transactionalId, producer, options.partitionCount, options.limits, options.compression);
  }

  /**
   * Commits the task's transaction; resolves to the last changelog offset per send id. Nothing is
   * sent when there is nothing to commit.
   */
  async commit(sends: readonly ChangelogSend[], offsets: readonly InputPosition[], groupId: string): Promise<Map<string, string>> {
    const idle = sends.length === 0 && offsets.length === 0 && this.collector.bufferedCount === 0 && !this.collector.inTransaction;
    if (idle) return new Map();
    try {
      const changelogOffsets = await this.collector.sendChangelogs(sends);
      await this.collector.flush();
      const transaction = await this.collector.transaction();
      if (offsets.length > 0) await transaction.sendOffsets({ consumerGroupId: groupId, topics: byTopic(offsets) });
      await transaction.commit();
      this.collector.reset();
      return changelogOffsets;
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  /** Aborts the open transaction, if any (best effort: a fenced producer cannot abort), and drops
   * whatever was buffered for it. */
  async abort(): Promise<void> {
    const open = this.collector.inTransaction ? this.collector.transaction() : undefined;
    this.collector.reset();
    if (!open) return;
    try {
      const transaction = await open;
      if (transaction.isActive()) await transaction.abort();
    } catch {
      // fenced or disconnected: the broker aborts it when the next owner initializes the id
    }
  }

  async close(): Promise<void> {
    await this.abort();
    await this.producer.disconnect().catch(() => undefined);
  }
}

function byTopic(offsets: readonly InputPosition[]): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const topics = new Map<string, { partition: number; offset: string }[]>();
  for (const o of offsets) {
    const list = topics.get(o.topic) ?? [];
    list.push({ partition: o.partition, offset: o.offset });
    topics.set(o.topic, list);
  }
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}
