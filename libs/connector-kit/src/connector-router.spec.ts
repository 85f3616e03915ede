import { messageId, metadataUpsert } from '@platform/chat-domain';
import type { Message, Metadata, Serde } from '@platform/schemas';
import { partitionForKey, Serdes, Stores, Topology, type KeyValueStore } from '@platform/streams';
import { TopologyTestDriver } from '@platform/streams/testing';
import type { ConnectorDefinition } from './connector';
import { addConnectorRouter, CONNECTOR_ROUTER_NODES } from './connector-router';
import { InvalidRawEventError } from './errors';

const topics = { raw: 'source.toy.events', messages: 'application.communication.messages', metadata: 'application.communication.metadata' };
const json = <T>(): Serde<T> => {
  const serde = Serdes.json<T>();
  return { serialize: async (t, v) => serde.serialize(t, v), deserialize: async (t, d) => serde.deserialize(t, d) };
};
const placement = (key: string, partitions: number) => partitionForKey(Buffer.from(key, 'utf8'), partitions);
const START = 1_700_000_000_000;

/** Raw events are JSON `{id, conv, text}`; a `tag` adds a conversation fact. */
const route: ConnectorDefinition['route'] = (event) => {
  const body = JSON.parse(event.value.toString('utf8')) as { id?: string; conv?: string; text?: string; tag?: string };
  if (!body.id || !body.conv) throw new InvalidRawEventError('toy event without id or conv');
  const message: Message = { id: messageId('channel-1', body.id), conversationId: body.conv, channelId: 'channel-1', source: 'toy', senderId: body.conv, isFromContact: true, deliveryState: 'DELIVERED', content: body.text ?? '', sentAt: event.timestamp, updatedAt: null, sourceRecipientId: null, headers: {} };
  const change = body.tag === undefined ? undefined : metadataUpsert({ kind: 'conversation', id: body.conv }, 'tag', body.tag, event.timestamp);
  return { messages: [message], metadata: change ? [{ change: { id: change.id, record: change.record! }, placementKey: body.conv }] : [] };
};

/** The router composed with an app's own processor and store (as the chat plugin's history): counts messages per conversation. */
function composed() {
  return addConnectorRouter(new Topology(), { topics, serdes: { message: json<Message>(), metadata: json<Metadata>() }, placement, connector: { route }, storeName: 'toy-state' })
    .addSource('messages', topics.messages, { keySerde: Serdes.string(), valueSerde: json<Message>() })
    .addProcessor('count', () => {
      let store: KeyValueStore<string, number>;
      return {
        init: (ctx) => void (store = ctx.getStateStore('toy-counts')),
        process: (record) => {
          const message = record.value as Message | null;
          if (message) store.put(message.conversationId, (store.get(message.conversationId) ?? 0) + 1);
        },
      };
    }, 'messages')
    .addStateStore(Stores.keyValue('toy-counts', Serdes.string(), Serdes.json<number>()), CONNECTOR_ROUTER_NODES.processor, 'count')
    .build();
}

describe('addConnectorRouter (router only, composed with an app topology)', () => {
  let driver: TopologyTestDriver;
  beforeEach(() => {
    driver = new TopologyTestDriver(composed(), { defaultPartitions: 4, app: { id: 'toy', version: 1 } });
  });
  afterEach(() => driver.close());

  const event = (body: object) => Buffer.from(JSON.stringify(body));

  it('forms one subtopology with the app processor sharing a store with it', () => {
    const spec = composed();
    expect(spec.subtopologies).toHaveLength(1);
    expect([...spec.subtopologies[0]!.stores].sort()).toEqual(['toy-counts', 'toy-state']);
  });

  it('routes a duplicated raw event once, places messages and metadata by conversation, and the app processor sees them', async () => {
    const raw = driver.createInputTopic(topics.raw, Serdes.string(), Serdes.buffer());
    await raw.pipeInput('conv-a', event({ id: 'E1', conv: 'conv-a', text: 'hi', tag: 'vip' }), START);
    await raw.pipeInput('conv-a', event({ id: 'E1', conv: 'conv-a', text: 'hi', tag: 'vip' }), START + 1);
    await raw.pipeInput('conv-a', event({ id: 'E2', conv: 'conv-a', text: 'again' }), START + 2);
    const out = await driver.createOutputTopic(topics.messages, Serdes.string(), json<Message>()).readRecordsToList();
    expect(out.map((r) => [r.key, r.partition, r.value?.content])).toEqual([
      [messageId('channel-1', 'E1'), placement('conv-a', 4), 'hi'],
      [messageId('channel-1', 'E2'), placement('conv-a', 4), 'again'],
    ]);
    // Metadata is not deduplicated by message id: a fact is an upsert, written again harmlessly.
    const facts = await driver.createOutputTopic(topics.metadata, Serdes.string(), json<Metadata>()).readRecordsToList();
    expect(facts.map((r) => [r.partition, r.value?.identifier, r.value?.key, r.value?.value])).toEqual([
      [placement('conv-a', 4), 'conv-a', 'tag', 'vip'],
      [placement('conv-a', 4), 'conv-a', 'tag', 'vip'],
    ]);
    expect(driver.getKeyValueStore<string, number>('toy-counts')!.get('conv-a')).toBe(2);
  });

  it('refuses a raw event the connector cannot map, or one without a value (dead-lettered by the application)', async () => {
    const raw = driver.createInputTopic(topics.raw, Serdes.string(), Serdes.buffer());
    await expect(raw.pipeInput('bad', event({ text: 'no id' }))).rejects.toThrow(new InvalidRawEventError('toy event without id or conv'));
    await expect(raw.pipeInput('gone', null)).rejects.toBeInstanceOf(InvalidRawEventError);
    expect(driver.createOutputTopic(topics.messages, Serdes.string(), json<Message>()).isEmpty()).toBe(true);
  });
});
