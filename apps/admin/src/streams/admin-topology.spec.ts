import { channelId, metadataRemoval, metadataUpsert } from '@platform/chat-domain';
import { chatTopics } from '@platform/chat-streams';
import { jsonSerde, stringSerde, type Channel, type Metadata, type Tag, type Template } from '@platform/schemas';
import { TopologyTestDriver } from '@platform/streams/testing';
import { adminTopology } from './admin-topology';
import { channelDocumentPayload, type ChannelDocument } from './channel-document';
import { AdminStores } from './stores';

const topics = chatTopics('unit');
const serdes = { channel: jsonSerde<Channel>(), metadata: jsonSerde<Metadata>(), tag: jsonSerde<Tag>(), template: jsonSerde<Template>() };

const channel = (sourceChannelId: string, state: Channel['connectionState'] = 'CONNECTED'): Channel => ({
  id: channelId('chatplugin', sourceChannelId),
  source: 'chatplugin',
  sourceChannelId,
  connectionState: state,
  token: null,
  createdAt: 1,
});

describe('admin topology', () => {
  let driver: TopologyTestDriver;
  // In production ChatWriter places channel records and their metadata on the same partition (by
  // channel id); the driver places by Kafka key, so the co-partitioned pair runs on one partition here.
  beforeEach(() => {
    driver = new TopologyTestDriver(adminTopology(topics, serdes), {
      topicPartitions: { [topics.channels]: 1, [topics.metadata]: 1, [topics.tags]: 1, [topics.templates]: 1 },
    });
  });
  afterEach(() => driver.close());

  const channels = () => driver.createInputTopic(topics.channels, stringSerde, serdes.channel);
  const metadata = () => driver.createInputTopic(topics.metadata, stringSerde, serdes.metadata);
  const document = (id: string) => driver.getKeyValueStore<string, ChannelDocument>(AdminStores.channels)!.get(id);

  it('keeps a channel with its channel metadata, assembled into Airy payload', async () => {
    const c = channel('site-a');
    await channels().pipeInput(c.id, c);
    const subject = { kind: 'channel' as const, id: c.id };
    for (const change of [metadataUpsert(subject, 'name', 'Website', 10), metadataUpsert(subject, 'image_url', 'https://x/y.png', 10)]) {
      await metadata().pipeInput(change.id, change.record);
    }
    expect(channelDocumentPayload(document(c.id))).toEqual({
      id: c.id,
      source: 'chatplugin',
      source_channel_id: 'site-a',
      connected: true,
      metadata: { name: 'Website', image_url: 'https://x/y.png' },
    });
  });

  it('ignores metadata about other subjects and applies channel metadata tombstones through the index', async () => {
    const c = channel('site-b');
    await channels().pipeInput(c.id, c);
    const conversation = metadataUpsert({ kind: 'conversation', id: c.id }, 'state', 'OPEN', 1);
    await metadata().pipeInput(conversation.id, conversation.record);
    expect(document(c.id)?.metadata).toEqual({});

    const subject = { kind: 'channel' as const, id: c.id };
    const name = metadataUpsert(subject, 'name', 'Shop', 5);
    await metadata().pipeInput(name.id, name.record);
    expect(channelDocumentPayload(document(c.id))?.metadata).toEqual({ name: 'Shop' });
    const removal = metadataRemoval(subject, 'name');
    await metadata().pipeInput(removal.id, null);
    // Without a name, Airy shows the source channel id.
    expect(channelDocumentPayload(document(c.id))?.metadata).toEqual({ name: 'site-b' });
    expect(driver.getKeyValueStore<string, string>(AdminStores.channelMetadataIndex)!.get(removal.id)).toBeUndefined();
    // A tombstone nobody indexed (another subject's fact) changes nothing.
    await metadata().pipeInput(conversation.id, null);
    expect(document(c.id)?.channel).toEqual(c);
  });

  it('keeps facts that arrive before their channel, and an older fact never rolls a newer one back', async () => {
    const c = channel('site-c');
    const subject = { kind: 'channel' as const, id: c.id };
    const newer = metadataUpsert(subject, 'name', 'New', 20);
    const older = metadataUpsert(subject, 'name', 'Old', 10);
    await metadata().pipeInput(newer.id, newer.record);
    expect(channelDocumentPayload(document(c.id))).toBeUndefined();
    await metadata().pipeInput(older.id, older.record);
    await channels().pipeInput(c.id, c);
    expect(channelDocumentPayload(document(c.id))?.metadata).toEqual({ name: 'New' });
  });

  it('shows a disconnect, and forgets a channel whose record is tombstoned and has no facts', async () => {
    const c = channel('site-d');
    await channels().pipeInput(c.id, c);
    await channels().pipeInput(c.id, { ...c, connectionState: 'DISCONNECTED' });
    expect(channelDocumentPayload(document(c.id))?.connected).toBe(false);
    await channels().pipeInput(c.id, null);
    expect(document(c.id)).toBeUndefined();
  });

  it('keeps the latest tag and template per id and deletes them on tombstones', async () => {
    const tags = driver.createInputTopic(topics.tags, stringSerde, serdes.tag);
    const templates = driver.createInputTopic(topics.templates, stringSerde, serdes.template);
    await tags.pipeInput('t1', { id: 't1', name: 'vip', color: 'BLUE' });
    await tags.pipeInput('t1', { id: 't1', name: 'VIP', color: 'RED' });
    await tags.pipeInput('t2', { id: 't2', name: 'spam', color: 'GREEN' });
    await tags.pipeInput('t2', null);
    const tagStore = driver.getKeyValueStore<string, Tag>(AdminStores.tags)!;
    expect([...tagStore.all()]).toEqual([{ key: 't1', value: { id: 't1', name: 'VIP', color: 'RED' } }]);

    const template: Template = { id: 'x', name: 'greeting', source: 'chatplugin', content: '{"text":"hi"}' };
    await templates.pipeInput('x', template);
    expect(driver.getKeyValueStore<string, Template>(AdminStores.templates)!.get('x')).toEqual(template);
    await templates.pipeInput('x', null);
    expect(driver.getKeyValueStore<string, Template>(AdminStores.templates)!.get('x')).toBeUndefined();
  });
});
