import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { messageId } from '@platform/chat-domain';
import { ChatWriter, chatSerdes, chatTopics, withActualPartitions, type ChatSerdes, type ChatTopics } from '@platform/chat-streams';
import { silentLogger } from '@platform/common';
import { freePort } from '@platform/config';
import { createSchemaRegistry, type Message } from '@platform/schemas';
import { allTopics, applyTopics } from '@platform/topics';
import { kafkaBrokers, newKafka, registryUrl, uniqueName, waitFor } from '@platform/testing';
import { parseChatpluginConfig } from './config';
import { startChatplugin, type StartedChatplugin } from './start';

const systemToken = 'chatplugin-replay-system-token-0123456789';

/**
 * The chat plugin on the connector kit's router, against the broker: a raw event written twice gives
 * one message (the kit's seen-dedup), and a router reset (a new APP_VERSION beside the old one: new group, empty stores)
 * replaying `source.chatplugin.events` — including a record in the format written before the move
 * onto the kit — gives identical messages and the same history.
 */
describe('chatplugin router reset on a real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let reader: Consumer;
  let topics: ChatTopics;
  let serdes: ChatSerdes;
  let writer: ChatWriter;
  let namespace: string;
  /** The instance the spec calls: version 1, then version 2 (started beside it, as a reprocess does). */
  let app: StartedChatplugin | undefined;
  const started: StartedChatplugin[] = [];
  const dirs: string[] = [];
  /** Every committed record of the messages topic, in the order read. */
  const messages: Message[] = [];

  const start = async (version: number) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatplugin-replay-'));
    dirs.push(dir);
    const config = parseChatpluginConfig({
      KAFKA_BROKERS: kafkaBrokers().join(','),
      SCHEMA_REGISTRY_URL: registryUrl(),
      AUTH_SYSTEM_TOKEN: systemToken,
      AUTH_JWT_SECRET: 'chatplugin-replay-jwt-secret-0123456789',
      CHATPLUGIN_TOKEN_SECRET: 'chatplugin-replay-visitor-secret-0123456789',
      PORT: String(await freePort()),
      STATE_DIR: dir,
      TOPICS_NAMESPACE: namespace,
      APP_VERSION: String(version),
      STREAMS_COMMIT_INTERVAL_MS: '50',
    });
    const instance = await startChatplugin(config, { logger: silentLogger });
    started.push(instance);
    await waitFor(async () => instance.app.state === 'RUNNING' && instance.app.allMetadata().some((m) => m.tasks.length > 0), { timeoutMs: 60_000, description: `version ${version} running` });
    return instance;
  };
  const call = async (endpoint: string, body: unknown, token: string | null = systemToken, headers: Record<string, string> = {}) => {
    const all: Record<string, string> = { 'content-type': 'application/json', ...headers };
    if (token !== null) all.authorization = `Bearer ${token}`;
    const response = await fetch(`${app!.url}/${endpoint}`, { method: 'POST', headers: all, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, position: response.headers.get('x-streams-position') };
  };
  /** The consumer group offsets of a version on the raw topic reach its end: everything before is routed and committed with its outputs. */
  const routedThrough = async (version: number) => {
    const ends = (await admin.fetchTopicOffsets(topics.chatpluginEvents)).filter((p) => p.high !== '0');
    const [committed] = await admin.fetchOffsets({ groupId: `${namespace}.chatplugin-v${version}`, topics: [topics.chatpluginEvents] });
    return ends.every((end) => Number(committed!.partitions.find((c) => c.partition === end.partition)?.offset ?? -1) >= Number(end.high));
  };
  /** Waits until this spec's reader has read everything committed to the messages topic before now (a sentinel per partition of the conversation). */
  const readUpTo = async (conversationId: string, tag: string) => {
    const sentinel: Message = { id: `sentinel-${tag}`, conversationId, channelId: 'none', source: 'sentinel', senderId: 'spec', isFromContact: false, deliveryState: 'DELIVERED', content: '{}', sentAt: Date.now(), updatedAt: null, sourceRecipientId: null, headers: {} };
    await writer.writeMessage(sentinel);
    await waitFor(async () => messages.some((m) => m.id === sentinel.id), { timeoutMs: 20_000, description: `sentinel ${tag} read back` });
  };

  /**
   * The visitor's history (a resume), once it holds `ids`. The history store follows the messages topic, so it
   * trails the router's commit by a poll; and a history read answers 503 with Retry-After while its task
   * rebalances or restores (a slow CI broker can fence a transaction), which the widget retries — so does
   * this, until the deadline. Any other answer ends the wait and must be a 200.
   */
  const historyHolding = async (resumeToken: string, ids: string[], tag: string) => {
    const answer = await waitFor(
      async () => {
        const resumed = await call('chatplugin.authenticate', { resume_token: resumeToken }, null);
        if (resumed.status === 503) return false;
        const held = Array.isArray(resumed.body.messages) ? (resumed.body.messages as { id: string }[]).map((m) => m.id) : [];
        return resumed.status !== 200 || ids.every((id) => held.includes(id)) ? resumed : false;
      },
      { timeoutMs: 30_000, description: `the history (${tag}) holding ${ids.length} messages` },
    );
    expect({ status: answer.status, message: answer.body.message }).toEqual({ status: 200, message: undefined });
    const history = answer.body.messages as { id: string }[];
    expect(history.map((m) => m.id).sort()).toEqual([...ids].sort());
    return history;
  };

  beforeAll(async () => {
    kafka = newKafka('chatplugin-replay');
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    await Promise.all([admin.connect(), producer.connect()]);
    namespace = uniqueName('chatplugin-replay');
    // The chat topics only (what the app reads and writes), not every declared topic: fewer to create.
    const declared = new Set([...chatTopics().partitions.keys()]);
    await applyTopics(admin, allTopics.filter((t) => declared.has(t.name)), { namespace, replicationFactor: 1 });
    topics = await withActualPartitions(chatTopics(namespace), admin);
    for (const topic of [topics.messages, topics.channels, topics.metadata, topics.chatpluginEvents]) {
      await waitFor(async () => (await admin.fetchTopicOffsets(topic)).length > 0, { timeoutMs: 30_000, description: `leaders of ${topic}` });
    }
    serdes = chatSerdes(createSchemaRegistry({ url: registryUrl() }));
    writer = new ChatWriter(producer, topics, serdes);
    reader = kafka.consumer({ groupId: uniqueName('chatplugin-replay-reader') });
    await reader.connect();
    await reader.subscribe({ topic: topics.messages, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void (message.value && messages.push(await serdes.message.deserialize(topics.messages, message.value))) });
  });

  afterAll(async () => {
    await Promise.all(started.map((instance) => instance.close()));
    await reader?.disconnect();
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('routes a raw event written twice once, and a reset router replays the raw topic into identical messages and history', async () => {
    app = await start(1);
    const connected = await call('channels.chatplugin.connect', { name: 'Replay' });
    const channelId = connected.body.id as string;
    const visitor = await call('chatplugin.authenticate', { channel_id: channelId }, null, { 'x-streams-position': connected.position! });
    const { token, resume_token: resumeToken, conversation_id: conversationId } = visitor.body as { token: string; resume_token: string; conversation_id: string };
    const sent: string[] = [];
    for (const message of [{ text: 'hello' }, { attachment: { type: 'image', payload: { url: 'https://example.com/a.png' } } }]) {
      const answer = await call('chatplugin.send', { message }, token);
      expect(answer.status).toBe(200);
      sent.push(answer.body.id as string);
    }
    // A record exactly as chatplugin.send wrote them before the kit, written twice (same key, same bytes).
    const older = Buffer.from(`{"type":"message","id":"event-older","channel_id":"${channelId}","conversation_id":"${conversationId}","sent_at":1700000000000,"message":{"text":"older"}}`, 'utf8');
    await writer.writeRaw(topics.chatpluginEvents, 'event-older', older, conversationId);
    await writer.writeRaw(topics.chatpluginEvents, 'event-older', older, conversationId);
    const routedIds = [...sent, messageId(channelId, 'event-older')];

    await waitFor(() => routedThrough(1), { timeoutMs: 30_000, description: 'version 1 through the raw topic' });
    await readUpTo(conversationId, 'v1');
    const original = routedIds.map((id) => messages.filter((m) => m.id === id));
    expect(original.map((copies) => copies.length)).toEqual([1, 1, 1]);
    expect(original[2]![0]).toMatchObject({ conversationId, channelId, content: '{"text":"older"}', sentAt: 1_700_000_000_000, isFromContact: true, deliveryState: 'DELIVERED' });
    const historyBefore = await historyHolding(resumeToken, routedIds, 'v1');

    // The router reset: version 2 beside version 1 (its own group and empty stores) replays the raw topic.
    const mark = messages.length;
    app = await start(2);
    await waitFor(() => routedThrough(2), { timeoutMs: 30_000, description: 'version 2 through the raw topic' });
    await readUpTo(conversationId, 'v2');
    const replayed = messages.slice(mark).filter((m) => m.source === 'chatplugin');
    expect(replayed.map((m) => m.id).sort()).toEqual([...routedIds].sort());
    expect(routedIds.map((id) => replayed.find((m) => m.id === id))).toEqual(original.map((copies) => copies[0]));
    const historyAfter = await historyHolding(resumeToken, routedIds, 'v2');
    expect(historyAfter).toEqual(historyBefore);
  });
});
