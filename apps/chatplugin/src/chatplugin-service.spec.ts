import { messageId } from '@platform/chat-domain';
import { placementPartition } from '@platform/chat-streams';
import type { Channel, Message } from '@platform/schemas';
import { ChannelDirectory } from './channels';
import { ChatpluginService } from './chatplugin-service';
import { ForeignConversationError, HistoryUnavailableError } from './errors';
import { VisitorTokens } from './visitor/visitor-tokens';

const CHANNELS = 'application.communication.channels';
const open = (id: string): Channel => ({ id, source: 'chatplugin', sourceChannelId: id, connectionState: 'CONNECTED', token: null, createdAt: 1 });
const message = (conversationId: string, channelId: string): Message => ({
  id: `m-${conversationId}`,
  conversationId,
  channelId,
  source: 'chatplugin',
  senderId: conversationId,
  isFromContact: true,
  deliveryState: 'DELIVERED',
  content: '{"text":"hi"}',
  sentAt: 1,
  updatedAt: null,
  sourceRecipientId: null,
  headers: {},
});

function setup(history: (conversationId: string) => Promise<Message[]>, written: unknown[][] = []) {
  const channels = new Map<string, Channel>([
    ['channel-a', open('channel-a')],
    ['channel-b', open('channel-b')],
  ]);
  const waits: { partition: number; offset: string }[] = [];
  const table = {
    get: (id: string) => channels.get(id),
    waitForPosition: async (partition: number, offset: string | number | bigint) => (waits.push({ partition, offset: String(offset) }), true),
  };
  const tokens = new VisitorTokens({ secret: 'a-secret-of-enough-length-for-hs256' });
  const service = new ChatpluginService({
    topics: { chatpluginEvents: 'source.chatplugin.events', channels: CHANNELS, partitions: new Map([[CHANNELS, 4]]) },
    writer: { writeChannel: async () => ({ topic: CHANNELS, partition: 0, offset: '0' }), writeMetadata: async () => ({ topic: 'm', partition: 0, offset: '0' }), writeRaw: async (...args: unknown[]) => (written.push(args), { topic: 'r', partition: 0, offset: '0' }) },
    channels: new ChannelDirectory(table),
    tokens,
    history: { read: history },
    now: () => 1_700_000_000_000,
    eventId: () => 'event-1',
  });
  return { service, tokens, waits };
}

describe('ChatpluginService.resumeTokenOnBehalf', () => {
  const histories: Record<string, Message[]> = { 'conv-a': [message('conv-a', 'channel-a')], 'conv-b': [message('conv-b', 'channel-b')] };
  const { service, tokens } = setup(async (id) => histories[id] ?? []);

  it('mints a resume token for a conversation of the channel', async () => {
    const { resume_token } = await service.resumeTokenOnBehalf({ channelId: 'channel-a', conversationId: 'conv-a' });
    expect(await tokens.verifyResumeToken(resume_token)).toEqual({ channelId: 'channel-a', conversationId: 'conv-a' });
  });

  it('refuses (403) a conversation of another channel, an unknown conversation and an unknown channel', async () => {
    await expect(service.resumeTokenOnBehalf({ channelId: 'channel-a', conversationId: 'conv-b' })).rejects.toThrow(
      new ForeignConversationError('conversation conv-b is not a conversation of chat plugin channel channel-a'),
    );
    await expect(service.resumeTokenOnBehalf({ channelId: 'channel-a', conversationId: 'conv-unknown' })).rejects.toBeInstanceOf(ForeignConversationError);
    await expect(service.resumeTokenOnBehalf({ channelId: 'channel-x', conversationId: 'conv-a' })).rejects.toBeInstanceOf(ForeignConversationError);
  });

  it('is unavailable (503) when the history cannot be read now', async () => {
    const { service: stuck } = setup(async () => {
      throw new HistoryUnavailableError('the conversation history is restoring; retry later');
    });
    await expect(stuck.resumeTokenOnBehalf({ channelId: 'channel-a', conversationId: 'conv-a' })).rejects.toBeInstanceOf(HistoryUnavailableError);
  });
});

describe('ChatpluginService.authenticate with a channel write position', () => {
  it("waits only for a position on the channel's own partition", async () => {
    const { service, waits } = setup(async () => []);
    const own = placementPartition('channel-a', 4);
    await service.authenticateNew('channel-a', { partition: (own + 1) % 4, offset: '99' });
    expect(waits).toEqual([]);
    await service.authenticateNew('channel-a', { partition: own, offset: '7' });
    expect(waits).toEqual([{ partition: own, offset: '7' }]);
  });

  it('verifies a resume token before waiting on anything', async () => {
    const { service, waits } = setup(async () => []);
    await expect(service.authenticateResume('not-a-token', { partition: placementPartition('channel-a', 4), offset: '7' })).rejects.toThrow('invalid token');
    expect(waits).toEqual([]);
  });

  it('answers a resume during an unreadable history with HistoryUnavailableError (503), never an empty history', async () => {
    const { service, tokens } = setup(async () => {
      throw new HistoryUnavailableError('the conversation history cannot be read now; retry later');
    });
    const resume = await tokens.issueResumeToken({ channelId: 'channel-a', conversationId: 'conv-a' });
    await expect(service.authenticateResume(resume)).rejects.toBeInstanceOf(HistoryUnavailableError);
  });
});

describe("ChatpluginService.send through the connector kit's ingress", () => {
  const request = (authorization: string | undefined, body = '{"message":{"text":"hello"}}') => ({ target: '/chatplugin.send', headers: { authorization }, encrypted: false, body: Buffer.from(body) });

  it('writes the raw event envelope, keyed by event id and placed by conversation, and answers the message the router makes of it', async () => {
    const written: unknown[][] = [];
    const { service, tokens } = setup(async () => [], written);
    const token = await tokens.issueVisitorToken({ channelId: 'channel-a', conversationId: 'conv-a' });
    const answer = await service.send(request(`Bearer ${token}`));
    expect(written).toEqual([[
      'source.chatplugin.events',
      'event-1',
      Buffer.from('{"type":"message","id":"event-1","channel_id":"channel-a","conversation_id":"conv-a","sent_at":1700000000000,"message":{"text":"hello"}}'),
      'conv-a',
    ]]);
    expect(answer).toMatchObject({ id: messageId('channel-a', 'event-1'), content: { text: 'hello' }, delivery_state: 'delivered', from_contact: true, sender: { id: 'conv-a' } });
  });

  it.each([
    ['a missing token', undefined, 'missing visitor token (Authorization: Bearer <token>)'],
    ['a bad token', 'Bearer nope', 'invalid token'],
  ])('refuses %s with 401 and writes nothing', async (_what, authorization, message) => {
    const written: unknown[][] = [];
    const { service } = setup(async () => [], written);
    await expect(service.send(request(authorization))).rejects.toMatchObject({ status: 401, message });
    expect(written).toEqual([]);
  });

  it('refuses a visitor of a channel that is not open (401) and writes nothing', async () => {
    const written: unknown[][] = [];
    const { service, tokens } = setup(async () => [], written);
    const token = await tokens.issueVisitorToken({ channelId: 'channel-gone', conversationId: 'conv-a' });
    await expect(service.send(request(`Bearer ${token}`))).rejects.toMatchObject({ status: 401 });
    expect(written).toEqual([]);
  });
});
