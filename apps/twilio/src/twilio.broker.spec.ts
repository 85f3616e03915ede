import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { getExpectedTwilioSignature } from 'twilio';
import { channelId, conversationId, messageId } from '@platform/chat-domain';
import { ChatWriter, chatSerdes, chatTopics, withActualPartitions, type ChatSerdes, type ChatTopics } from '@platform/chat-streams';
import { silentLogger } from '@platform/common';
import { freePort } from '@platform/config';
import { createSchemaRegistry, type Channel, type Message, type Metadata } from '@platform/schemas';
import { allTopics, applyTopics, topicName } from '@platform/topics';
import { kafkaBrokers, newKafka, registryUrl, uniqueName, waitFor } from '@platform/testing';
import { parseTwilioConfig } from './config';
import { startTwilio, TWILIO_RAW_TOPIC, type StartedTwilio } from './start';
import { FakeTwilio } from './testing/fake-twilio';

const systemToken = 'twilio-spec-system-token-0123456789';
const accountSid = `AC${'1'.repeat(32)}`;
const authToken = 'twilio-spec-auth-token-abcdef';
const ourNumber = '+15551230000';
const contact = '+4915112345678';
const publicUrl = 'https://hooks.example.com/platform';
const key = Buffer.alloc(32, 7).toString('base64');

describe('twilio connector on a real broker, against a local Twilio', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;
  let topics: ChatTopics;
  let serdes: ChatSerdes;
  let writer: ChatWriter;
  let fake: FakeTwilio;
  let app: StartedTwilio;
  let namespace: string;
  const dirs: string[] = [];
  const messages: Message[] = [];
  const metadata: Metadata[] = [];
  const channels: { value: Buffer; channel: Channel }[] = [];
  const channel = channelId('twilio.sms', ourNumber);
  const conversation = conversationId(channel, contact);

  beforeAll(async () => {
    fake = new FakeTwilio(new Map([[accountSid, authToken]]));
    await fake.start();
    kafka = newKafka('twilio-spec');
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    await Promise.all([admin.connect(), producer.connect()]);
    namespace = uniqueName('twilio-spec');
    await applyTopics(admin, allTopics, { namespace, replicationFactor: 1 });
    topics = await withActualPartitions(chatTopics(namespace), admin);
    for (const topic of [topics.messages, topics.channels, topics.metadata]) {
      await waitFor(async () => (await admin.fetchTopicOffsets(topic)).length > 0, { timeoutMs: 30_000, description: `leaders of ${topic}` });
    }
    serdes = chatSerdes(createSchemaRegistry({ url: registryUrl() }));
    writer = new ChatWriter(producer, topics, serdes);
    consumer = kafka.consumer({ groupId: uniqueName('twilio-spec-reader') });
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.messages, topics.metadata, topics.channels], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (!message.value) return;
        if (topic === topics.messages) messages.push(await serdes.message.deserialize(topic, message.value));
        else if (topic === topics.metadata) metadata.push(await serdes.metadata.deserialize(topic, message.value));
        else channels.push({ value: message.value, channel: await serdes.channel.deserialize(topic, message.value) });
      },
    });
    app = await startApp(1);
  });

  afterAll(async () => {
    await app?.close();
    await consumer?.disconnect();
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
    await fake?.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the connector (a new `version` is a router reset: new consumer group, empty state). */
  async function startApp(version: number): Promise<StartedTwilio> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twilio-spec-'));
    dirs.push(dir);
    const started = await startTwilio(
      parseTwilioConfig({
        KAFKA_BROKERS: kafkaBrokers().join(','),
        SCHEMA_REGISTRY_URL: registryUrl(),
        AUTH_SYSTEM_TOKEN: systemToken,
        AUTH_JWT_SECRET: 'twilio-spec-jwt-secret-0123456789',
        PORT: String(await freePort()),
        STATE_DIR: dir,
        TOPICS_NAMESPACE: namespace,
        APP_VERSION: String(version),
        STREAMS_COMMIT_INTERVAL_MS: '100',
        TWILIO_PUBLIC_URL: publicUrl,
        TWILIO_API_BASE_URL: fake.url,
        TWILIO_CREDENTIALS_KEYS: `k1:${key}`,
        TWILIO_SEND_ATTEMPTS: '3',
        TWILIO_RETRY_BASE_MS: '50',
      }),
      { logger: silentLogger },
    );
    await waitFor(async () => started.app.state === 'RUNNING' && started.app.allMetadata().some((m) => m.tasks.length > 0), { timeoutMs: 60_000, description: 'twilio running' });
    return started;
  }

  const call = async (endpoint: string, body: unknown) => {
    const response = await fetch(`${app.url}/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${systemToken}` }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  /** Posts a form webhook as Twilio does: signed over the public URL it was configured with (the app sits behind a proxy). */
  const webhook = async (params: Record<string, string>, signature: 'good' | 'bad' | 'none' = 'good') => {
    const body = new URLSearchParams(params).toString();
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (signature !== 'none') headers['x-twilio-signature'] = getExpectedTwilioSignature(signature === 'good' ? authToken : 'another-token', `${publicUrl}/twilio`, params);
    const response = await fetch(`${app.url}/twilio`, { method: 'POST', headers, body });
    return { status: response.status, text: await response.text() };
  };
  const inbound = (sid: string, text: string) => ({
    ApiVersion: '2010-04-01', SmsSid: sid, SmsStatus: 'received', SmsMessageSid: sid, NumSegments: '1', To: ourNumber, From: contact, MessageSid: sid, Body: text, AccountSid: accountSid, NumMedia: '0',
  });
  const pending = (id: string, content: object, overrides: Partial<Message> = {}): Message => ({
    id, conversationId: conversation, channelId: channel, source: 'twilio.sms', senderId: 'agent-1', isFromContact: false, deliveryState: 'PENDING',
    content: JSON.stringify(content), sentAt: Date.now(), updatedAt: null, sourceRecipientId: null, headers: {}, ...overrides,
  });
  const final = (id: string) => waitFor(async () => messages.some((m) => m.id === id && m.deliveryState !== 'PENDING'), { timeoutMs: 20_000, description: `outcome of ${id}` }).then(() => messages.filter((m) => m.id === id && m.deliveryState !== 'PENDING'));
  const factsOf = (id: string) => Object.fromEntries(metadata.filter((f) => f.subject === 'message' && f.identifier === id).map((f) => [f.key, f.value]));

  it('connects an SMS channel with its credentials sealed (never plain in the channels topic)', async () => {
    const answer = await call('channels.twilio.sms.connect', { phone_number: '+1 555 123 0000', name: 'Support', account_sid: accountSid, auth_token: authToken });
    expect(answer).toEqual({ status: 200, body: { id: channel, source: 'twilio.sms', source_channel_id: ourNumber, connected: true, metadata: { name: 'Support' } } });
    await waitFor(async () => channels.some((c) => c.channel.id === channel), { timeoutMs: 10_000, description: 'channel record' });
    const record = channels.find((c) => c.channel.id === channel)!;
    expect(record.channel.token).toMatch(/^v1:k1:/);
    expect(record.value.includes(Buffer.from(authToken))).toBe(false);
    expect((await call('channels.twilio.sms.connect', { phone_number: '+1555', name: 'x', account_sid: 'nope', auth_token: 't' })).status).toBe(400);
  });

  it('refuses unsigned and badly signed webhooks (403) and turns a signed one into one message, however often Twilio retries it', async () => {
    expect((await webhook(inbound('SM00000000000000000000000000000001', 'hello'), 'none')).status).toBe(403);
    expect((await webhook(inbound('SM00000000000000000000000000000001', 'hello'), 'bad')).status).toBe(403);
    const first = await webhook(inbound('SM00000000000000000000000000000001', 'hello'));
    expect(first).toEqual({ status: 200, text: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>' });
    expect((await webhook(inbound('SM00000000000000000000000000000001', 'hello'))).status).toBe(200);
    expect((await webhook(inbound('SM00000000000000000000000000000002', 'second'))).status).toBe(200);
    const second = messageId(channel, 'SM00000000000000000000000000000002');
    await waitFor(async () => messages.some((m) => m.id === second), { timeoutMs: 20_000, description: 'second inbound message' });
    const routed = messages.filter((m) => m.id === messageId(channel, 'SM00000000000000000000000000000001'));
    expect(routed).toHaveLength(1);
    expect(routed[0]).toMatchObject({ conversationId: conversation, channelId: channel, source: 'twilio.sms', senderId: contact, isFromContact: true, deliveryState: 'DELIVERED' });
    expect(routed[0]!.content).toBe(new URLSearchParams(inbound('SM00000000000000000000000000000001', 'hello')).toString());
  });

  it('sends a reply through the Twilio API and writes DELIVERED with the message sid; a status callback becomes metadata', async () => {
    await writer.writeMessage(pending('reply-1', { Body: 'Hi, how can we help?', MediaUrl: 'https://example.com/a.png' }));
    const [delivered] = await final('reply-1');
    expect(delivered!.deliveryState).toBe('DELIVERED');
    const request = fake.received.find((r) => r.params.get('Body') === 'Hi, how can we help?')!;
    expect(request.authorization).toBe(`Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`);
    expect(request.userAgent).toMatch(/^twilio-node\//);
    expect(Object.fromEntries(request.params)).toEqual({ To: contact, From: ourNumber, Body: 'Hi, how can we help?', MediaUrl: 'https://example.com/a.png', StatusCallback: `${publicUrl}/twilio` });
    const sid = delivered!.headers!['source.id']!;
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    await waitFor(async () => factsOf('reply-1')['source.id'] === sid, { timeoutMs: 10_000, description: 'source.id metadata' });
    expect((await webhook({ MessageSid: sid, SmsSid: sid, AccountSid: accountSid, From: ourNumber, To: contact, MessageStatus: 'delivered', SmsStatus: 'delivered', ApiVersion: '2010-04-01' })).status).toBe(200);
    await waitFor(async () => factsOf('reply-1')['source.delivery_state'] === 'delivered', { timeoutMs: 20_000, description: 'delivery receipt metadata' });
  });

  it('writes FAILED with the provider error, and FAILED without a call for a stale message', async () => {
    const calls = fake.received.length;
    await writer.writeMessage(pending('reply-stale', { Body: 'too late' }, { sentAt: Date.now() - 10 * 60_000 }));
    const failedConversation = conversationId(channel, FakeTwilio.invalidNumber);
    await writer.writeMessage(pending('reply-bad', { Body: 'to nowhere' }, { conversationId: failedConversation, sourceRecipientId: FakeTwilio.invalidNumber }));
    expect((await final('reply-bad'))[0]!.deliveryState).toBe('FAILED');
    await waitFor(async () => factsOf('reply-bad').error !== undefined, { timeoutMs: 10_000, description: 'error metadata' });
    expect(factsOf('reply-bad').error).toBe(`Twilio refused the message (HTTP 400, error 21211): The 'To' number ${FakeTwilio.invalidNumber} is not a valid phone number.`);
    expect(JSON.parse(factsOf('reply-bad')['source.error']!)).toMatchObject({ status: 400, code: 21211 });
    expect((await final('reply-stale'))[0]!.deliveryState).toBe('FAILED');
    await waitFor(async () => factsOf('reply-stale').error !== undefined, { timeoutMs: 10_000, description: 'stale error metadata' });
    expect(factsOf('reply-stale').error).toBe('not sent: pending for more than 300 s (stale)');
    expect(fake.received.slice(calls).map((r) => r.params.get('Body'))).toEqual(['to nowhere']);
  });

  it('retries 429 and 5xx answers a bounded number of times, then FAILED with the last error', async () => {
    const to = (recipient: string) => ({ conversationId: conversationId(channel, recipient), sourceRecipientId: recipient });
    const sends = (recipient: string) => fake.received.filter((r) => r.params.get('To') === recipient).length;
    await writer.writeMessage(pending('reply-throttled', { Body: 'once throttled' }, to(FakeTwilio.throttledOnce)));
    await writer.writeMessage(pending('reply-rate-limited', { Body: 'always throttled' }, to(FakeTwilio.rateLimited)));
    await writer.writeMessage(pending('reply-unavailable', { Body: 'Twilio down' }, to(FakeTwilio.unavailable)));
    const outcomes = await Promise.all(['reply-throttled', 'reply-rate-limited', 'reply-unavailable'].map(async (id) => (await final(id))[0]!));
    expect(outcomes.map((m) => m.deliveryState)).toEqual(['DELIVERED', 'FAILED', 'FAILED']);
    await waitFor(async () => ['reply-rate-limited', 'reply-unavailable'].every((id) => factsOf(id).error !== undefined), { timeoutMs: 10_000, description: 'error metadata' });
    expect(factsOf('reply-rate-limited').error).toBe('Twilio refused the message (HTTP 429, error 20429): Too Many Requests (gave up after 3 attempts)');
    expect(JSON.parse(factsOf('reply-rate-limited')['source.error']!)).toMatchObject({ status: 429, code: 20429 });
    expect(factsOf('reply-unavailable').error).toBe('Twilio refused the message (HTTP 503, error 20503): Service Unavailable (gave up after 3 attempts)');
    expect([FakeTwilio.throttledOnce, FakeTwilio.rateLimited, FakeTwilio.unavailable].map(sends)).toEqual([2, 3, 3]);
  });

  it('stops ingestion and sending once disconnected', async () => {
    const answer = await call('channels.twilio.sms.disconnect', { channel_id: channel });
    expect(answer.body).toMatchObject({ id: channel, connected: false });
    expect((await webhook(inbound('SM00000000000000000000000000000003', 'anyone?'))).status).toBe(403);
    const calls = fake.received.length;
    await writer.writeMessage(pending('reply-closed', { Body: 'closed' }));
    expect((await final('reply-closed'))[0]!.deliveryState).toBe('FAILED');
    expect(fake.received.length).toBe(calls);
  });

  it('replays source.twilio.events after a router reset (new application version) into identical messages: same ids and content, no duplicates, nothing sent or re-decided', async () => {
    const inboundIds = [messageId(channel, 'SM00000000000000000000000000000001'), messageId(channel, 'SM00000000000000000000000000000002')];
    const original = inboundIds.map((id) => messages.filter((m) => m.id === id));
    expect(original.map((copies) => copies.length)).toEqual([1, 1]);
    const calls = fake.received.length;
    await app.close();
    const raw = topicName(allTopics.find((t) => t.name === TWILIO_RAW_TOPIC)!, namespace);
    const rawEnd = await admin.fetchTopicOffsets(raw);
    // three accepted webhooks (one delivered twice) and one status callback, all in the raw topic
    expect(rawEnd.reduce((sum, p) => sum + Number(p.high), 0)).toBe(4);
    const mark = messages.length;

    app = await startApp(2);
    const committed = async (topic: string, partition: number) => {
      const [offsets] = await admin.fetchOffsets({ groupId: `${namespace}.twilio-v2`, topics: [topic] });
      return Number(offsets!.partitions.find((c) => c.partition === partition)?.offset ?? -1);
    };
    await waitFor(async () => (await Promise.all(rawEnd.filter((p) => p.high !== '0').map(async (p) => (await committed(raw, p.partition)) >= Number(p.high)))).every(Boolean), { timeoutMs: 30_000, description: 'version 2 through the raw topic' });
    // One sentinel per conversation of the history: once version 2 is past them, it has seen every earlier record
    // of those partitions, and so has this spec's reader once it reads them back.
    const sentinels = [conversation, conversationId(channel, FakeTwilio.invalidNumber)].map((id, i) => ({ ...pending(`sentinel-${i}`, { text: 'end' }, { conversationId: id }), source: 'chatplugin', isFromContact: true, deliveryState: 'DELIVERED' as const }));
    for (const sentinel of sentinels) {
      const position = await writer.writeMessage(sentinel);
      await waitFor(async () => (await committed(topics.messages, position.partition)) > Number(position.offset), { timeoutMs: 30_000, description: 'version 2 past the history of the messages topic' });
      await waitFor(async () => messages.slice(mark).some((m) => m.id === sentinel.id), { timeoutMs: 20_000, description: 'sentinel read back' });
    }

    const replayed = messages.slice(mark).filter((m) => !m.id.startsWith('sentinel-'));
    expect(replayed.map((m) => m.id).sort()).toEqual([...inboundIds].sort());
    expect(inboundIds.map((id) => replayed.find((m) => m.id === id))).toEqual(original.map((copies) => copies[0]));
    expect(replayed.every((m) => m.isFromContact)).toBe(true);
    expect(fake.received.length).toBe(calls);
  });
});
