import { CompressionTypes, type IHeaders, type Message, type Producer, type RecordMetadata as KafkaRecordMetadata } from 'kafkajs';
import type { StreamRecord } from '../../api/record';
import type { RecordCollector, RecordScope } from '../task/contract';
import type { SinkNodeSpec } from '../topology/spec';
import { ProductionError, RecordProductionError } from './errors';
import { headersBytes, recordBatchBytes, TopicLimits } from './topic-limits';

/** Messages per produce call (see sendChunk). */
const SEND_CHUNK = 1000;

interface OutgoingMessage {
  readonly topic: string;
  readonly message: Message;
  /** Upper bound of the record's size in a batch of its own. */
  readonly bytes: number;
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
 *
 * Every output is checked against its topic's `max.message.bytes` when it is handed over, and a
 * serializer that throws is caught there: both raise a {@link RecordProductionError} synchronously
 * (or, for asynchronous serdes, from `settleRecord`), inside the processing of the input record
 * that derived it. The outputs of one input record form a scope (`beginRecord`), which
 * `discardRecord` drops when that record is dead-lettered or retried. A produce call never holds
 * more bytes per topic than the topic's limit, so records that fit one by one also fit together.
 */
export class ProducerCollector implements RecordCollector, RecordScope {
  private buffered: (OutgoingMessage | Promise<OutgoingMessage>)[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private scopeStart = -1;
  private scopeAsync = false;
  private scopeFailure: RecordProductionError | undefined;

  constructor(
    private readonly producer: Pick<Producer, 'sendBatch'>,
    private readonly partitionCount: (topic: string) => number | undefined,
    private readonly limits: TopicLimits = new TopicLimits(),
    private readonly compression: CompressionTypes = CompressionTypes.None,
  ) {}

  get bufferedCount(): number {
    return this.buffered.length;
  }

  send(topic: string, record: StreamRecord<unknown, unknown>, sink: SinkNodeSpec): void {
    let key: Buffer | null | Promise<Buffer>;
    let value: Buffer | null | Promise<Buffer>;
    try {
      key = record.key === null || record.key === undefined ? null : sink.keySerde.serialize(topic, record.key);
      value = record.value === null || record.value === undefined ? null : sink.valueSerde.serialize(topic, record.value);
    } catch (error) {
      throw this.refuse(RecordProductionError.serialization(topic, error));
    }
    if (key instanceof Promise || value instanceof Promise) {
      this.scopeAsync = true;
      const pending = Promise.all([key, value]).then(
        ([k, v]) => this.outgoing(topic, record, sink, k, v),
        (error: unknown) => {
          throw RecordProductionError.serialization(topic, error);
        },
      );
      // handled by settleRecord (or, outside a record, by the send that awaits it)
      pending.catch(() => undefined);
      this.buffered.push(pending);
    } else {
      this.buffered.push(this.outgoing(topic, record, sink, key, value));
    }
  }

  /** Starts the scope of one input record's outputs. */
  beginRecord(): void {
    this.scopeStart = this.buffered.length;
    this.scopeAsync = false;
    this.scopeFailure = undefined;
  }

  /** Awaits the asynchronous serializations of the current record (undefined when there are none),
   * checking their sizes; a failure is kept for `takeFailure`. */
  settleRecord(): Promise<void> | undefined {
    if (!this.scopeAsync || this.scopeStart < 0) return undefined;
    const start = this.scopeStart;
    return (async () => {
      for (let i = start; i < this.buffered.length; i++) {
        try {
          this.buffered[i] = await this.buffered[i]!;
        } catch (error) {
          this.scopeFailure ??= error instanceof RecordProductionError ? error : RecordProductionError.serialization('?', error);
          return;
        }
      }
    })();
  }

  /** The production failure of the current record, if any (even when a processor caught it). */
  takeFailure(): RecordProductionError | undefined {
    const failure = this.scopeFailure;
    this.scopeFailure = undefined;
    return failure;
  }

  /** Drops the outputs of the current record. */
  discardRecord(): void {
    if (this.scopeStart >= 0 && this.scopeStart <= this.buffered.length) this.buffered.length = this.scopeStart;
  }

  /** Ends the current record's scope. */
  endRecord(): void {
    this.scopeStart = -1;
    this.scopeAsync = false;
  }

  private refuse(error: RecordProductionError): RecordProductionError {
    if (this.scopeStart >= 0) this.scopeFailure ??= error;
    return error;
  }

  /** The message of one output (a method, not a closure per record: this runs for every output). */
  private outgoing(topic: string, record: StreamRecord<unknown, unknown>, sink: SinkNodeSpec, key: Buffer | null, value: Buffer | null): OutgoingMessage {
    const bytes = recordBatchBytes(key?.length ?? 0, value?.length ?? 0, headersBytes(record.headers));
    const limit = this.limits.get(topic);
    if (limit !== undefined && bytes > limit) throw this.refuse(RecordProductionError.tooLarge(topic, bytes, limit));
    const message: Message = { key, value, timestamp: String(record.timestamp), headers: { ...record.headers } };
    if (sink.partitioner) {
      const count = this.partitionCount(topic);
      if (count !== undefined) message.partition = sink.partitioner(key, record.value, count);
    }
    return { topic, message, bytes };
  }

  /** Hands the buffered outputs to the producer without waiting for the acks. */
  sendBuffered(): void {
    if (this.buffered.length === 0) return;
    const pending = this.buffered;
    this.buffered = [];
    this.scopeStart = -1;
    this.enqueue(async () => {
      const messages = await Promise.all(pending);
      for (const chunk of this.chunks(messages)) await this.sendChunk(chunk);
    });
  }

  /** Produces changelog records after the outputs sent so far; resolves to the last offset per send id. */
  async sendChangelogs(sends: readonly ChangelogSend[]): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    if (sends.length === 0) return result;
    this.sendBuffered();
    const flat = sends.flatMap((s) =>
      s.messages.map((m) => ({
        send: s,
        topic: s.topic,
        message: { ...m, partition: s.partition },
        bytes: recordBatchBytes(m.key?.length ?? 0, (m.value as Buffer | null)?.length ?? 0, headersBytes(m.headers as Record<string, Buffer> | undefined)),
      })),
    );
    await this.enqueue(async () => {
      for (const chunk of this.chunks(flat)) {
        const acks = await this.sendChunk(chunk);
        const counts = new Map<ChangelogSend, number>();
        for (const { send } of chunk) counts.set(send, (counts.get(send) ?? 0) + 1);
        for (const [send, count] of counts) {
          const ack = acks.find((a) => a.topicName === send.topic && a.partition === send.partition);
          if (ack?.baseOffset === undefined) throw new Error(`no ack for changelog ${send.topic}-${send.partition}`);
          const last = String(BigInt(ack.baseOffset) + BigInt(count) - 1n);
          const known = result.get(send.id);
          if (known === undefined || BigInt(last) > BigInt(known)) result.set(send.id, last);
        }
      }
    });
    this.throwIfFailed();
    return result;
  }

  /**
   * Cuts messages into produce calls of at most SEND_CHUNK messages, where the messages of one
   * topic together stay within its limit (kafkajs puts a partition's messages of one call in one
   * batch, which the broker checks against `max.message.bytes` as a whole).
   */
  private *chunks<M extends OutgoingMessage>(messages: readonly M[]): Generator<M[]> {
    let chunk: M[] = [];
    const bytes = new Map<string, number>();
    for (const m of messages) {
      const limit = this.limits.get(m.topic);
      const used = bytes.get(m.topic) ?? 0;
      if (chunk.length >= SEND_CHUNK || (limit !== undefined && used > 0 && used + m.bytes > limit)) {
        yield chunk;
        chunk = [];
        bytes.clear();
      }
      chunk.push(m);
      bytes.set(m.topic, (bytes.get(m.topic) ?? 0) + m.bytes);
    }
    if (chunk.length > 0) yield chunk;
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
    return this.producer.sendBatch({ acks: -1, compression: this.compression, topicMessages: [...byTopic].map(([topic, m]) => ({ topic, messages: m })) });
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

/** Header names come from producers: a null-prototype object, so `__proto__` is just a name. */
export function headersOf(headers: IHeaders | undefined): Record<string, Buffer> {
  const result = Object.create(null) as Record<string, Buffer>;
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = Buffer.isBuffer(first) ? first : Buffer.from(first);
  }
  return result;
}
