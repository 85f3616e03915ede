import { messageId, metadataUpsert } from '@platform/chat-domain';
import type { Channel, Message, Metadata, Serde } from '@platform/schemas';
import { partitionForKey, Serdes } from '@platform/streams';
import { TopologyTestDriver, type TestInputTopic } from '@platform/streams/testing';
import type { ConnectorDefinition, OutboundJob, SendOutcome } from './connector';
import { buildConnectorTopology } from './connector-topology';
import { InvalidRawEventError } from './errors';

const topics = { raw: 'source.test.events', messages: 'application.communication.messages', metadata: 'application.communication.metadata' };
const json = <T>(): Serde<T> => {
  const serde = Serdes.json<T>();
  return { serialize: async (t, v) => serde.serialize(t, v), deserialize: async (t, d) => serde.deserialize(t, d) };
};
const placement = (key: string, partitions: number) => partitionForKey(Buffer.from(key, 'utf8'), partitions);
const START = 1_700_000_000_000;

/** A toy provider: raw events are JSON `{id, from, text}` or `{status, ref}`; sends answer what the spec queues. */
function toyConnector(outcomes: SendOutcome[], calls: OutboundJob[]): ConnectorDefinition {
  return {
    sources: ['toy'],
    route: (event, lookup) => {
      const body = JSON.parse(event.value.toString('utf8')) as { id?: string; from?: string; text?: string; status?: string; ref?: string };
      if (body.status !== undefined && body.ref !== undefined) {
        const target = lookup.messageOfProviderId(body.ref);
        if (!target) return { messages: [], metadata: [] };
        const change = metadataUpsert({ kind: 'message', id: target.messageId }, 'source.delivery_state', body.status, event.timestamp);
        return { messages: [], metadata: [{ change: { id: change.id, record: change.record! }, placementKey: target.conversationId }] };
      }
      if (!body.id || !body.from) throw new InvalidRawEventError('no id');
      const id = messageId('channel-1', body.id);
      const message: Message = { id, conversationId: `conv-${body.from}`, channelId: 'channel-1', source: 'toy', senderId: body.from, isFromContact: true, deliveryState: 'DELIVERED', content: body.text ?? '', sentAt: event.timestamp, updatedAt: null, sourceRecipientId: null, headers: {} };
      return { messages: [message], metadata: [] };
    },
    send: async (job) => {
      calls.push(job);
      return outcomes.shift() ?? { status: 'delivered', providerMessageId: `P-${calls.length}` };
    },
  };
}

const reply = (overrides: Partial<Message> = {}): Message => ({
  id: 'reply-1', conversationId: 'conv-alice', channelId: 'channel-1', source: 'toy', senderId: 'agent', isFromContact: false, deliveryState: 'PENDING',
  content: '{"text":"hi"}', sentAt: START, updatedAt: null, sourceRecipientId: null, headers: {}, ...overrides,
});

describe('connector topology', () => {
  let driver: TopologyTestDriver;
  let raw: TestInputTopic<string, Buffer>;
  let messages: TestInputTopic<string, Message>;
  let calls: OutboundJob[];
  let outcomes: SendOutcome[];
  let channel: Channel | undefined;

  beforeEach(() => {
    calls = [];
    outcomes = [];
    channel = { id: 'channel-1', source: 'toy', sourceChannelId: 'toy-account', connectionState: 'CONNECTED', token: null, createdAt: START };
    const topology = buildConnectorTopology({
      topics, serdes: { message: json<Message>(), metadata: json<Metadata>() }, placement, storeName: 'toy-state',
      connector: toyConnector(outcomes, calls), channels: { get: (id) => (id === channel?.id ? channel : undefined) },
      outbound: { staleAfterMs: 60_000, pollIntervalMs: 100, retryDelayMs: 1000 },
    });
    driver = new TopologyTestDriver(topology, { defaultPartitions: 4, wallClockStartMs: START, app: { id: 'toy', version: 1 } });
    raw = driver.createInputTopic(topics.raw, Serdes.string(), Serdes.buffer());
    messages = driver.createInputTopic(topics.messages, Serdes.string(), json<Message>());
  });
  afterEach(() => driver.close());

  const event = (body: object) => Buffer.from(JSON.stringify(body));
  /** What the topology wrote to the messages topic (the topic also holds what the spec piped in: PENDING replies). */
  const outputs = async () => (await driver.createOutputTopic(topics.messages, Serdes.string(), json<Message>()).readValuesToList()).filter((m): m is Message => m !== null && m.deliveryState !== 'PENDING');
  const facts = async () => (await driver.createOutputTopic(topics.metadata, Serdes.string(), json<Metadata>()).readValuesToList()).filter((f): f is Metadata => f !== null);
  /** Two polls: the first starts sends, the second writes their outcomes. */
  const poll = async () => {
    await driver.advanceWallClockTime(100);
    await new Promise((resolve) => setImmediate(resolve));
    await driver.advanceWallClockTime(100);
  };

  // Records are piped with the conversation id as key: the driver places by key, production by
  // conversation (the ingress's placement key, the messages' conversationId); both meet in one task.
  it('routes a raw event once, however often the provider retries it', async () => {
    await raw.pipeInput('conv-alice', event({ id: 'M1', from: 'alice', text: 'hello' }), START);
    await raw.pipeInput('conv-alice', event({ id: 'M1', from: 'alice', text: 'hello' }), START + 5);
    const routed = (await outputs()).filter((m) => m.isFromContact);
    expect(routed).toHaveLength(1);
    expect(routed[0]).toMatchObject({ id: messageId('channel-1', 'M1'), conversationId: 'conv-alice', senderId: 'alice', sentAt: START });
  });

  it('refuses a raw event the connector cannot map (dead-lettered by the application)', async () => {
    await expect(raw.pipeInput('bad', event({ text: 'no id' }))).rejects.toBeInstanceOf(InvalidRawEventError);
  });

  it('sends a reply to the contact of its conversation and writes DELIVERED with the provider id; a status callback becomes metadata', async () => {
    await raw.pipeInput('conv-alice', event({ id: 'M1', from: 'alice' }), START);
    await messages.pipeInput('conv-alice', reply(), START + 10);
    await poll();
    expect(calls.map((c) => [c.recipient, c.message.id, c.idempotencyKey])).toEqual([['alice', 'reply-1', `reply-1:${START}`]]);
    const delivered = (await outputs()).filter((m) => m.id === 'reply-1');
    expect(delivered).toEqual([expect.objectContaining({ deliveryState: 'DELIVERED', headers: { 'source.id': 'P-1' } })]);
    await raw.pipeInput('conv-alice', event({ status: 'delivered', ref: 'P-1' }), START + 500);
    const written = await facts();
    expect(written.map((f) => [f.identifier, f.key, f.value])).toEqual([
      ['reply-1', 'source.id', 'P-1'],
      ['reply-1', 'source.delivery_state', 'delivered'],
    ]);
    await poll();
    expect(calls).toHaveLength(1);
  });

  it('writes FAILED with the provider error, and retries a transient refusal', async () => {
    outcomes.push({ status: 'retry', error: 'rate limited' }, { status: 'failed', error: 'invalid number', providerError: '{"code":21211}' });
    await messages.pipeInput('conv-bob', reply({ sourceRecipientId: 'bob', conversationId: 'conv-bob' }), START);
    await poll();
    expect(await outputs()).toEqual([]);
    await driver.advanceWallClockTime(1000);
    await poll();
    expect(calls).toHaveLength(2);
    expect((await outputs()).map((m) => m.deliveryState)).toEqual(['FAILED']);
    expect((await facts()).map((f) => [f.key, f.value])).toEqual([['error', 'invalid number'], ['source.error', '{"code":21211}']]);
  });

  it('fails stale, channel-less and recipient-less messages without a call', async () => {
    await messages.pipeInput('conv-alice', reply({ id: 'old', sourceRecipientId: 'bob', sentAt: START - 120_000 }), START);
    await messages.pipeInput('conv-alice', reply({ id: 'nobody' }), START);
    await poll();
    channel = { ...channel!, connectionState: 'DISCONNECTED' };
    await messages.pipeInput('conv-alice', reply({ id: 'closed', sourceRecipientId: 'bob' }), START + 300);
    await poll();
    expect(calls).toEqual([]);
    const failed = await outputs();
    expect(failed.map((m) => [m.id, m.deliveryState])).toEqual([['nobody', 'FAILED'], ['old', 'FAILED'], ['closed', 'FAILED']]);
    expect((await facts()).map((f) => f.value)).toEqual([
      'no recipient: the conversation has no contact message and the message no source_recipient_id; not sent',
      'not sent: pending for more than 60 s (stale)',
      'channel channel-1 is disconnected; not sent',
    ]);
  });

  it('does not send a PENDING version whose outcome is already in the log', async () => {
    await messages.pipeInput('conv-alice', reply({ sourceRecipientId: 'bob' }), START);
    await messages.pipeInput('conv-alice', reply({ sourceRecipientId: 'bob', deliveryState: 'DELIVERED', updatedAt: START + 1 }), START);
    await poll();
    expect(calls).toEqual([]);
  });

  it('replaying history starts no send before the task caught up: a PENDING whose outcome comes later in the log is never sent', async () => {
    await messages.pipeInput('conv-alice', reply({ sourceRecipientId: 'bob', sentAt: START - 30_000 }), START - 30_000);
    await poll();
    expect(calls).toEqual([]);
    await messages.pipeInput('conv-alice', reply({ sourceRecipientId: 'bob', deliveryState: 'DELIVERED', updatedAt: START - 29_000 }), START - 29_000);
    await messages.pipeInput('conv-alice', reply({ id: 'reply-2', sourceRecipientId: 'bob', sentAt: START - 20_000 }), START - 20_000);
    await poll();
    expect(calls).toEqual([]);
    await driver.advanceWallClockTime(1000);
    await poll();
    expect(calls.map((c) => c.message.id)).toEqual(['reply-2']);
  });
});
