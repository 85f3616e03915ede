import type { Admin, Kafka, Producer } from 'kafkajs';
import { metadataUpsert, metadataRemoval } from '@platform/chat-domain';
import { createSchemaRegistry, type Channel, type Message } from '@platform/schemas';
import { applyTopics, allTopics } from '@platform/topics';
import { newKafka, registryUrl, uniqueName } from '@platform/testing';
import { chatTopics, withActualPartitions, type ChatTopics } from './chat-topics';
import { chatSerdes, type ChatSerdes } from './serdes';
import { ChatWriter } from './writer';
import { GlobalTable } from './global-table';
import { placementPartition } from './partitioning';
import { PartitioningError } from './errors';

const message = (id: string, conversationId: string): Message => ({
  id,
  conversationId,
  channelId: 'channel-1',
  source: 'chatplugin',
  senderId: 'visitor',
  isFromContact: true,
  deliveryState: 'DELIVERED',
  content: JSON.stringify({ text: id }),
  sentAt: 1_700_000_000_000,
  updatedAt: null,
  sourceRecipientId: null,
  headers: {},
});

const channel = (id: string): Channel => ({ id, source: 'chatplugin', sourceChannelId: id, connectionState: 'CONNECTED', token: null, createdAt: 1 });

describe('chat-streams on a real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let topics: ChatTopics;
  let serdes: ChatSerdes;
  let writer: ChatWriter;
  const tables: GlobalTable<unknown>[] = [];

  beforeAll(async () => {
    kafka = newKafka('chat-streams-spec');
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    await Promise.all([admin.connect(), producer.connect()]);
    const namespace = uniqueName('cs');
    await applyTopics(admin, allTopics, { namespace });
    topics = await withActualPartitions(chatTopics(namespace), admin);
    serdes = chatSerdes(createSchemaRegistry({ url: registryUrl() }));
    writer = new ChatWriter(producer, topics, serdes);
  });
  afterAll(async () => {
    for (const table of tables) await table.close();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  it('places messages and conversation metadata by conversation id and reports the offset written', async () => {
    const conversations = ['conv-a', 'conv-b', 'conv-c', 'conv-d'];
    for (const conversation of conversations) {
      const expected = placementPartition(conversation, topics.partitions.get(topics.messages)!);
      const first = await writer.writeMessage(message(`${conversation}-m1`, conversation));
      const second = await writer.writeMessage(message(`${conversation}-m2`, conversation));
      expect(first).toMatchObject({ topic: topics.messages, partition: expected });
      expect(second.partition).toBe(expected);
      expect(BigInt(second.offset)).toBe(BigInt(first.offset) + 1n);

      const subject = { kind: 'conversation' as const, id: conversation };
      const changes = [metadataUpsert(subject, 'state', 'OPEN', 1), metadataUpsert(subject, 'contact.display_name', 'Ada', 1)];
      const metadata = await writer.writeMetadata(subject, changes);
      expect(metadata.partition).toBe(placementPartition(conversation, topics.partitions.get(topics.metadata)!));
      // Two records in one call: the position is the second one's offset.
      const offsets = await admin.fetchTopicOffsets(topics.metadata);
      expect(BigInt(offsets.find((o) => o.partition === metadata.partition)!.high) - 1n).toBe(BigInt(metadata.offset));
    }
  });

  it('refuses message metadata without the conversation it belongs to, and records about another subject', async () => {
    const subject = { kind: 'message' as const, id: 'message-1' };
    await expect(writer.writeMetadata(subject, [metadataUpsert(subject, 'source.id', 'x', 1)])).rejects.toBeInstanceOf(PartitioningError);
    const placed = await writer.writeMetadata(subject, [metadataUpsert(subject, 'source.id', 'x', 1)], 'conv-of-message');
    expect(placed.partition).toBe(placementPartition('conv-of-message', topics.partitions.get(topics.metadata)!));
    const other = { kind: 'conversation' as const, id: 'conv-x' };
    await expect(writer.writeMetadata(other, [metadataUpsert({ kind: 'conversation', id: 'conv-y' }, 'state', 'OPEN', 1)])).rejects.toBeInstanceOf(PartitioningError);
    await expect(writer.writeMetadata(other, [metadataRemoval(other, 'state')])).resolves.toMatchObject({ topic: topics.metadata });
  });

  it('loads a global table with everything written before start, then follows writes and tombstones', async () => {
    await writer.writeChannel(channel('ch-1'));
    await writer.writeChannel(channel('ch-2'));
    const table = new GlobalTable<Channel>({ kafka, topic: topics.channels, serde: serdes.channel, groupIdPrefix: uniqueName('cs-global') });
    tables.push(table as GlobalTable<unknown>);
    await table.start();
    expect(table.get('ch-1')).toMatchObject({ id: 'ch-1', connectionState: 'CONNECTED' });
    expect(table.get('ch-2')).toBeDefined();

    const changes: [string, Channel | null][] = [];
    table.onChange((key, value) => changes.push([key, value]));
    const disconnected = await writer.writeChannel({ ...channel('ch-1'), connectionState: 'DISCONNECTED' });
    await expect(table.waitForPosition(disconnected.partition, disconnected.offset, 20_000)).resolves.toBe(true);
    expect(table.get('ch-1')?.connectionState).toBe('DISCONNECTED');
    expect(changes).toEqual([['ch-1', expect.objectContaining({ connectionState: 'DISCONNECTED' })]]);

    const tombstone = await writer.writeTag('tag-1', null);
    const tags = new GlobalTable({ kafka, topic: topics.tags, serde: serdes.tag, groupIdPrefix: uniqueName('cs-tags') });
    tables.push(tags as GlobalTable<unknown>);
    await writer.writeTag('tag-2', { id: 'tag-2', name: 'vip', color: 'BLUE' });
    await tags.start();
    expect(tags.get('tag-1')).toBeUndefined();
    expect(BigInt(tombstone.offset)).toBeGreaterThanOrEqual(0n);
    await expect(tags.waitForPosition(0, 1_000_000, 50)).resolves.toBe(false);

    // Read your own write made elsewhere: catchUp waits for what the topic held when called.
    await writer.writeTag('tag-3', { id: 'tag-3', name: 'new', color: 'RED' });
    await expect(tags.catchUp(20_000)).resolves.toBe(true);
    expect(tags.get('tag-3')).toMatchObject({ name: 'new' });
    // Already current: answers at once.
    await expect(tags.catchUp(20_000)).resolves.toBe(true);
  });
});
