import type { Producer } from 'kafkajs';
import { errorMessage, silentLogger, type Logger } from '@platform/common';
import type { MetadataChange, MetadataSubject } from '@platform/chat-domain';
import type { Channel, Message, ReadReceipt, Serde, Tag, Template } from '@platform/schemas';
import type { QueryPosition } from '@platform/streams';
import type { ChatSerdes } from './serdes';
import type { ChatTopics } from './chat-topics';
import { isBrokerUnavailable } from './broker-failure';
import { BrokerUnavailableError, ChatStreamsError, PartitioningError, WriteError } from './errors';
import { metadataPlacementKey, placementPartition } from './partitioning';

/** Where a write landed: the position a read-your-writes query waits for. */
export type WritePosition = QueryPosition & { readonly offset: string };

export interface ChatWriterOptions {
  /**
   * Longest wait for the broker to confirm a write (default 5000 ms). Past it the write fails with
   * `BrokerUnavailableError` (`maybeWritten: true`): the produce keeps running in the background and
   * may still land; its late outcome is logged.
   */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

export const defaultWriteTimeoutMs = 5000;

interface Outgoing {
  readonly key: string;
  readonly value: Buffer | null;
  readonly partition: number;
}

/**
 * The one way the apps write chat entities: serializes with the registry serdes, places each record
 * by the partitioning rules (see partitioning.ts) and returns the position of the (last) record
 * written, so the caller can wait until its own store has applied it. Give it an idempotent
 * producer (`kafka.producer({ idempotent: true })`); the writer neither connects nor closes it.
 *
 * Broker outages: a produce the broker refuses as unavailable (no connection, no leader, timeouts,
 * kafkajs retries spent) or does not confirm within `timeoutMs` fails with `BrokerUnavailableError`
 * (retriable: apps answer 503 + Retry-After), never with an unclassified error.
 */
export class ChatWriter {
  private readonly timeoutMs: number;
  private readonly logger: Logger;

  constructor(
    private readonly producer: Producer,
    private readonly topics: ChatTopics,
    private readonly serdes: ChatSerdes,
    options: ChatWriterOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? defaultWriteTimeoutMs;
    this.logger = options.logger ?? silentLogger;
    if (!Number.isInteger(this.timeoutMs) || this.timeoutMs <= 0) throw new ChatStreamsError(`timeoutMs must be a positive integer, not ${this.timeoutMs}`);
  }

  /** A new message or a new delivery state of one (same id). */
  writeMessage(message: Message): Promise<WritePosition> {
    const topic = this.topics.messages;
    return this.single(topic, message.id, message, this.serdes.message, message.conversationId);
  }

  writeReadReceipt(receipt: ReadReceipt): Promise<WritePosition> {
    const topic = this.topics.readReceipts;
    return this.single(topic, receipt.conversationId, receipt, this.serdes.readReceipt, receipt.conversationId);
  }

  /**
   * Metadata facts about one subject (upserts and tombstones), in one produce call on one partition.
   * Message facts need `messageConversationId`.
   */
  async writeMetadata(subject: MetadataSubject, changes: readonly MetadataChange[], messageConversationId?: string): Promise<WritePosition> {
    if (changes.length === 0) throw new ChatStreamsError('writeMetadata needs at least one change');
    const topic = this.topics.metadata;
    const placement = metadataPlacementKey({ subject: subject.kind, identifier: subject.id }, messageConversationId);
    const partition = placementPartition(placement, this.partitionsOf(topic));
    const outgoing: Outgoing[] = [];
    for (const change of changes) {
      if (change.record && (change.record.subject !== subject.kind || change.record.identifier !== subject.id)) {
        throw new PartitioningError(`metadata record ${change.id} is about ${change.record.subject}:${change.record.identifier}, not ${subject.kind}:${subject.id}`);
      }
      const value = change.record ? await this.serialize(topic, change.record, this.serdes.metadata) : null;
      outgoing.push({ key: change.id, value, partition });
    }
    return this.send(topic, outgoing);
  }

  writeChannel(channel: Channel): Promise<WritePosition> {
    const topic = this.topics.channels;
    return this.single(topic, channel.id, channel, this.serdes.channel, channel.id);
  }

  /** A tag, or its tombstone (`null`) to delete it. */
  writeTag(id: string, tag: Tag | null): Promise<WritePosition> {
    return this.single(this.topics.tags, id, tag, this.serdes.tag, id);
  }

  /** A template, or its tombstone (`null`) to delete it. */
  writeTemplate(id: string, template: Template | null): Promise<WritePosition> {
    return this.single(this.topics.templates, id, template, this.serdes.template, id);
  }

  /** Raw bytes (e.g. an untouched provider event to `source.<provider>.events`), placed by `placementKey` (default: the key). */
  writeRaw(topic: string, key: string, value: Buffer, placementKey: string = key): Promise<WritePosition> {
    return this.send(topic, [{ key, value, partition: placementPartition(placementKey, this.partitionsOf(topic)) }]);
  }

  private async single<T>(topic: string, key: string, value: T | null, serde: Serde<T>, placementKey: string): Promise<WritePosition> {
    const bytes = value === null ? null : await this.serialize(topic, value, serde);
    return this.send(topic, [{ key, value: bytes, partition: placementPartition(placementKey, this.partitionsOf(topic)) }]);
  }

  private async serialize<T>(topic: string, value: T, serde: Serde<T>): Promise<Buffer> {
    try {
      return await serde.serialize(topic, value);
    } catch (error) {
      throw new WriteError(`cannot serialize a record for ${topic}: ${errorMessage(error)}`, topic, { cause: error });
    }
  }

  private async send(topic: string, messages: readonly Outgoing[]): Promise<WritePosition> {
    const metadata = await this.produce(topic, messages);
    const last = messages[messages.length - 1]!;
    const sent = metadata.find((m) => m.partition === last.partition);
    if (!sent?.baseOffset) throw new WriteError(`the broker did not report the offset of the write to ${topic}`, topic);
    const count = messages.filter((m) => m.partition === last.partition).length;
    return { topic, partition: last.partition, offset: (BigInt(sent.baseOffset) + BigInt(count - 1)).toString() };
  }

  /** The producer's answer, or BrokerUnavailableError when the broker refuses as unavailable or misses the deadline. */
  private async produce(topic: string, messages: readonly Outgoing[]) {
    const sending = this.producer.send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value, partition: m.partition })) });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), this.timeoutMs)));
    try {
      const outcome = await Promise.race([sending, deadline]);
      if (outcome !== 'deadline') return outcome;
    } catch (error) {
      if (isBrokerUnavailable(error)) throw new BrokerUnavailableError(`the broker cannot take writes to ${topic} now`, topic, false, { cause: error });
      throw new WriteError(`cannot write to ${topic}: ${errorMessage(error)}`, topic, { cause: error });
    } finally {
      clearTimeout(timer);
    }
    // Past the deadline the produce is still in flight: it may land (the caller was told it may have).
    sending.then(
      () => this.logger.warn('a write answered as unavailable was written after the deadline', { topic, timeoutMs: this.timeoutMs }),
      (error: unknown) => this.logger.warn('a write answered as unavailable failed after the deadline', { topic, error: errorMessage(error) }),
    );
    throw new BrokerUnavailableError(`the broker did not confirm the write to ${topic} within ${this.timeoutMs} ms; it may still be written`, topic, true);
  }

  private partitionsOf(topic: string): number {
    const count = this.topics.partitions.get(topic);
    if (!count) throw new PartitioningError(`topic ${topic} is not a chat topic`);
    return count;
  }
}
