import type { Producer } from 'kafkajs';
import { errorMessage } from '@platform/common';
import type { MetadataChange, MetadataSubject } from '@platform/chat-domain';
import type { Channel, Message, ReadReceipt, Serde, Tag, Template } from '@platform/schemas';
import type { QueryPosition } from '@platform/streams';
import type { ChatSerdes } from './serdes';
import type { ChatTopics } from './chat-topics';
import { ChatStreamsError, PartitioningError, WriteError } from './errors';
import { metadataPlacementKey, placementPartition } from './partitioning';

/** Where a write landed: the position a read-your-writes query waits for. */
export type WritePosition = QueryPosition & { readonly offset: string };

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
 */
export class ChatWriter {
  constructor(
    private readonly producer: Producer,
    private readonly topics: ChatTopics,
    private readonly serdes: ChatSerdes,
  ) {}

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
    let metadata;
    try {
      metadata = await this.producer.send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value, partition: m.partition })) });
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      throw new WriteError(`cannot write to ${topic}: ${errorMessage(error)}`, topic, { cause: error, retriable });
    }
    const last = messages[messages.length - 1]!;
    const sent = metadata.find((m) => m.partition === last.partition);
    if (!sent?.baseOffset) throw new WriteError(`the broker did not report the offset of the write to ${topic}`, topic);
    const count = messages.filter((m) => m.partition === last.partition).length;
    return { topic, partition: last.partition, offset: (BigInt(sent.baseOffset) + BigInt(count - 1)).toString() };
  }

  private partitionsOf(topic: string): number {
    const count = this.topics.partitions.get(topic);
    if (!count) throw new PartitioningError(`topic ${topic} is not a chat topic`);
    return count;
  }
}
