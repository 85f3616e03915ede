import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { maxMessageContentBytes, maxNameLength, maxRequestBodyBytes } from '@platform/chat-domain';
import { ChatWriter, chatSerdes, chatTopics, placementPartition, withActualPartitions, type ChatSerdes, type ChatTopics } from '@platform/chat-streams';
import { silentLogger } from '@platform/common';
import { freePort } from '@platform/config';
import { createSchemaRegistry, type Message } from '@platform/schemas';
import { deadLetterTopicName } from '@platform/streams';
import { allTopics, applyTopics } from '@platform/topics';
import { kafkaBrokers, newKafka, registryUrl, uniqueName, VISITOR_QUEUE, VisitorSocket, waitFor } from '@platform/testing';
import { parseChatpluginConfig } from './config';
import { startChatplugin, type StartedChatplugin } from './start';
import { framesOf, rawExchange } from './__fixtures__/raw-stomp';

const systemToken = 'chatplugin-spec-system-token-0123456789';

interface Answer {
  status: number;
  body: Record<string, unknown> | undefined;
  position: string | null;
}

describe('chatplugin with two replicas on a real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;
  let topics: ChatTopics;
  let serdes: ChatSerdes;
  let writer: ChatWriter;
  let namespace: string;
  let a: StartedChatplugin;
  let b: StartedChatplugin;
  const dirs: string[] = [];
  const sockets: VisitorSocket[] = [];
  /** Every committed record of the messages topic, with its partition. */
  const seen: { partition: number; message: Message }[] = [];

  const start = async (extra: Record<string, string> = {}) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatplugin-spec-'));
    dirs.push(dir);
    const config = parseChatpluginConfig({
      KAFKA_BROKERS: kafkaBrokers().join(','),
      SCHEMA_REGISTRY_URL: registryUrl(),
      AUTH_SYSTEM_TOKEN: systemToken,
      AUTH_JWT_SECRET: 'chatplugin-spec-jwt-secret-0123456789',
      CHATPLUGIN_TOKEN_SECRET: 'chatplugin-spec-visitor-secret-0123456789',
      PORT: String(await freePort()),
      STATE_DIR: dir,
      TOPICS_NAMESPACE: namespace,
      ...extra,
    });
    return startChatplugin(config, { logger: silentLogger });
  };

  beforeAll(async () => {
    kafka = newKafka('chatplugin-spec');
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    await Promise.all([admin.connect(), producer.connect()]);
    namespace = uniqueName('chatplugin-spec');
    await applyTopics(admin, allTopics, { namespace, replicationFactor: 1 });
    topics = await withActualPartitions(chatTopics(namespace), admin);
    // Fresh topics: wait until every partition has a leader.
    for (const topic of [topics.messages, topics.channels, topics.metadata, topics.chatpluginEvents]) {
      await waitFor(async () => (await admin.fetchTopicOffsets(topic)).length > 0, { timeoutMs: 30_000, description: `leaders of ${topic}` });
    }
    serdes = chatSerdes(createSchemaRegistry({ url: registryUrl() }));
    writer = new ChatWriter(producer, topics, serdes);
    consumer = kafka.consumer({ groupId: uniqueName('chatplugin-spec-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.messages, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (message.value) seen.push({ partition, message: await serdes.message.deserialize(topics.messages, message.value) });
      },
    });

    a = await start();
    // b runs its router on two stream threads: three group members, two of them b's, every read below goes through them
    b = await start({ STREAMS_THREADS: '2' });
    const split = () =>
      [a, b].every((s) => {
        const members = s.app.allMetadata();
        return s.app.state === 'RUNNING' && members.length === 3 && members.every((m) => m.tasks.length > 0 && m.endpoint) && new Set(members.map((m) => m.endpoint)).size === 2;
      });
    await waitFor(async () => split(), { timeoutMs: 60_000, description: 'two running replicas sharing the tasks' });
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.client.deactivate({ force: true })));
    await Promise.all([a?.close(), b?.close()]);
    await consumer?.disconnect();
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const call = async (on: StartedChatplugin, endpoint: string, body: unknown, token: string | null = systemToken, headers: Record<string, string> = {}): Promise<Answer> => {
    const all: Record<string, string> = { 'content-type': 'application/json', ...headers };
    if (token !== null) all.authorization = `Bearer ${token}`;
    const response = await fetch(`${on.url}/${endpoint}`, { method: 'POST', headers: all, body: JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>), position: response.headers.get('x-streams-position') };
  };
  const open = async (on: StartedChatplugin, token: string) => {
    const socket = await VisitorSocket.open(on.url, token);
    sockets.push(socket);
    return socket;
  };
  const reply = (conversationId: string, channelId: string, id: string, text: string): Message => ({
    id,
    conversationId,
    channelId,
    source: 'chatplugin',
    senderId: 'agent-1',
    isFromContact: false,
    deliveryState: 'PENDING',
    content: JSON.stringify({ text }),
    sentAt: Date.now(),
    updatedAt: null,
    sourceRecipientId: null,
    headers: {},
  });
  const history = async (on: StartedChatplugin, resumeToken: string) => {
    const answer = await call(on, 'chatplugin.authenticate', { resume_token: resumeToken }, null);
    expect(answer.status).toBe(200);
    return answer.body!.messages as { id: string; delivery_state: string; from_contact: boolean; content: unknown }[];
  };
  /** A conversation owned by the replica `owner` (so both the local and the forwarded history read run). */
  const conversationOn = async (owner: StartedChatplugin, via: StartedChatplugin, channelId: string, position: string | null) => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const started = await call(via, 'chatplugin.authenticate', { channel_id: channelId }, null, position ? { 'x-streams-position': position } : {});
      expect(started.status).toBe(200);
      const conversationId = started.body!.conversation_id as string;
      if (owner.app.metadataForKey('chatplugin-messages', conversationId)?.local) return started.body as { token: string; resume_token: string; conversation_id: string };
    }
    throw new Error('no conversation landed on the wanted replica (does it own any partition?)');
  };

  it('connects a channel, lets a visitor send, places the message by conversation and answers the same history on both replicas', async () => {
    const connected = await call(a, 'channels.chatplugin.connect', { name: 'Website', image_url: 'https://example.com/logo.png' });
    expect(connected.status).toBe(200);
    expect(connected.body).toEqual({
      id: expect.any(String),
      source: 'chatplugin',
      source_channel_id: 'Website',
      connected: true,
      metadata: { name: 'Website', image_url: 'https://example.com/logo.png' },
    });
    expect(connected.position).toMatch(/channels:\d+:\d+$/);
    const channelId = connected.body!.id as string;

    const visitor = await conversationOn(b, a, channelId, connected.position);
    const sent = await call(a, 'chatplugin.send', { message: { text: 'Hello, I need help' } }, visitor.token);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({
      content: { text: 'Hello, I need help' },
      delivery_state: 'delivered',
      from_contact: true,
      source: 'chatplugin',
      conversation_id: visitor.conversation_id,
      channel_id: channelId,
      sender: { id: visitor.conversation_id },
    });
    const messageId = sent.body!.id as string;
    const routed = await waitFor(() => seen.find((s) => s.message.id === messageId), { timeoutMs: 30_000, description: 'the routed message' });
    expect(routed.partition).toBe(placementPartition(visitor.conversation_id, topics.partitions.get(topics.messages)!));
    expect(routed.message).toMatchObject({ conversationId: visitor.conversation_id, channelId, isFromContact: true, deliveryState: 'DELIVERED', senderId: visitor.conversation_id });

    await waitFor(async () => (await history(b, visitor.resume_token)).length === 1, { timeoutMs: 30_000, description: 'the message in the history' });
    const fromOwner = await history(b, visitor.resume_token);
    const forwarded = await history(a, visitor.resume_token);
    expect(forwarded).toEqual(fromOwner);
    expect(fromOwner).toEqual([expect.objectContaining({ id: messageId, content: { text: 'Hello, I need help' }, from_contact: true })]);

    const resume = await call(a, 'chatplugin.resumeToken', {}, visitor.token);
    expect(resume.status).toBe(200);
    expect((await history(b, resume.body!.resume_token as string)).map((m) => m.id)).toEqual([messageId]);
    const onBehalf = await call(b, 'chatplugin.resumeToken', { channel_id: channelId, conversation_id: visitor.conversation_id });
    expect(onBehalf.status).toBe(200);
    expect((await history(a, onBehalf.body!.resume_token as string)).map((m) => m.id)).toEqual([messageId]);
    // On a visitor's behalf only for a conversation of that channel (a connects it and has applied it).
    const other = await call(a, 'channels.chatplugin.connect', { name: 'Other site' });
    const foreign = await call(a, 'chatplugin.resumeToken', { channel_id: other.body!.id, conversation_id: visitor.conversation_id });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toEqual({ message: `conversation ${visitor.conversation_id} is not a conversation of chat plugin channel ${String(other.body!.id)}` });
    expect((await call(a, 'chatplugin.resumeToken', { channel_id: channelId, conversation_id: 'never-started' })).status).toBe(403);
  });

  it('pushes a reply to the connected visitor and marks it DELIVERED; a reply to a disconnected visitor stays PENDING until it reconnects', async () => {
    const connected = await call(b, 'channels.chatplugin.connect', { name: 'Support' });
    const channelId = connected.body!.id as string;
    const visitor = await conversationOn(a, b, channelId, connected.position);
    // The socket is on the replica that does NOT own the conversation.
    const socket = await open(b, visitor.token);

    await writer.writeMessage(reply(visitor.conversation_id, channelId, 'reply-1', 'Hi! How can I help?'));
    const frame = await waitFor(() => socket.frames.find((f) => f.message.id === 'reply-1'), { timeoutMs: 30_000, description: 'the reply pushed' });
    expect(frame).toMatchObject({ channel_id: channelId, conversation_id: visitor.conversation_id, message: { content: { text: 'Hi! How can I help?' }, from_contact: false } });
    await waitFor(async () => (await history(a, visitor.resume_token)).find((m) => m.id === 'reply-1')?.delivery_state === 'delivered', {
      timeoutMs: 30_000,
      description: 'the reply DELIVERED',
    });
    // The visitor's own messages reach every tab (here one per replica); nothing of other conversations does.
    const otherTab = await open(a, visitor.token);
    const echoed = await call(a, 'chatplugin.send', { message: { text: 'thanks' } }, visitor.token);
    for (const tab of [socket, otherTab]) await waitFor(() => tab.frames.some((f) => f.message.id === echoed.body!.id), { timeoutMs: 30_000, description: 'the echo on each tab' });
    expect(socket.frames.find((f) => f.message.id === echoed.body!.id)).toMatchObject({ conversation_id: visitor.conversation_id, message: { content: { text: 'thanks' }, from_contact: true } });
    expect(socket.frames.every((f) => f.conversation_id === visitor.conversation_id)).toBe(true);
    expect([...socket.destinations, ...otherTab.destinations]).toEqual([VISITOR_QUEUE, VISITOR_QUEUE]);
    await Promise.all([socket.close(), otherTab.close()]);

    await writer.writeMessage(reply(visitor.conversation_id, channelId, 'reply-2', 'Are you still there?'));
    // A later message of the same conversation (same partition) is in the history: reply-2 was processed before it.
    const marker = await call(b, 'chatplugin.send', { message: { text: 'marker' } }, visitor.token);
    await waitFor(async () => (await history(a, visitor.resume_token)).some((m) => m.id === marker.body!.id), { timeoutMs: 30_000, description: 'the marker' });
    const whileAway = await history(b, visitor.resume_token);
    expect(whileAway.find((m) => m.id === 'reply-2')?.delivery_state).toBe('pending');
    await waitFor(() => seen.some((s) => s.message.id === marker.body!.id), { timeoutMs: 30_000, description: 'the marker read from the topic' });
    expect(seen.filter((s) => s.message.id === 'reply-2').map((s) => s.message.deliveryState)).toEqual(['PENDING']);

    const resumed = await call(a, 'chatplugin.authenticate', { resume_token: visitor.resume_token }, null);
    expect(resumed.status).toBe(200);
    expect(resumed.body!.conversation_id).toBe(visitor.conversation_id);
    const again = await open(a, resumed.body!.token as string);
    await waitFor(() => again.frames.some((f) => f.message.id === 'reply-2'), { timeoutMs: 30_000, description: 'the pending reply pushed on reconnect' });
    await waitFor(async () => (await history(b, visitor.resume_token)).find((m) => m.id === 'reply-2')?.delivery_state === 'delivered', {
      timeoutMs: 30_000,
      description: 'the pending reply DELIVERED after the push',
    });
    expect(again.frames.filter((f) => f.message.id === 'reply-1')).toEqual([]);

    const metrics = await Promise.all([a, b].map(async (r) => (await fetch(`${r.url}/metrics`, { headers: { authorization: `Bearer ${systemToken}` } })).text()));
    const delivered = metrics.map((text) => Number(/^chatplugin_replies_delivered_total (\d+)/m.exec(text)?.[1] ?? 0));
    expect(delivered[0]! + delivered[1]!).toBeGreaterThanOrEqual(2);
  });

  it('serves its OpenAPI document without a token', async () => {
    const response = await fetch(`${a.url}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).sort()).toEqual(['/channels.chatplugin.connect', '/channels.chatplugin.disconnect', '/chatplugin.authenticate', '/chatplugin.resumeToken', '/chatplugin.send']);
  });

  it('refuses bad visitor tokens (401), bad bodies (400 naming the field), unknown channels (404) and disconnected channels', async () => {
    const connected = await call(a, 'channels.chatplugin.connect', { name: 'Shop' });
    const channelId = connected.body!.id as string;
    const visitor = await conversationOn(a, a, channelId, connected.position);

    for (const replica of [a, b]) {
      expect((await call(replica, 'chatplugin.send', { message: { text: 'x' } }, 'not-a-token')).status).toBe(401);
      expect((await call(replica, 'chatplugin.send', { message: { text: 'x' } }, null)).body).toEqual({ message: expect.any(String) });
      expect((await call(replica, 'chatplugin.send', { message: { text: 'x' } }, systemToken)).status).toBe(401);
      expect((await call(replica, 'chatplugin.resumeToken', {}, 'not-a-token')).status).toBe(401);
      expect((await call(replica, 'chatplugin.authenticate', { resume_token: 'not-a-token' }, null)).status).toBe(401);
      expect((await call(replica, 'channels.chatplugin.connect', { name: 'x' }, null)).status).toBe(401);
      expect((await call(replica, 'channels.chatplugin.connect', { name: 'x' }, 'wrong-token')).status).toBe(401);

      const noMessage = await call(replica, 'chatplugin.send', {}, visitor.token);
      expect(noMessage.status).toBe(400);
      expect(noMessage.body!.message).toContain('message');
      const noName = await call(replica, 'channels.chatplugin.connect', { image_url: 'https://example.com/x.png' });
      expect(noName.status).toBe(400);
      expect(noName.body!.message).toContain('name');
      const badImage = await call(replica, 'channels.chatplugin.connect', { name: 'x', image_url: 'not a url' });
      expect(badImage.body!.message).toContain('image_url');
      expect((await call(replica, 'chatplugin.authenticate', {}, null)).body!.message).toContain('channel_id');

      expect((await call(replica, 'chatplugin.authenticate', { channel_id: 'no-such-channel' }, null)).status).toBe(404);
      // A position is checked before anything waits on it: 400 naming the problem (a wait would end in 404).
      const refusedPositions: [string, string][] = [
        ['not-a-position', 'expected topic:partition:offset'],
        [`${topics.chatpluginEvents}:0:1`, 'is not an input topic'],
        [`${topics.channels}:999:1`, 'has no partition 999'],
        [`${topics.channels}:0:1, ${topics.channels}:0:2`, 'one position only'],
        [`${topics.channels}:0:99999999999999999999`, 'expected topic:partition:offset'],
      ];
      for (const [header, problem] of refusedPositions) {
        const refused = await call(replica, 'chatplugin.authenticate', { channel_id: 'no-such-channel' }, null, { 'x-streams-position': header });
        expect(refused.status).toBe(400);
        expect(refused.body!.message).toContain(problem);
      }
      expect((await call(replica, 'channels.chatplugin.disconnect', { channel_id: 'no-such-channel' })).status).toBe(404);
    }
    // The widget's reaction to a refused token depends on the ERROR's `401`; the socket is closed after it.
    await expect(VisitorSocket.open(b.url, 'not-a-token')).rejects.toThrow('401 Unauthorized');
    for (const connect of ['CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0', 'CONNECT\naccept-version:1.2\nAuthorization:Bearer not-a-token\n\n\0']) {
      const refusedConnect = await rawExchange(b.url, [connect]);
      expect(framesOf(refusedConnect.text)).toEqual([expect.stringMatching(/^ERROR 401 Unauthorized: (missing visitor token|invalid token)/)]);
      expect(refusedConnect.code).toBe(1002);
    }
    const connectFrame = `CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:0,0\nAuthorization:Bearer ${visitor.token}\n\n\0`;
    const elsewhere = await rawExchange(a.url, [connectFrame, 'SUBSCRIBE\nid:sub-0\ndestination:/topic/everything\n\n\0']);
    expect(framesOf(elsewhere.text)).toEqual([`CONNECTED ${visitor.conversation_id}`, `ERROR SUBSCRIBE: unknown destination; the only one is ${VISITOR_QUEUE}`]);
    expect(elsewhere.code).toBe(1002);
    // Oversize input: a frame over the 8 KiB limit gets an ERROR, a websocket message over 32 KiB is cut by ws; the app keeps serving.
    const oversize = await rawExchange(a.url, [connectFrame, `SUBSCRIBE\nid:sub-0\ndestination:${VISITOR_QUEUE}\n\n${'x'.repeat(9000)}\0`]);
    expect(framesOf(oversize.text)).toEqual([`CONNECTED ${visitor.conversation_id}`, 'ERROR frame over 8192 bytes']);
    expect((await rawExchange(a.url, [connectFrame, Buffer.alloc(40_000, 0x41)])).code).toBe(1009);

    const socket = await open(b, visitor.token);
    const closed = new Promise<number>((resolve) => socket.ws!.once('close', (code) => resolve(code)));
    const disconnected = await call(a, 'channels.chatplugin.disconnect', { channel_id: channelId });
    expect(disconnected.status).toBe(200);
    expect(disconnected.body).toMatchObject({ id: channelId, source: 'chatplugin', connected: false });
    const position = { 'x-streams-position': disconnected.position! };
    expect((await call(a, 'chatplugin.authenticate', { channel_id: channelId }, null, position)).status).toBe(404);
    expect((await call(a, 'chatplugin.authenticate', { resume_token: visitor.resume_token }, null)).status).toBe(404);
    expect((await call(a, 'chatplugin.send', { message: { text: 'anyone?' } }, visitor.token)).status).toBe(401);
    expect(await closed).toBe(4403);
  });

  it('sends a raw event it cannot map to the dead-letter topic with the reason, and keeps routing', async () => {
    const dlq = deadLetterTopicName({ id: `${namespace}.chatplugin`, version: 1 });
    await producer.send({ topic: topics.chatpluginEvents, messages: [{ key: 'broken', value: '{"type":"message"' }] });
    const reader = kafka.consumer({ groupId: uniqueName('chatplugin-spec-dlq') });
    const dead: { reason: string; key: string }[] = [];
    await reader.connect();
    try {
      await waitFor(async () => (await admin.listTopics()).includes(dlq), { timeoutMs: 30_000, description: 'the dead-letter topic' });
      await reader.subscribe({ topic: dlq, fromBeginning: true });
      await reader.run({ eachMessage: async ({ message }) => void dead.push({ reason: String(message.headers?.['dlq.reason'] ?? ''), key: String(message.key) }) });
      const entry = await waitFor(() => dead.find((d) => d.key === 'broken'), { timeoutMs: 30_000, description: 'the dead letter' });
      expect(entry.reason).toContain('raw chat plugin event is not JSON');
    } finally {
      await reader.disconnect();
    }
    const connected = await call(a, 'channels.chatplugin.connect', { name: 'After poison' });
    const visitor = await conversationOn(a, b, connected.body!.id as string, connected.position);
    const sent = await call(b, 'chatplugin.send', { message: { text: 'still routed' } }, visitor.token);
    await waitFor(() => seen.some((s) => s.message.id === sent.body!.id), { timeoutMs: 30_000, description: 'routing after the poison record' });
  });

  it('bounds visitor sends: content exactly at the limit is routed, one byte over and oversized bodies are 413 naming the limit', async () => {
    const tooLongName = await call(a, 'channels.chatplugin.connect', { name: 'n'.repeat(maxNameLength + 1) });
    expect(tooLongName.status).toBe(413);
    expect(tooLongName.body).toEqual({ message: `name must be at most ${maxNameLength} characters` });
    const connected = await call(a, 'channels.chatplugin.connect', { name: 'n'.repeat(maxNameLength) });
    expect(connected.status).toBe(200);
    const started = await call(b, 'chatplugin.authenticate', { channel_id: connected.body!.id }, null, connected.position ? { 'x-streams-position': connected.position } : {});
    expect(started.status).toBe(200);
    const token = started.body!.token as string;
    const content = (bytes: number) => {
      const overhead = JSON.stringify({ text: '' }).length;
      const quotes = Math.floor((bytes - overhead) / 2);
      return { text: '"'.repeat(quotes) + 'x'.repeat(bytes - overhead - 2 * quotes) };
    };

    const over = await call(a, 'chatplugin.send', { message: content(maxMessageContentBytes + 1) }, token);
    expect(over.status).toBe(413);
    expect(over.body).toEqual({ message: `message content is ${maxMessageContentBytes + 1} bytes, limit ${maxMessageContentBytes} bytes` });
    const huge = await call(a, 'chatplugin.send', { message: { text: 'x'.repeat(1_046_528) } }, token);
    expect(huge.status).toBe(413);
    expect(huge.body?.message).toContain(`limit ${maxRequestBodyBytes} bytes`);

    const largest = await call(a, 'chatplugin.send', { message: content(maxMessageContentBytes) }, token);
    expect(largest.status).toBe(200);
    const routed = await waitFor(() => seen.find((s) => s.message.id === largest.body!.id), { timeoutMs: 30_000, description: 'the largest message routed' });
    expect(Buffer.byteLength(routed.message.content)).toBe(maxMessageContentBytes);
    expect([a, b].map((s) => s.app.state)).toEqual(['RUNNING', 'RUNNING']);
  });
});
