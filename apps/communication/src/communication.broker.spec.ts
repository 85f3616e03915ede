import {
  changelogRecordLimitBytes,
  conversationId,
  maxConversationMetadataBytes,
  maxMessageContentBytes,
  maxMetadataUpsertBytes,
  maxRequestBodyBytes,
  maxStoredMessageBytes,
  metadataUpsert,
  withDeliveryState,
  type ConversationState,
} from '@platform/chat-domain';
import { issueUserToken } from '@platform/auth';
import type { Channel, Message } from '@platform/schemas';
import { formatPosition, QueryRouter } from '@platform/nest-streams';
import { CONVERSATIONS_LIST_LOCAL_PATH } from './conversations/conversation-lister';
import { waitFor } from '@platform/testing';
import { CommunicationStores } from './streams/stores';
import { ConversationsService } from './conversations/conversations.service';
import { jwtSecret, startTwoReplicas, type JsonAnswer, type Replica, type TwoReplicas } from './__fixtures__/two-replicas';

const channel: Channel = { id: 'web', source: 'chatplugin', sourceChannelId: 'Website', connectionState: 'CONNECTED', token: null, createdAt: 1 };
const disconnected: Channel = { ...channel, id: 'old', sourceChannelId: 'Old', connectionState: 'DISCONNECTED' };
const sms: Channel = { ...channel, id: 'sms', source: 'twilio.sms', sourceChannelId: '+15551230000' };
const conversations = Array.from({ length: 12 }, (_, i) => `conversation-${String(i).padStart(2, '0')}`);
const t0 = 1_700_000_000_000;

/** A message content whose JSON text is exactly `bytes` long, mostly `"` (which escapes worst once the content is stored as a JSON string). */
function contentOfBytes(bytes: number): { text: string } {
  const overhead = JSON.stringify({ text: '' }).length;
  const quotes = Math.floor((bytes - overhead) / 2);
  return { text: '"'.repeat(quotes) + 'x'.repeat(bytes - overhead - 2 * quotes) };
}

/** A `data` object whose JSON text is exactly `bytes` long. */
function dataOfBytes(bytes: number, key = 'note'): Record<string, string> {
  return { [key]: 'n'.repeat(bytes - JSON.stringify({ [key]: '' }).length) };
}

function contactMessage(id: string, conversation: string, sentAt: number): Message {
  return { id, conversationId: conversation, channelId: channel.id, source: 'chatplugin', senderId: 'visitor', isFromContact: true, deliveryState: 'DELIVERED', content: JSON.stringify({ text: id }), sentAt, updatedAt: null, sourceRecipientId: null, headers: {} };
}

describe('communication: two replicas on a real broker', () => {
  let r: TwoReplicas;
  let a: Replica;
  let b: Replica;
  const both = () => [a, b];

  beforeAll(async () => {
    r = await startTwoReplicas(async (writer) => {
      await writer.writeChannel(channel);
      await writer.writeChannel(disconnected);
      await writer.writeChannel(sms);
      await writer.writeTag('vip', { id: 'vip', name: 'VIP', color: 'BLUE' });
      await writer.writeMetadata({ kind: 'channel', id: channel.id }, [metadataUpsert({ kind: 'channel', id: channel.id }, 'name', 'Website chat', 1)]);
      for (const [i, conversation] of conversations.entries()) {
        // conversation i has i % 3 + 1 contact messages; later conversations are more recent
        for (let m = 0; m <= i % 3; m++) await writer.writeMessage(contactMessage(`${conversation}-m${m}`, conversation, t0 + i * 1000 + m));
      }
    });
    ({ a, b } = r);
    await waitFor(async () => (await a.post('/conversations.list', { page_size: 100 })).json?.pagination_data?.total === conversations.length, {
      timeoutMs: 30_000,
      description: 'every seeded conversation listed',
    });
  }, 120_000);
  afterAll(() => r?.close());

  it('refuses requests without a valid token (401) on every endpoint, serves health and OpenAPI without one', async () => {
    const routes = ['/conversations.list', '/conversations.info', '/conversations.tag', '/conversations.mark-read', '/messages.list', '/messages.send', '/messages.resend', '/metadata.upsert', '/internal/conversations.list-local', '/internal/conversations.list-stamp'];
    for (const replica of both()) {
      for (const route of routes) {
        expect((await replica.post(route, {}, { token: null })).status).toBe(401);
        expect((await replica.post(route, {}, { token: 'wrong-token' })).status).toBe(401);
      }
      const openapi = await fetch(`${replica.started.url}/openapi.json`);
      expect(openapi.status).toBe(200);
      expect(Object.keys(((await openapi.json()) as { paths: object }).paths)).toEqual(expect.arrayContaining(['/conversations.list', '/messages.resend', '/metadata.upsert']));
    }
  });

  it('lists every conversation from either replica, the same pages in the same order, with filters and no cap', async () => {
    expect(both().every((replica) => replica.started.app.localTasks().length > 0)).toBe(true);
    const expected = [...conversations].reverse();
    for (const replica of both()) {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: JsonAnswer = await replica.post('/conversations.list', { page_size: 5, ...(cursor ? { cursor } : {}) });
        expect(page.status).toBe(200);
        expect(page.json.pagination_data.total).toBe(conversations.length);
        ids.push(...page.json.data.map((c: { id: string }) => c.id));
        cursor = page.json.pagination_data.next_cursor;
      } while (cursor);
      expect(ids).toEqual(expected);
      const filtered = await replica.post('/conversations.list', { filters: 'unread_count:[3 TO *]' });
      expect(filtered.json.data.map((c: { id: string }) => c.id).sort()).toEqual(conversations.filter((_, i) => i % 3 === 2));
      expect((await replica.post('/conversations.list', { filters: 'unread_count:[' })).status).toBe(400);
      expect((await replica.post('/conversations.list', { page_size: 0 })).json.message).toContain('page_size');
      expect((await replica.post('/conversations.list', { cursor: '!!' })).json.message).toContain('cursor');
    }
  });

  it('answers conversations.info and messages.list the same on both replicas; 404 unknown, 400 naming the field', async () => {
    for (const id of conversations.slice(0, 4)) {
      const [fromA, fromB] = await Promise.all([a.post('/conversations.info', { conversation_id: id }), b.post('/conversations.info', { conversation_id: id })]);
      expect(fromA.status).toBe(200);
      expect(fromB.json).toEqual(fromA.json);
      expect(fromA.json).toMatchObject({ id, channel: { id: 'web', source: 'chatplugin', source_channel_id: 'Website', connected: true, metadata: { name: 'Website chat' } } });
      const [listA, listB] = await Promise.all([a.post('/messages.list', { conversation_id: id }), b.post('/messages.list', { conversation_id: id })]);
      expect(listA.status).toBe(200);
      expect(listB.json).toEqual(listA.json);
    }
    for (const replica of both()) {
      expect((await replica.post('/conversations.info', { conversation_id: 'missing' })).status).toBe(404);
      expect((await replica.post('/messages.list', { conversation_id: 'missing' })).status).toBe(404);
      const bad = await replica.post('/conversations.info', {});
      expect(bad.status).toBe(400);
      expect(bad.json.message).toContain('conversation_id');
    }
  });

  it('applies conversation writes on the owner and a read right after on the other replica sees them', async () => {
    const id = conversations[5]!;
    for (const [writeOn, readOn] of [[a, b], [b, a]] as const) {
      // The same unfiltered page, asked again and again: reused parts and pages (stamps) must still show each write.
      const tagsOnPage = async () => ((await readOn.post('/conversations.list', { page_size: 100 })).json.data as { id: string; metadata: { tags: object } }[]).find((c) => c.id === id)?.metadata.tags;
      expect(await tagsOnPage()).toEqual({});
      expect(await tagsOnPage()).toEqual({});
      const tagged = await writeOn.post('/conversations.tag', { conversation_id: id, tag_id: 'vip' });
      expect(tagged.status).toBe(200);
      expect(tagged.json.metadata.tags).toEqual({ vip: '' });
      expect(tagged.headers.get('x-streams-position')).toMatch(/:\d+:\d+$/);
      expect((await readOn.post('/conversations.info', { conversation_id: id })).json.metadata.tags).toEqual({ vip: '' });
      expect((await readOn.post('/conversations.list', { filters: 'tag_ids:vip' })).json.data.map((c: { id: string }) => c.id)).toEqual([id]);
      expect(await tagsOnPage()).toEqual({ vip: '' });

      expect((await writeOn.post('/conversations.set-state', { conversation_id: id, state: 'CLOSED' })).status).toBe(200);
      expect((await readOn.post('/conversations.list', { filters: 'metadata.state:closed' })).json.data.map((c: { id: string }) => c.id)).toEqual([id]);
      expect((await writeOn.post('/conversations.update-contact', { conversation_id: id, display_name: `Ada ${writeOn.name}` })).status).toBe(200);
      expect((await readOn.post('/conversations.info', { conversation_id: id })).json.metadata.contact.display_name).toBe(`Ada ${writeOn.name}`);
      expect((await writeOn.post('/conversations.remove-state', { conversation_id: id })).json.metadata.state).toBeUndefined();
      expect((await readOn.post('/conversations.info', { conversation_id: id })).json.metadata.state).toBeUndefined();
      expect((await writeOn.post('/conversations.untag', { conversation_id: id, tag_id: 'vip' })).status).toBe(200);
      expect((await readOn.post('/conversations.info', { conversation_id: id })).json.metadata.tags).toEqual({});
      expect(await tagsOnPage()).toEqual({});
    }
    const unread = conversations[8]!;
    expect((await b.post('/conversations.info', { conversation_id: unread })).json.metadata.unread_count).toBe(3);
    expect((await b.post('/conversations.mark-read', { conversation_id: unread })).json.metadata.unread_count).toBe(0);
    expect((await a.post('/conversations.info', { conversation_id: unread })).json.metadata.unread_count).toBe(0);
    expect((await a.post('/conversations.list', { filters: `id:${unread} AND unread_count:0` })).json.pagination_data.total).toBe(1);

    for (const replica of both()) {
      expect((await replica.post('/conversations.tag', { conversation_id: id, tag_id: 'no-such-tag' })).status).toBe(404);
      expect((await replica.post('/conversations.tag', { conversation_id: 'missing', tag_id: 'vip' })).status).toBe(404);
      expect((await replica.post('/conversations.set-state', { conversation_id: id })).json.message).toContain('state');
    }
  });

  it("answers a repeated list without asking the other replica while that replica's watched stamp holds, and asks again after it changed", async () => {
    const peerCalls = jest.spyOn(a.started.nest.get(QueryRouter).peers, 'post');
    const partCalls = () => peerCalls.mock.calls.filter(([, path]) => path === CONVERSATIONS_LIST_LOCAL_PATH).length;
    const peerParts = jest.spyOn(b.started.nest.get(ConversationsService), 'listLocal');
    try {
      const page = () => a.post('/conversations.list', { page_size: 100 });
      const owned = conversations.find((id) => b.started.app.metadataForKey(CommunicationStores.conversations, id)?.local);
      expect(owned).toBeDefined();
      expect((await page()).status).toBe(200);
      // The first gather starts the watch of b's stamp; once it is known, b is not asked for the same part.
      await waitFor(async () => {
        const before = partCalls();
        await page();
        return partCalls() === before;
      }, { timeoutMs: 10_000, description: 'a list answered without calling b' });
      const quiet = partCalls();
      const built = peerParts.mock.calls.length;
      const pages = [];
      for (let i = 0; i < 20; i++) pages.push((await page()).json);
      expect(partCalls()).toBe(quiet);
      expect(peerParts.mock.calls.length).toBe(built);
      expect(new Set(pages.map((p) => JSON.stringify(p))).size).toBe(1);
      // A write on b changes its stamp: the next list from a asks b again and shows the write.
      expect((await b.post('/conversations.update-contact', { conversation_id: owned, display_name: 'Watched Stamp' })).status).toBe(200);
      // The same page as before (the same held part), so a stamp that stayed as it was would show the old name.
      await waitFor(async () => ((await page()).json.data as { id: string; metadata: { contact: { display_name?: string } } }[]).some((c) => c.id === owned && c.metadata.contact.display_name === 'Watched Stamp'), {
        timeoutMs: 10_000,
        description: 'the write listed by a',
      });
      expect(partCalls()).toBeGreaterThan(quiet);
      expect(peerParts.mock.calls.length).toBeGreaterThan(built);
    } finally {
      peerCalls.mockRestore();
      peerParts.mockRestore();
    }
  });

  it('sends messages as the caller into existing and new conversations, visible at once on the other replica', async () => {
    const id = conversations[3]!;
    const user = await issueUserToken(jwtSecret, 'agent-7', 'Agent Seven');
    for (const [writeOn, readOn] of [[a, b], [b, a]] as const) {
      const sent = await writeOn.post('/messages.send', { conversation_id: id, message: { text: `hi from ${writeOn.name}` } }, { token: user });
      expect(sent.status).toBe(200);
      expect(sent.json).toMatchObject({ delivery_state: 'pending', from_contact: false, source: 'chatplugin', sender: { id: 'agent-7' }, content: { text: `hi from ${writeOn.name}` } });
      const listed = await readOn.post('/messages.list', { conversation_id: id, page_size: 1 });
      expect(listed.json.data[0].id).toBe(sent.json.id);
    }

    expect((await a.post('/messages.send', { channel_id: 'web', source_recipient_id: 'visitor-42', message: { text: 'hello' } })).status).toBe(403);
    const fresh = await a.post('/messages.send', { channel_id: 'sms', source_recipient_id: '+4915112345678', message: { Body: 'hello' } });
    expect(fresh.status).toBe(202);
    const freshId = conversationId('sms', '+4915112345678');
    expect(fresh.json.conversation_id).toBe(freshId);
    expect(fresh.json.sender.id).toBe('system-token');
    expect((await b.post('/conversations.info', { conversation_id: freshId })).json.last_message.id).toBe(fresh.json.id);

    for (const replica of both()) {
      expect((await replica.post('/messages.send', { channel_id: 'nope', source_recipient_id: 'x', message: {} })).status).toBe(404);
      expect((await replica.post('/messages.send', { channel_id: 'old', source_recipient_id: 'x', message: {} })).status).toBe(403);
      const noRecipient = await replica.post('/messages.send', { channel_id: 'sms', message: { Body: 'hi' } });
      expect(noRecipient).toMatchObject({ status: 400, json: { message: expect.stringContaining('source_recipient_id') } });
      expect((await replica.post('/messages.send', { conversation_id: 'missing', message: {} })).status).toBe(404);
      const bad = await replica.post('/messages.send', { conversation_id: id });
      expect(bad.status).toBe(400);
      expect(bad.json.message).toContain('message');
    }
  });

  it('resends only FAILED messages (409 otherwise, 404 unknown), finding the message from either replica', async () => {
    const id = conversations[1]!;
    const { owner, other } = r.ownerOf(id);
    const sent = (await owner.post('/messages.send', { conversation_id: id, message: { text: 'will fail' } })).json;
    for (const replica of both()) {
      const conflict = await replica.post('/messages.resend', { message_id: sent.id });
      expect(conflict.status).toBe(409);
      expect(conflict.json.message).toContain('only failed messages');
      expect((await replica.post('/messages.resend', { message_id: 'unknown-message' })).status).toBe(404);
    }
    const pending: Message = { id: sent.id, conversationId: id, channelId: 'web', source: 'chatplugin', senderId: 'system-token', isFromContact: false, deliveryState: 'PENDING', content: JSON.stringify({ text: 'will fail' }), sentAt: Date.parse(sent.sent_at), updatedAt: null, sourceRecipientId: null, headers: {} };
    // A connector's write, read right after through the x-streams-position header of that write.
    const failedAt = await r.writer.writeMessage(withDeliveryState(pending, 'FAILED', Date.now()));
    const seen = await other.post('/messages.list', { conversation_id: id, page_size: 1 }, { headers: { 'x-streams-position': formatPosition(failedAt) } });
    expect(seen.json.data[0].delivery_state).toBe('failed');
    const resent = await other.post('/messages.resend', { message_id: sent.id });
    expect(resent.status).toBe(200);
    expect(resent.json.delivery_state).toBe('pending');
    expect((await owner.post('/messages.list', { conversation_id: id, page_size: 1 })).json.data[0].delivery_state).toBe('pending');
  });

  it('upserts metadata on conversations, messages and channels from either replica', async () => {
    const id = conversations[10]!;
    const { owner, other } = r.ownerOf(id);
    const upserted = await other.post('/metadata.upsert', { subject: 'conversation', id, data: { crm: { id: 7 } } });
    expect(upserted.status).toBe(200);
    expect(upserted.json.metadata.user_data).toEqual({ crm: { id: 7 } });
    expect((await owner.post('/conversations.list', { filters: 'metadata.user_data.crm.id:7' })).json.data.map((c: { id: string }) => c.id)).toEqual([id]);

    const messageId = `${id}-m0`;
    const onMessage = await other.post('/metadata.upsert', { subject: 'message', id: messageId, data: { rating: 5 } });
    expect(onMessage.status).toBe(200);
    expect(onMessage.json).toMatchObject({ id: messageId, metadata: { user_data: { rating: 5 } } });

    const onChannel = await a.post('/metadata.upsert', { subject: 'channel', id: 'web', data: { team: 'support' } });
    expect(onChannel.json).toMatchObject({ id: 'web', metadata: { name: 'Website chat', user_data: { team: 'support' } } });
    await waitFor(async () => (await b.post('/conversations.info', { conversation_id: id })).json.channel.metadata.user_data?.team === 'support', { description: 'channel metadata on every replica' });

    for (const replica of both()) {
      expect((await replica.post('/metadata.upsert', { subject: 'message', id: 'unknown-message', data: { a: 1 } })).status).toBe(404);
      expect((await replica.post('/metadata.upsert', { subject: 'conversation', id: 'missing', data: { a: 1 } })).status).toBe(404);
      expect((await replica.post('/metadata.upsert', { subject: 'channel', id: 'missing', data: { a: 1 } })).status).toBe(404);
      const bad = await replica.post('/metadata.upsert', { subject: 'contact', id, data: {} });
      expect(bad.status).toBe(400);
      expect(bad.json.message).toContain('subject');
    }
  });

  it('bounds sizes: content and data exactly at their limits are accepted, one byte over is 413 naming the limit; the largest message with full metadata fits the changelog', async () => {
    const id = conversations[11]!;
    const { owner, other } = r.ownerOf(id);
    const over = await other.post('/messages.send', { conversation_id: id, message: contentOfBytes(maxMessageContentBytes + 1) });
    expect(over.status).toBe(413);
    expect(over.json.message).toBe(`message content is ${maxMessageContentBytes + 1} bytes, limit ${maxMessageContentBytes} bytes`);
    const huge = await other.post('/messages.send', { conversation_id: id, message: { text: 'x'.repeat(maxRequestBodyBytes) } });
    expect(huge.status).toBe(413);
    expect(huge.json.message).toContain(`limit ${maxRequestBodyBytes} bytes`);
    const dataOver = await other.post('/metadata.upsert', { subject: 'conversation', id, data: dataOfBytes(maxMetadataUpsertBytes + 1) });
    expect(dataOver.status).toBe(413);
    expect(dataOver.json.message).toBe(`metadata data is ${maxMetadataUpsertBytes + 1} bytes, limit ${maxMetadataUpsertBytes} bytes`);

    // Fill the conversation's metadata with upserts at the request limit until the budget refuses one.
    let refused: JsonAnswer | undefined;
    for (let i = 0; refused === undefined; i++) {
      const answer = await other.post('/metadata.upsert', { subject: 'conversation', id, data: dataOfBytes(maxMetadataUpsertBytes, `note${i}`) });
      if (answer.status === 413) refused = answer;
      else expect(answer.status).toBe(200);
      expect(i).toBeLessThan(20);
    }
    expect(refused.json.message).toMatch(new RegExp(`^metadata of conversation ${id} after this upsert is \\d+ bytes, limit ${maxConversationMetadataBytes} bytes$`));

    const largest = await other.post('/messages.send', { conversation_id: id, message: contentOfBytes(maxMessageContentBytes) });
    expect(largest.status).toBe(200);
    const info = await owner.post('/conversations.info', { conversation_id: id });
    expect(info.json.last_message.id).toBe(largest.json.id);
    // The conversation record as the store's serde (JSON text, UTF-8) writes it to the changelog.
    const state = owner.started.app.localStore<string, ConversationState>(CommunicationStores.conversations).get(id)!;
    const recordBytes = Buffer.byteLength(JSON.stringify(state), 'utf8');
    expect(recordBytes).toBeGreaterThan(maxStoredMessageBytes + maxConversationMetadataBytes - 40_000);
    expect(recordBytes).toBeLessThan(changelogRecordLimitBytes);
    expect(owner.started.app.state).toBe('RUNNING');
  });

  it('dead-letters a connector record over the budget and keeps serving the conversation', async () => {
    const id = conversations[0]!;
    const poison = { ...contactMessage(`${id}-poison`, id, t0 + 500_000), content: 'p'.repeat(maxStoredMessageBytes) };
    await r.writer.writeMessage(poison);
    const after = contactMessage(`${id}-after`, id, t0 + 600_000);
    await r.writer.writeMessage(after);
    await waitFor(async () => (await a.post('/conversations.info', { conversation_id: id })).json.last_message?.id === after.id, { description: 'the record after the poison one applied' });
    for (const replica of both()) {
      expect(replica.started.app.state).toBe('RUNNING');
      expect((await replica.post('/messages.list', { conversation_id: id })).json.data.map((m: { id: string }) => m.id)).not.toContain(poison.id);
    }
  });
});
