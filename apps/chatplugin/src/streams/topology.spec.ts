import { maxMessageContentBytes, messageId } from '@platform/chat-domain';
import { placementPartition } from '@platform/chat-streams';
import { InvalidRawEventError } from '@platform/connector-kit';
import type { Message, Metadata, Serde } from '@platform/schemas';
import { Serdes } from '@platform/streams';
import { TopologyTestDriver, type TestInputTopic } from '@platform/streams/testing';
import { HISTORY_STORE, historyKey, historyRange } from './history-keys';
import { encodeRawEvent, type ChatpluginRawEvent } from './raw-event';
import { buildChatpluginTopology } from './topology';

const topics = { chatpluginEvents: 'source.chatplugin.events', messages: 'application.communication.messages', metadata: 'application.communication.metadata' };
/** The registry's Avro serdes in production; JSON here (the driver is indifferent). */
const jsonSerde = <T>(): Serde<T> => {
  const json = Serdes.json<T>();
  return { serialize: async (topic, value) => json.serialize(topic, value), deserialize: async (topic, data) => json.deserialize(topic, data) };
};
const messageSerde = jsonSerde<Message>();
const serdes = { message: messageSerde, metadata: jsonSerde<Metadata>() };
const newDriver = () => new TopologyTestDriver(buildChatpluginTopology(topics, serdes), { defaultPartitions: 10, app: { id: 'chatplugin', version: 1 } });

const event = (overrides: Partial<ChatpluginRawEvent> = {}): ChatpluginRawEvent => ({
  type: 'message',
  id: 'event-1',
  channel_id: 'channel-1',
  conversation_id: 'conversation-1',
  sent_at: 1_700_000_000_000,
  message: { text: 'hello' },
  ...overrides,
});

const outbound = (overrides: Partial<Message> = {}): Message => ({
  id: 'reply-1',
  conversationId: 'conversation-1',
  channelId: 'channel-1',
  source: 'chatplugin',
  senderId: 'agent-1',
  isFromContact: false,
  deliveryState: 'PENDING',
  content: JSON.stringify({ text: 'hi, how can I help?' }),
  sentAt: 1_700_000_001_000,
  updatedAt: null,
  sourceRecipientId: null,
  headers: {},
  ...overrides,
});

describe('chatplugin topology', () => {
  let driver: TopologyTestDriver;
  let raw: TestInputTopic<string, Buffer>;
  let messages: TestInputTopic<string, Message>;

  beforeEach(() => {
    driver = newDriver();
    raw = driver.createInputTopic(topics.chatpluginEvents, Serdes.string(), Serdes.buffer());
    messages = driver.createInputTopic(topics.messages, Serdes.string(), messageSerde);
  });
  afterEach(() => driver.close());

  it('maps a raw visitor event to a delivered contact message placed by conversation', async () => {
    await raw.pipeInput('event-1', encodeRawEvent(event()));
    const out = await driver.createOutputTopic(topics.messages, Serdes.string(), messageSerde).readRecordsToList();
    expect(out).toHaveLength(1);
    const expectedId = messageId('channel-1', 'event-1');
    expect(out[0]!.key).toBe(expectedId);
    expect(out[0]!.partition).toBe(placementPartition('conversation-1', 10));
    expect(out[0]!.value).toEqual({
      id: expectedId,
      conversationId: 'conversation-1',
      channelId: 'channel-1',
      source: 'chatplugin',
      senderId: 'conversation-1',
      isFromContact: true,
      deliveryState: 'DELIVERED',
      content: JSON.stringify({ text: 'hello' }),
      sentAt: 1_700_000_000_000,
      updatedAt: null,
      sourceRecipientId: null,
      headers: {},
    });
  });

  it('routes content exactly at the size limit and refuses one byte more', async () => {
    const text = (bytes: number) => 'x'.repeat(bytes - JSON.stringify({ text: '' }).length);
    await raw.pipeInput('event-1', encodeRawEvent(event({ message: { text: text(maxMessageContentBytes) } })));
    expect(await driver.createOutputTopic(topics.messages, Serdes.string(), messageSerde).readRecordsToList()).toHaveLength(1);
    await expect(raw.pipeInput('event-2', encodeRawEvent(event({ id: 'event-2', message: { text: text(maxMessageContentBytes + 1) } })))).rejects.toThrow(
      `message content is ${maxMessageContentBytes + 1} bytes, limit ${maxMessageContentBytes} bytes`,
    );
  });

  it("routes a duplicated raw event once (the connector kit's seen-dedup)", async () => {
    await raw.pipeInput('event-1', encodeRawEvent(event()));
    await raw.pipeInput('event-1', encodeRawEvent(event()));
    await raw.pipeInput('event-2', encodeRawEvent(event({ id: 'event-2' })));
    const out = await driver.createOutputTopic(topics.messages, Serdes.string(), messageSerde).readKeyValuesToList();
    expect(out.map((r) => r.key)).toEqual([messageId('channel-1', 'event-1'), messageId('channel-1', 'event-2')]);
  });

  it('gives identical messages when a reset router (empty stores) replays the raw topic, records written before the kit included', async () => {
    // Bytes exactly as chatplugin.send wrote them before the chat plugin moved onto the connector kit.
    const before = Buffer.from('{"type":"message","id":"event-0","channel_id":"channel-1","conversation_id":"conversation-1","sent_at":1699999999000,"message":{"text":"older"}}', 'utf8');
    const history: [string, Buffer][] = [['event-0', before], ['event-1', encodeRawEvent(event())], ['event-1', encodeRawEvent(event())], ['event-2', encodeRawEvent(event({ id: 'event-2', message: { attachment: { type: 'image', payload: { url: 'https://x' } } } }))]];
    const routed = async (d: TopologyTestDriver) => {
      const input = d.createInputTopic(topics.chatpluginEvents, Serdes.string(), Serdes.buffer());
      for (const [key, bytes] of history) await input.pipeInput(key, bytes, 1_700_000_005_000);
      return d.createOutputTopic(topics.messages, Serdes.string(), messageSerde).readRecordsToList();
    };
    const first = await routed(driver);
    const reset = newDriver();
    try {
      expect(await routed(reset)).toEqual(first);
    } finally {
      reset.close();
    }
    expect(first.map((r) => r.key)).toEqual([messageId('channel-1', 'event-0'), messageId('channel-1', 'event-1'), messageId('channel-1', 'event-2')]);
    expect(first[0]!.value).toMatchObject({ content: '{"text":"older"}', sentAt: 1_699_999_999_000, senderId: 'conversation-1', deliveryState: 'DELIVERED' });
  });

  it('keeps the routed message in the conversation history', async () => {
    await raw.pipeInput('event-1', encodeRawEvent(event()));
    const store = driver.getKeyValueStore<string, Message>(HISTORY_STORE)!;
    const { from, to } = historyRange('conversation-1');
    expect([...store.range(from, to)].map((e) => e.value.id)).toEqual([messageId('channel-1', 'event-1')]);
  });

  it.each([
    ['not JSON', Buffer.from('{nope')],
    ['without a conversation', encodeRawEvent(event({ conversation_id: '' }))],
    ['of an unknown type', Buffer.from(JSON.stringify({ ...event(), type: 'typing' }))],
    ['without a message', Buffer.from(JSON.stringify({ ...event(), message: null }))],
    ['without a valid sent_at', Buffer.from(JSON.stringify({ ...event(), sent_at: 'yesterday' }))],
  ])('refuses a raw event %s (the application sends it to the DLQ)', async (_what, bytes) => {
    await expect(raw.pipeInput('bad', bytes)).rejects.toBeInstanceOf(InvalidRawEventError);
    expect(driver.createOutputTopic(topics.messages, Serdes.string(), messageSerde).isEmpty()).toBe(true);
  });

  it('keeps the newest version of each chat plugin message, in time order, and ignores other sources', async () => {
    const delivered = { ...outbound(), deliveryState: 'DELIVERED' as const, updatedAt: 1_700_000_002_000 };
    await messages.pipeInput('reply-1', delivered);
    await messages.pipeInput('reply-1', outbound()); // an older version arriving late never wins
    await messages.pipeInput('reply-0', outbound({ id: 'reply-0', sentAt: 1_600_000_000_000 }));
    await messages.pipeInput('sms-1', outbound({ id: 'sms-1', source: 'twilio.sms' }));
    await messages.pipeInput('other', outbound({ id: 'other', conversationId: 'conversation-2' }));
    await messages.pipeInput('gone', null);
    const store = driver.getKeyValueStore<string, Message>(HISTORY_STORE)!;
    const { from, to } = historyRange('conversation-1');
    const history = [...store.range(from, to)];
    expect(history.map((e) => e.key)).toEqual([historyKey('conversation-1', 1_600_000_000_000, 'reply-0'), historyKey('conversation-1', 1_700_000_001_000, 'reply-1')]);
    expect(history[1]!.value.deliveryState).toBe('DELIVERED');
  });
});
