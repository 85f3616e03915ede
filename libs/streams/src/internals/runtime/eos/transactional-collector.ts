import { CompressionTypes, type Producer, type Transaction } from 'kafkajs';
import type { StreamRecord } from '../../../api/record';
import type { RecordCollector, RecordScope } from '../../task/contract';
import type { SinkNodeSpec } from '../../topology/spec';
import { ProducerCollector, type ChangelogSend } from '../record-collector';
import type { TopicLimits } from '../topic-limits';

/**
 * The record collector of one task under exactly-once. Outputs are serialized and buffered like
 * the at-least-once collector does, but every batch goes into the task's current Kafka
 * transaction, which is begun lazily by the first send after a commit or abort. Each transaction
 * gets a fresh inner collector, so a failed send never outlives the transaction it broke.
 */
export class TransactionalCollector implements RecordCollector, RecordScope {
  private inner: ProducerCollector;
  private current: Promise<Transaction> | undefined;
  private generation = 0;

  constructor(
    private readonly producer: Producer,
    private readonly partitionCount: (topic: string) => number | undefined,
    private readonly limits?: TopicLimits,
    private readonly compression: CompressionTypes = CompressionTypes.None,
  ) {
    this.inner = this.fresh();
  }

  get bufferedCount(): number {
    return this.inner.bufferedCount;
  }

  /** True when a transaction was begun (something was handed to the producer since the last end). */
  get inTransaction(): boolean {
    return this.current !== undefined;
  }

  send(topic: string, record: StreamRecord<unknown, unknown>, sink: SinkNodeSpec): void {
    this.inner.send(topic, record, sink);
  }

  beginRecord(): void {
    this.inner.beginRecord();
  }

  settleRecord(): Promise<void> | undefined {
    return this.inner.settleRecord();
  }

  takeFailure(): Error | undefined {
    return this.inner.takeFailure();
  }

  discardRecord(): void {
    this.inner.discardRecord();
  }

  endRecord(): void {
    this.inner.endRecord();
  }

  sendBuffered(): void {
    this.inner.sendBuffered();
  }

  sendChangelogs(sends: readonly ChangelogSend[]): Promise<Map<string, string>> {
    return this.inner.sendChangelogs(sends);
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  /** The open transaction, begun now if needed. */
  transaction(): Promise<Transaction> {
    if (!this.current) this.current = this.producer.transaction();
    return this.current;
  }

  /** Forgets the ended (or broken) transaction and anything still buffered for it. */
  reset(): void {
    this.current = undefined;
    this.inner = this.fresh();
  }

  private fresh(): ProducerCollector {
    const generation = ++this.generation;
    const sendBatch: Producer['sendBatch'] = async (batch) => {
      // a send queued for a transaction that has since ended must not open the next one
      if (generation !== this.generation) throw new Error('transaction already ended');
      return (await this.transaction()).sendBatch(batch);
    };
    return new ProducerCollector({ sendBatch }, this.partitionCount, this.limits, this.compression);
  }
}
