import { ConfigResourceTypes, type Admin, type Kafka, type Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { messageId } from '@platform/chat-domain';
import { chatTopics, placementPartition } from '@platform/chat-streams';
import { newKafka, waitFor } from '@platform/testing';
import { ApiClient } from './support/api';
import { deadLetterTopics, readDeadLetters, type DeadLetter } from './support/dead-letters';
import { startChatStack, type ChatStack } from './support/stack';

interface Page {
  data: Array<{ id: string; content?: unknown }>;
}

interface Chat {
  readonly api: ApiClient;
  readonly conversationId: string;
  readonly partition: number;
}

const marker = 'e2e.poison';

/**
 * Records no request could produce, written straight to the chat pipeline's topics: a visitor event
 * whose message is far larger than any record derived from it may be (on a conversation carrying a
 * 5 KB note), events that cannot be parsed or mapped, and a message record that cannot be
 * deserialized. The platform must dead-letter each with its reason and keep serving every other
 * conversation, including those on the same partitions.
 */
describe('oversized and poison records in the chat pipeline', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let stack: ChatStack;
  let agent: ApiClient;
  let channelId: string;
  let partitions: number;

  beforeAll(async () => {
    kafka = newKafka('e2e-poison');
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer();
    await producer.connect();
    stack = await startChatStack(admin);
    agent = new ApiClient(stack.gateway.url, stack.systemToken);
    channelId = (await agent.ok<{ id: string }>('channels.chatplugin.connect', { name: 'Website' })).id;
    const topics = chatTopics(stack.namespace);
    partitions = (await admin.fetchTopicOffsets(topics.messages)).length;
  }, 180_000);

  afterAll(async () => {
    await producer?.disconnect();
    await stack?.stop();
    await admin?.disconnect();
  }, 120_000);

  const openChat = async (): Promise<Chat> => {
    const visitor = new ApiClient(stack.gateway.url);
    const auth = await visitor.ok<{ token: string; conversation_id: string }>('chatplugin.authenticate', { channel_id: channelId });
    return { api: visitor.withToken(auth.token), conversationId: auth.conversation_id, partition: placementPartition(auth.conversation_id, partitions) };
  };
  const history = (conversationId: string) => agent.ok<Page>('messages.list', { conversation_id: conversationId, page_size: 1000 });
  const textsOf = (page: Page) => page.data.map((m) => (m.content as { text?: string } | undefined)?.text);

  /** Sends a visitor line and an agent reply on each chat and waits until both are in its history. */
  const converse = async (chats: readonly Chat[], round: string) => {
    for (const chat of chats) {
      await chat.api.ok('chatplugin.send', { message: { text: `visitor ${round}` } });
      await waitFor(async () => (await agent.post('conversations.info', { conversation_id: chat.conversationId })).status === 200, {
        timeoutMs: 30_000,
        description: `conversation ${chat.conversationId} known to the agent`,
      });
      await agent.ok('messages.send', { conversation_id: chat.conversationId, message: { text: `agent ${round}` } });
    }
    for (const chat of chats) {
      await waitFor(
        async () => {
          const texts = textsOf(await history(chat.conversationId));
          return texts.includes(`visitor ${round}`) && texts.includes(`agent ${round}`);
        },
        { timeoutMs: 30_000, description: `round ${round} in the history of ${chat.conversationId} (partition ${chat.partition})` },
      );
    }
  };

  const expectReady = async () => {
    for (const app of [stack.apps.communication, stack.apps.chatplugin]) {
      const ready = await fetch(`${app.url}/health/ready`);
      expect({ app: app.name, ready: ready.status, body: ready.status === 200 ? '' : await ready.text() }).toEqual({ app: app.name, ready: 200, body: '' });
    }
  };

  it('dead-letters an oversized visitor event and undecodable records with their reason, and keeps serving every other conversation', async () => {
    const topics = chatTopics(stack.namespace);
    // The victim carries an ordinary 5 KB agent note; its neighbours share its partition or the poisons' partitions.
    const victim = await openChat();
    await converse([victim], 'before');
    await agent.ok('metadata.upsert', { subject: 'conversation', id: victim.conversationId, data: { note: 'n'.repeat(5 * 1024) } });
    const candidates: Chat[] = [];
    for (let i = 0; i < 40 && (candidates.length < 5 || !candidates.some((c) => c.partition === victim.partition)); i++) candidates.push(await openChat());
    const sameAsVictim = candidates.find((c) => c.partition === victim.partition);
    expect(sameAsVictim).toBeDefined();
    const others = [sameAsVictim!, ...candidates.filter((c) => c !== sameAsVictim && c.partition !== victim.partition).slice(0, 4)];
    await converse(others, 'before');

    // The oversized event: as large as the raw topic and the messages topic both take, so only what
    // is derived from it (the conversation record with its note) can be too large.
    const limits = await maxMessageBytes(admin, [topics.chatpluginEvents, topics.messages]);
    const eventId = randomUUID();
    const bigMarker = `oversized-${eventId}`;
    const text = `${bigMarker} ${'x'.repeat(Math.min(...Object.values(limits)) - 4_096)}`;
    const oversized = JSON.stringify({ type: 'message', id: eventId, channel_id: channelId, conversation_id: victim.conversationId, sent_at: Date.now(), message: { text } });
    const [rawPoison, rawUnmappable, messagePoison] = [others[1]!, others[2]!, others[3]!];
    await producer.send({
      topic: topics.chatpluginEvents,
      messages: [
        { key: eventId, value: oversized, partition: victim.partition, headers: { [marker]: 'oversized' } },
        { key: randomUUID(), value: '{"type":"message", not json', partition: rawPoison.partition, headers: { [marker]: 'raw-not-json' } },
        { key: randomUUID(), value: JSON.stringify({ type: 'typing', id: randomUUID(), channel_id: channelId, conversation_id: rawUnmappable.conversationId }), partition: rawUnmappable.partition, headers: { [marker]: 'raw-unmappable' } },
      ],
    });
    await producer.send({
      topic: topics.messages,
      // Not Avro with the registry's framing: no serde can read it.
      messages: [{ key: randomUUID(), value: Buffer.from([0x00, 0xff, 0xff, 0xff, 0xff, 0x42]), partition: messagePoison.partition, headers: { [marker]: 'message-undecodable' } }],
    });
    console.log(`poison: partitions victim ${victim.partition}, neighbours ${others.map((c) => c.partition).join(',')}; topic limits ${JSON.stringify(limits)}; oversized event ${oversized.length} bytes`);

    // Every other conversation keeps going, on the poisoned partitions too; the victim's conversation as well.
    await converse([...others, victim], 'after');
    await expectReady();
    const listed = await agent.ok<Page>('conversations.list', { page_size: 1000 });
    for (const chat of [...others, victim]) expect(listed.data.map((c) => c.id)).toContain(chat.conversationId);
    const victimHistory = await history(victim.conversationId);
    expect(victimHistory.data.some((m) => m.id === messageId(channelId, eventId))).toBe(false);

    // Each poison is in a dead-letter topic with its reason.
    const dlqTopics = await deadLetterTopics(admin, stack.namespace);
    console.log(`dead-letter topics: ${dlqTopics.join(', ')}`);
    expect(dlqTopics.length).toBeGreaterThan(0);
    const expected: Record<string, (letter: DeadLetter) => boolean> = {
      oversized: (l) => l.headers[marker] === 'oversized' || (l.value?.includes(bigMarker) ?? false),
      'raw-not-json': (l) => l.headers[marker] === 'raw-not-json',
      'raw-unmappable': (l) => l.headers[marker] === 'raw-unmappable',
      'message-undecodable': (l) => l.headers[marker] === 'message-undecodable',
    };
    const letters = await readDeadLetters(kafka, dlqTopics, (read) => Object.values(expected).every((match) => read.some(match)), 60_000);
    const found = Object.fromEntries(
      Object.entries(expected).map(([name, match]) => [name, letters.filter(match).map((l) => `${l.topic.slice(stack.namespace.length + 1)}: ${l.reason ?? '(no dlq.reason header)'}`)]),
    );
    console.log(`dead letters:\n${JSON.stringify(found, null, 2)}`);
    for (const [name, where] of Object.entries(found)) {
      expect({ name, dead_lettered: where.length > 0 }).toEqual({ name, dead_lettered: true });
      for (const entry of where) expect(entry).not.toContain('(no dlq.reason header)');
    }
    await expectReady();
  }, 300_000);
});

/** `max.message.bytes` of each topic as the cluster has it. */
async function maxMessageBytes(admin: Admin, topics: readonly string[]): Promise<Record<string, number>> {
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })) });
  const limits: Record<string, number> = {};
  for (const resource of described.resources) {
    const entry = resource.configEntries.find((e) => e.configName === 'max.message.bytes');
    limits[resource.resourceName] = Number(entry?.configValue ?? 1_048_588);
  }
  return limits;
}
