import type { Admin, Kafka } from 'kafkajs';
import { newKafka, VISITOR_QUEUE, VisitorSocket, waitFor } from '@platform/testing';
import { ApiClient, metricSum } from './support/api';
import { loadResponseCheck } from './support/response-check';
import { startChatStack, type ChatStack } from './support/stack';
import type { AppProcess } from './support/processes';

interface Page<T> {
  data: T[];
  pagination_data: { total: number; next_cursor: string | null };
}
interface ConversationPayload {
  id: string;
  channel: { id: string; source: string };
  /** Airy keeps the unread count among the conversation's metadata. */
  metadata: { unread_count: number; tags?: Record<string, string>; contact?: { display_name?: string } };
  last_message: { id: string };
}
interface MessagePayload {
  id: string;
  delivery_state: string;
  from_contact: boolean;
  content: unknown;
}

/**
 * The platform as users see it: apps as separate processes behind the gateway, a visitor on the
 * web chat, an agent on the REST API. The second test crashes the communication app and checks the
 * restarted process resumes from its local state beside a new replica.
 */
describe('chat platform end to end', () => {
  let kafka: Kafka;
  let admin: Admin;
  let stack: ChatStack;
  let agent: ApiClient;
  let visitor: ApiClient;
  let channelId: string;
  const sockets: VisitorSocket[] = [];
  const extra: AppProcess[] = [];

  beforeAll(async () => {
    kafka = newKafka('e2e');
    admin = kafka.admin();
    await admin.connect();
    stack = await startChatStack(admin);
    // Every success answer below is checked against the served OpenAPI documents (drift check).
    const check = await loadResponseCheck(stack.gateway.url);
    agent = new ApiClient(stack.gateway.url, stack.systemToken, check);
    visitor = new ApiClient(stack.gateway.url, undefined, check);
    const channel = await agent.ok<{ id: string }>('channels.chatplugin.connect', { name: 'Website' });
    channelId = channel.id;
  }, 180_000);
  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    await Promise.all(extra.map((app) => app.stop()));
    await stack?.stop();
    await admin?.disconnect();
  }, 120_000);

  /** A visitor who opened the chat: its API client, conversation id and websocket. */
  const openChat = async () => {
    const auth = await visitor.ok<{ token: string; conversation_id: string; messages: unknown[] }>('chatplugin.authenticate', { channel_id: channelId });
    const socket = await VisitorSocket.open(stack.gateway.url, auth.token);
    sockets.push(socket);
    return { api: visitor.withToken(auth.token), conversationId: auth.conversation_id, socket, token: auth.token };
  };
  const listConversations = (api: ApiClient, filters: string, pageSize = 100) =>
    api.ok<Page<ConversationPayload>>('conversations.list', { filters, page_size: pageSize });
  const messagesOf = (api: ApiClient, conversationId: string) => api.ok<Page<MessagePayload>>('messages.list', { conversation_id: conversationId, page_size: 1000 });

  it('carries a visitor message to the agent and the reply back to the visitor, and mark-read zeroes the unread count', async () => {
    // Auth on by default, validation naming the field.
    expect((await visitor.post('conversations.list', {})).status).toBe(401);
    const bad = await agent.post<{ message: string }>('messages.send', { conversation_id: 42, message: { text: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('conversation_id');

    const chat = await openChat();
    const { api: visitorApi, conversationId } = chat;
    const resume = await visitorApi.ok<{ resume_token: string }>('chatplugin.resumeToken', {});
    expect(resume.resume_token).toEqual(expect.any(String));
    const hello = await visitorApi.ok<MessagePayload>('chatplugin.send', { message: { text: 'Hello, anyone there?' } });
    expect(hello).toMatchObject({ from_contact: true });
    // Echoed to the visitor's socket (Airy's multi-tab sync) on its STOMP user queue.
    const echo = await waitFor(() => chat.socket.frames.find((f) => f.message.id === hello.id), { timeoutMs: 20_000, description: 'the echo on the visitor socket' });
    expect(echo).toMatchObject({ conversation_id: conversationId, channel_id: channelId, message: { content: { text: 'Hello, anyone there?' }, from_contact: true } });

    // The agent finds it among unread conversations and reads the message.
    const unread = await waitFor(
      async () => (await listConversations(agent, 'unread_count:[1 TO *]')).data.find((c) => c.id === conversationId),
      { timeoutMs: 20_000, description: 'the new conversation among unread ones' },
    );
    expect(unread).toMatchObject({ metadata: { unread_count: 1 }, channel: { id: channelId, source: 'chatplugin' }, last_message: { id: hello.id } });
    const history = await messagesOf(agent, conversationId);
    expect(history.data.map((m) => m.id)).toEqual([hello.id]);
    expect(history.data[0]!.content).toEqual({ text: 'Hello, anyone there?' });

    // Tags: create, tag, filter by tag.
    const tag = await agent.ok<{ id: string }>('tags.create', { name: 'vip', color: 'tag-red' });
    await agent.ok('conversations.tag', { conversation_id: conversationId, tag_id: tag.id });
    const info = await agent.ok<ConversationPayload>('conversations.info', { conversation_id: conversationId });
    expect(Object.keys(info.metadata.tags ?? {})).toEqual([tag.id]);
    expect((await listConversations(agent, `tag_ids:${tag.id}`)).data.map((c) => c.id)).toEqual([conversationId]);

    // The agent replies: written PENDING, pushed to the visitor's socket, then DELIVERED. The answer
    // shows the message as the owner's store has it once the write applied: the connector may
    // already have delivered it by then.
    const reply = await agent.ok<MessagePayload>('messages.send', { conversation_id: conversationId, message: { text: 'Hi! How can I help?' } });
    expect(['pending', 'delivered']).toContain(reply.delivery_state);
    const pushed = await waitFor(() => chat.socket.frames.find((f) => f.message.id === reply.id), { timeoutMs: 20_000, description: 'the reply on the visitor socket' });
    expect(pushed).toMatchObject({ conversation_id: conversationId, channel_id: channelId, message: { content: { text: 'Hi! How can I help?' }, from_contact: false } });
    await waitFor(async () => (await messagesOf(agent, conversationId)).data.find((m) => m.id === reply.id)?.delivery_state === 'delivered', {
      timeoutMs: 20_000,
      description: 'the reply DELIVERED',
    });
    // The socket carries this visitor's conversation only.
    const other = await openChat();
    await other.api.ok('chatplugin.send', { message: { text: 'I am another visitor' } });
    await waitFor(async () => (await agent.post('conversations.info', { conversation_id: other.conversationId })).status === 200, {
      timeoutMs: 20_000,
      description: 'the second conversation known to the agent',
    });
    const otherReply = await agent.ok<MessagePayload>('messages.send', { conversation_id: other.conversationId, message: { text: 'not for the first visitor' } });
    await agent.ok('messages.send', { conversation_id: conversationId, message: { text: 'second reply' } });
    await waitFor(() => chat.socket.frames.some((f) => (f.message.content as { text?: string }).text === 'second reply'), { timeoutMs: 20_000, description: 'second reply' });
    expect(chat.socket.frames.some((f) => f.message.id === otherReply.id)).toBe(false);
    expect(chat.socket.frames.every((f) => f.conversation_id === conversationId)).toBe(true);
    expect([...chat.socket.destinations]).toEqual([VISITOR_QUEUE]);

    // mark-read zeroes the unread count.
    await agent.ok('conversations.mark-read', { conversation_id: conversationId });
    const read = await agent.ok<ConversationPayload>('conversations.info', { conversation_id: conversationId });
    expect(read.metadata.unread_count).toBe(0);
    expect((await listConversations(agent, 'unread_count:[1 TO *]')).data.some((c) => c.id === conversationId)).toBe(false);
  }, 240_000);

  it('restarts a killed communication app on its state dir beside a second replica: only the changelog tail is replayed, and both answer every query', async () => {
    // More history, so the changelog is much longer than any tail.
    const chats = [];
    for (let i = 0; i < 8; i++) chats.push(await openChat());
    for (const [i, chat] of chats.entries()) {
      for (let n = 0; n < 5; n++) await chat.api.ok('chatplugin.send', { message: { text: `visitor ${i} line ${n}` } });
    }
    const conversationIds = chats.map((c) => c.conversationId);
    await waitFor(async () => (await Promise.all(conversationIds.map((id) => messagesOf(agent, id).catch(() => undefined)))).every((p) => p?.data.length === 5), {
      timeoutMs: 30_000,
      description: 'every visitor message visible to the agent',
    });
    const before = await listConversations(agent, '', 1000);

    const changelogs = (await admin.listTopics()).filter((t) => t.startsWith(`${stack.namespace}.communication-v1-`) && t.endsWith('-changelog'));
    expect(changelogs.length).toBeGreaterThan(0);
    let changelogRecords = 0;
    for (const topic of changelogs) for (const p of await admin.fetchTopicOffsets(topic)) changelogRecords += Number(p.high) - Number(p.low);

    // Let a commit pass (the store checkpoints with its offsets), then crash the process.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const crashed = stack.apps.communication;
    await crashed.kill9();
    await expect(fetch(`${crashed.url}/health/live`)).rejects.toThrow();
    const restarted = await stack.startReplica('communication', crashed.env.STATE_DIR, crashed.port);
    const second = await stack.startReplica('communication');
    extra.push(restarted, second);

    const replayed = await metricSum(restarted.url, 'streams_restore_records_total', stack.systemToken);
    console.log(`e2e restart: changelog ${changelogRecords} records, replayed by the restarted process ${replayed}`);
    expect(replayed).toBeLessThan(changelogRecords / 2);
    // The new replica has no local state: what it took over, it restored from the changelog.
    await waitFor(async () => (await metricSum(second.url, 'streams_restore_records_total', stack.systemToken)) > 0, { timeoutMs: 60_000, description: 'the new replica restoring its tasks' });

    // Both replicas answer every query the same, whichever of them owns the conversation.
    const replicas = [restarted, second].map((app) => new ApiClient(app.url, stack.systemToken));
    await waitFor(async () => (await Promise.all(replicas.map((api) => api.post('conversations.list', { page_size: 1 })))).every((a) => a.status === 200), {
      // A crashed member keeps its tasks until its session times out (30 s): lists answer 503 meanwhile.
      timeoutMs: 90_000,
      description: 'both replicas answering',
    });
    for (const api of replicas) {
      const list = await listConversations(api, '', 1000);
      expect(list.pagination_data.total).toBe(before.pagination_data.total);
      expect(list.data.map((c) => c.id)).toEqual(before.data.map((c) => c.id));
      for (const id of conversationIds) {
        const info = await api.ok<ConversationPayload>('conversations.info', { conversation_id: id });
        expect(info).toMatchObject({ id, metadata: { unread_count: 5 } });
        const messages = await messagesOf(api, id);
        expect(messages.data).toHaveLength(5);
      }
      expect((await api.post('conversations.info', { conversation_id: 'no-such-conversation' })).status).toBe(404);
    }
  }, 240_000);
});
