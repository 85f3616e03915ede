import type { IHeaders, Message, Producer, RecordMetadata as KafkaRecordMetadata } from 'kafkajs';
import type { StreamRecord } from '../../api/record';
import type { RecordCollector } from '../task/contract';
import type { SinkNodeSpec } from '../topology/spec';
import { ProductionError } from './errors';

/** Messages per produce call (see sendChunk). */
const SEND_CHUNK = 1000;

interface OutgoingMessage {
  readonly topic: string;
  readonly message: Message;
}

/** Records to append to one changelog partition; the result is the offset of the last one. */
export interface ChangelogSend {
  readonly id: string;
  readonly topic: string;
  readonly partition: number;
  readonly messages: Message[];
}

/**
 * The production RecordCollector: serializes outputs (awaiting async serdes), buffers them in
 * order and sends them in batches through one producer. Sends are chained, so batches reach the
 * broker in processing order. `flush()` resolves once everything handed over so far is acked
 * (acks = all) and rethrows the first send failure.
 */
export class ProducerCollector implements RecordCollector {
  private buffered: (OutgoingMessage | Promise<OutgoingMessage>)[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly producer: Pick<Producer, 'sendBatch'>,
    private readonly partitionCount: (topic: string) => number | undefined,
  ) {}

  get bufferedCount(): number {
    return this.buffered.length;
  }

  send(topic: string, record: StreamRecord<unknown, unknown>, sink: SinkNodeSpec): void {
    const key = record.key === null || record.key === undefined ? null : sink.keySerde.serialize(topic, record.key);
    const value =
      record.value === null || record.value === undefined ? null : sink.valueSerde.serialize(topic, record.value);
    if (key instanceof Promise || value instanceof Promise) {
      this.buffered.push(Promise.all([key, value]).then(([k, v]) => this.outgoing(topic, record, sink, k, v)));
    } else {
      this.buffered.push(this.outgoing(topic, record, sink, key, value));
    }
  }

  /** The message of one output (a method, not a closure per record: this runs for every output). */
  private outgoing(topic: string, record: StreamRecord<unknown, unknown>, sink: SinkNodeSpec, key: Buffer | null, value: Buffer | null): OutgoingMessage {
    const message: Message = { key, value, timestamp: String(record.timestamp), headers: { ...record.headers } };
    if (sink.partitioner) {
      const count = this.partitionCount(topic);
      if (count !== undefined) message.partition = sink.partitioner(key, record.value, count);
    }
    return { topic, message };
  }

  /** Hands the buffered outputs to the producer without waiting for the acks. */
  sendBuffered(): void {
    if (this.buffered.length === 0) return;
    const pending = this.buffered;
    this.buffered = [];
    this.enqueue(async () => {
      const messages = await Promise.all(pending);
      for (let i = 0; i < messages.length; i += SEND_CHUNK) await this.sendChunk(messages.slice(i, i + SEND_CHUNK));
    });
  }

  /** Produces changelog records after the outputs sent so far; resolves to the last offset per send id. */
  async sendChangelogs(sends: readonly ChangelogSend[]): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    if (sends.length === 0) return result;
    this.sendBuffered();
    const flat = sends.flatMap((s) => s.messages.map((m) => ({ send: s, topic: s.topic, message: { ...m, partition: s.partition } })));
    await this.enqueue(async () => {
      for (let i = 0; i < flat.length; i += SEND_CHUNK) {
        const chunk = flat.slice(i, i + SEND_CHUNK);
        const acks = await this.sendChunk(chunk);
        const counts = new Map<ChangelogSend, number>();
        for (const { send } of chunk) counts.set(send, (counts.get(send) ?? 0) + 1);
        for (const [send, count] of counts) {
          const ack = acks.find((a) => a.topicName === send.topic && a.partition === send.partition);
          if (ack?.baseOffset === undefined) throw new Error(`no ack for changelog ${send.topic}-${send.partition}`);
          result.set(send.id, String(BigInt(ack.baseOffset) + BigInt(count) - 1n));
        }
      }
    });
    this.throwIfFailed();
    return result;
  }

  /**
   * One produce round trip. Chunks stay small because kafkajs groups messages per partition with
   * an array copy per message (quadratic in the messages per partition of one call).
   */
  private sendChunk(messages: readonly OutgoingMessage[]): Promise<KafkaRecordMetadata[]> {
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of messages) {
      const list = byTopic.get(topic) ?? [];
      list.push(message);
      byTopic.set(topic, list);
    }
    return this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, m]) => ({ topic, messages: m })) });
  }

  /** Sends what is buffered and waits for every ack so far. */
  async flush(): Promise<void> {
    this.sendBuffered();
    await this.chain;
    this.throwIfFailed();
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        await job();
      } catch (error) {
        this.failure = error;
      }
    });
    return this.chain;
  }

  private throwIfFailed(): void {
    if (this.failure) throw new ProductionError(this.failure);
  }
}

export function headersOf(headers: IHeaders | undefined): Record<string, Buffer> {
  const result: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = Buffer.isBuffer(first) ? first : Buffer.from(first);
  }
  return result;
}
