import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { channelId, conversationId, messageId } from '@platform/chat-domain';
import { ChatWriter, chatSerdes, chatTopics, withActualPartitions, type ChatSerdes, type ChatTopics } from '@platform/chat-streams';
import { silentLogger } from '@platform/common';
import { freePort } from '@platform/config';
import { createSchemaRegistry, type Message, type Metadata } from '@platform/schemas';
import { allTopics, applyTopics, topicName } from '@platform/topics';
import { kafkaBrokers, newKafka, registryUrl, uniqueName, waitFor } from '@platform/testing';
import { parseSourcesConfig } from './config';
import { startSources, type StartedSources } from './start';
import { FakeSource } from './testing/fake-source';

const systemToken = 'sources-spec-system-token-0123456789';
const source = 'my-telegram';
const channel = channelId(source, 'bot-1');
const conversation = conversationId(channel, 'chat-42');

describe('custom sources on a real broker, against a local action endpoint', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;
  let topics: ChatTopics;
  let serdes: ChatSerdes;
  let writer: ChatWriter;
  let fake: FakeSource;
  let app: StartedSources;
  let dir: string;
  let token = '';
  const messages: Message[] = [];
  const metadata: Metadata[] = [];
  const sourceRecords: Buffer[] = [];
  let sourcesTopic = '';

  beforeAll(async () => {
    fake = new FakeSource();
    await fake.start();
    kafka = newKafka('sources-spec');
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    await Promise.all([admin.connect(), producer.connect()]);
    const namespace = uniqueName('sources-spec');
    await applyTopics(admin, allTopics, { namespace, replicationFactor: 1 });
    topics = await withActualPartitions(chatTopics(namespace), admin);
    serdes = chatSerdes(createSchemaRegistry({ url: registryUrl() }));
    writer = new ChatWriter(producer, topics, serdes);
    consumer = kafka.consumer({ groupId: uniqueName('sources-spec-reader') });
    await consumer.connect();
    sourcesTopic = topicName(allTopics.find((t) => t.name === 'application.communication.sources')!, namespace);
    await consumer.subscribe({ topics: [topics.messages, topics.metadata, sourcesTopic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (!message.value) return;
        if (topic === topics.messages) messages.push(await serdes.message.deserialize(topic, message.value));
        else if (topic === sourcesTopic) sourceRecords.push(message.value);
        else metadata.push(await serdes.metadata.deserialize(topic, message.value));
      },
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sources-spec-'));
    app = await startSources(
      parseSourcesConfig({
        KAFKA_BROKERS: kafkaBrokers().join(','),
        SCHEMA_REGISTRY_URL: registryUrl(),
        AUTH_SYSTEM_TOKEN: systemToken,
        AUTH_JWT_SECRET: 'sources-spec-jwt-secret-0123456789',
        PORT: String(await freePort()),
        STATE_DIR: dir,
        TOPICS_NAMESPACE: namespace,
        STREAMS_COMMIT_INTERVAL_MS: '100',
        SOURCES_TOKEN_SECRET: 'sources-spec-token-secret-0123456789abcdef',
      }),
      { logger: silentLogger },
    );
    await waitFor(async () => app.app.state === 'RUNNING' && app.app.allMetadata().some((m) => m.tasks.length > 0), { timeoutMs: 60_000, description: 'sources running' });
  });

  afterAll(async () => {
    await app?.close();
    await consumer?.disconnect();
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
    await fake?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const call = async (endpoint: string, body: unknown, bearer: string | null = systemToken) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    const response = await fetch(`${app.url}/${endpoint}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown> | undefined };
  };
  const inbound = (id: string, text: string) => ({
    source_message_id: id, source_conversation_id: 'chat-42', source_channel_id: 'bot-1', source_sender_id: 'user-7', content: { text }, from_contact: true, sent_at: '2025-01-02T03:04:05.000Z',
  });
  const pending = (id: string, text: string, overrides: Partial<Message> = {}): Message => ({
    id, conversationId: conversation, channelId: channel, source, senderId: 'agent-1', isFromContact: false, deliveryState: 'PENDING',
    content: JSON.stringify({ text }), sentAt: Date.now(), updatedAt: null, sourceRecipientId: null, headers: {}, ...overrides,
  });
  const final = (id: string) => waitFor(async () => messages.find((m) => m.id === id && m.deliveryState !== 'PENDING'), { timeoutMs: 20_000, description: `outcome of ${id}` });
  const factsOf = (id: string) => Object.fromEntries(metadata.filter((f) => f.subject === 'message' && f.identifier === id).map((f) => [f.key, f.value]));

  it('creates a source with the system token only; its token is shown once and stored only as a hash', async () => {
    expect((await call('sources.create', { source_id: source }, null)).status).toBe(401);
    expect((await call('sources.create', { source_id: 'twilio' })).status).toBe(400);
    const created = await call('sources.create', { source_id: source, name: 'Telegram', action_endpoint: fake.url });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ source_id: source, name: 'Telegram', action_endpoint: fake.url, image_url: null });
    token = created.body!.token as string;
    fake.token = token;
    expect((await call('sources.create', { source_id: source })).status).toBe(409);
    expect((await call('sources.list', {})).body).toEqual({ data: [{ source_id: source, name: 'Telegram', action_endpoint: fake.url, image_url: null }] });
    expect((await call('sources.create', { source_id: 'other' }, token)).status).toBe(401);
    await waitFor(async () => sourceRecords.length > 0, { timeoutMs: 10_000, description: 'source record' });
    expect(sourceRecords[0]!.includes(Buffer.from(createHash('sha256').update(token).digest('hex')))).toBe(true);
    expect(sourceRecords[0]!.includes(Buffer.from(token.split('.')[1]!))).toBe(false);
  });

  it('creates and lists channels with the source token (401 without, 403 with a wrong one)', async () => {
    expect((await call('sources.channels.create', { source_channel_id: 'bot-1', name: 'Bot' }, null)).status).toBe(401);
    expect((await call('sources.channels.create', { source_channel_id: 'bot-1', name: 'Bot' }, `${token.split('.')[0]}.${'A'.repeat(43)}`)).status).toBe(403);
    expect((await call('sources.channels.create', { source_channel_id: 'bot-1', name: 'Bot' }, systemToken)).status).toBe(403);
    const created = await call('sources.channels.create', { source_channel_id: 'bot-1', name: 'Bot', metadata: { lang: 'de' } }, token);
    expect(created).toEqual({ status: 201, body: { id: channel, source, source_channel_id: 'bot-1', connected: true, metadata: { name: 'Bot', lang: 'de' } } });
    expect((await call('sources.channels.list', {}, token)).body).toEqual({ data: [{ id: channel, source, source_channel_id: 'bot-1', connected: true, metadata: { name: 'bot-1' } }] });
  });

  it('turns a webhook message into one message however often it is posted; metadata lands on the conversation', async () => {
    expect((await call('sources.webhook', { messages: [inbound('m-1', 'hello')] }, 'not-a-token')).status).toBe(403);
    expect((await call('sources.webhook', { messages: [{ ...inbound('m-x', 'x'), source_channel_id: 'nope' }] }, token)).status).toBe(400);
    expect((await call('sources.webhook', { messages: [{ ...inbound('m-x', 'x'), sent_at: 'yesterday' }] }, token)).status).toBe(400);
    expect((await call('sources.webhook', { messages: [inbound('m-1', 'hello')], metadata: [{ namespace: 'conversation', source_id: 'chat-42', source_channel_id: 'bot-1', metadata: { contact: { display_name: 'Ada' } } }] }, token)).status).toBe(200);
    expect((await call('sources.webhook', { messages: [inbound('m-1', 'hello')] }, token)).status).toBe(200);
    expect((await call('sources.webhook', { messages: [inbound('m-2', 'again')] }, token)).status).toBe(200);
    await waitFor(async () => messages.some((m) => m.id === messageId(source, 'm-2')), { timeoutMs: 20_000, description: 'second inbound message' });
    const routed = messages.filter((m) => m.id === messageId(source, 'm-1'));
    expect(routed).toEqual([
      { id: messageId(source, 'm-1'), conversationId: conversation, channelId: channel, source, senderId: 'user-7', isFromContact: true, deliveryState: 'DELIVERED', content: '{"text":"hello"}', sentAt: Date.parse('2025-01-02T03:04:05.000Z'), updatedAt: null, sourceRecipientId: null, headers: {} },
    ]);
    await waitFor(async () => metadata.some((f) => f.subject === 'conversation' && f.identifier === conversation && f.key === 'contact.display_name' && f.value === 'Ada'), { timeoutMs: 10_000, description: 'conversation metadata' });
  });

  it('calls the action endpoint signed with HMAC-SHA256 and writes DELIVERED with the source message id', async () => {
    await writer.writeMessage(pending('reply-1', 'Hi there'));
    const delivered = await final('reply-1');
    expect(delivered).toMatchObject({ deliveryState: 'DELIVERED', headers: { 'source.id': 'src-1' } });
    const [request] = fake.calls;
    expect(request!.signatureValid).toBe(true);
    expect(request!.headers['idempotency-key']).toBe(`reply-1:${messages.find((m) => m.id === 'reply-1')!.sentAt}`);
    expect(JSON.parse(request!.body)).toEqual({
      type: 'message.send',
      payload: {
        message: { id: 'reply-1', source_recipient_id: 'user-7', content: { text: 'Hi there' }, sent_at: new Date(messages.find((m) => m.id === 'reply-1')!.sentAt).toISOString() },
        conversation: { id: conversation, channel_id: channel, source_channel_id: 'bot-1', source_conversation_id: 'user-7' },
      },
    });
    await waitFor(async () => factsOf('reply-1')['source.id'] === 'src-1', { timeoutMs: 10_000, description: 'source.id metadata' });
  });

  it('writes FAILED with the source error, and FAILED without a call for a stale message', async () => {
    const calls = fake.calls.length;
    await writer.writeMessage(pending('reply-stale', 'too late', { sentAt: Date.now() - 10 * 60_000 }));
    await writer.writeMessage(pending('reply-bad', 'fail'));
    expect((await final('reply-bad')).deliveryState).toBe('FAILED');
    await waitFor(async () => factsOf('reply-bad').error === 'recipient blocked', { timeoutMs: 10_000, description: 'error metadata' });
    expect(JSON.parse(factsOf('reply-bad')['source.error']!)).toEqual({ status: 400, body: '{"error":"recipient blocked"}' });
    expect((await final('reply-stale')).deliveryState).toBe('FAILED');
    await waitFor(async () => factsOf('reply-stale').error !== undefined, { timeoutMs: 10_000, description: 'stale error metadata' });
    expect(factsOf('reply-stale').error).toBe('not sent: pending for more than 300 s (stale)');
    expect(fake.calls.slice(calls).map((c) => JSON.parse(c.body).payload.message.id)).toEqual(['reply-bad']);
  });

  it('stops ingestion and sending once the channel is disconnected; a deleted source loses its token', async () => {
    expect((await call('sources.channels.disconnect', { channel_id: channel }, token)).status).toBe(204);
    expect((await call('sources.webhook', { messages: [inbound('m-3', 'anyone?')] }, token)).status).toBe(403);
    const calls = fake.calls.length;
    await writer.writeMessage(pending('reply-closed', 'closed'));
    expect((await final('reply-closed')).deliveryState).toBe('FAILED');
    expect(fake.calls.length).toBe(calls);
    expect((await call('sources.delete', { source_id: source })).status).toBe(202);
    expect((await call('sources.channels.list', {}, token)).status).toBe(403);
    expect((await call('sources.list', {})).body).toEqual({ data: [] });
  });
});
