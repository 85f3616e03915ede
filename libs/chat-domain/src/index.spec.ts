import type { Message } from '@platform/schemas';
import {
  applyMetadata,
  channelId,
  channelPayload,
  conversationId,
  conversationPayload,
  conversationView,
  emptyConversation,
  listConversations,
  messageId,
  metadataRemoval,
  metadataUpsert,
  tagKey,
  withDeliveryState,
  type ConversationState,
} from './index';
import { Folding } from './internals/fixtures';

/** A whole conversation life cycle through the public API only. */
describe('public API scenario', () => {
  const channel = channelId('twilio.sms', '+4930123456');
  const conv = conversationId(channel, '+4917000000001');
  const subject = { kind: 'conversation', id: conv } as const;
  const inbound = (sourceId: string, sentAt: number): Message => ({
    id: messageId(channel, sourceId),
    conversationId: conv,
    channelId: channel,
    source: 'twilio.sms',
    senderId: '+4917000000001',
    isFromContact: true,
    deliveryState: 'DELIVERED',
    content: JSON.stringify({ Body: `message ${sourceId}` }),
    sentAt,
    updatedAt: null,
    sourceRecipientId: null,
    headers: {},
  });

  it('ingests idempotently, tags, replies, reads and renders Airy payloads', () => {
    let state: ConversationState = emptyConversation(conv);
    // the provider retries the webhook: same source message id → same message id → counted once
    const folding = new Folding();
    for (const m of [inbound('SM1', 1_000), inbound('SM2', 2_000), inbound('SM1', 1_000)]) state = folding.message(state, m);
    expect(conversationView(state)!.unreadCount).toBe(2);

    for (const change of [metadataUpsert(subject, 'contact.display_name', 'Grace', 10), metadataUpsert(subject, tagKey('vip'), '', 11)]) {
      state = applyMetadata(state, change.id, change.record);
    }
    const reply: Message = { ...inbound('ignored', 3_000), id: 'reply-1', isFromContact: false, senderId: 'github:1', deliveryState: 'PENDING' };
    state = folding.message(state, reply);
    state = folding.message(state, withDeliveryState(reply, 'DELIVERED', 3_500));

    const unread = listConversations([conversationView(state)!], { filters: 'unread_count:[1 TO *] AND tag_ids:vip AND display_name:grace' });
    expect(unread.data.map((v) => v.id)).toEqual([conv]);

    state = folding.receipt(state, { conversationId: conv, readDate: 3_600 });
    const untag = metadataRemoval(subject, tagKey('vip'));
    state = applyMetadata(state, untag.id, untag.record);

    const payload = conversationPayload(conversationView(state)!, {
      channel: channelPayload({ id: channel, source: 'twilio.sms', sourceChannelId: '+4930123456', connectionState: 'CONNECTED' }, { name: 'Hotline' }),
    });
    expect(payload).toEqual({
      id: conv,
      channel: { id: channel, source: 'twilio.sms', source_channel_id: '+4930123456', connected: true, metadata: { name: 'Hotline' } },
      created_at: '1970-01-01T00:00:01.000Z',
      metadata: { contact: { display_name: 'Grace' }, tags: {}, unread_count: 0 },
      last_message: {
        id: 'reply-1',
        content: { Body: 'message ignored' },
        delivery_state: 'delivered',
        from_contact: false,
        sent_at: '1970-01-01T00:00:03.000Z',
        source: 'twilio.sms',
        metadata: {},
        sender: { id: 'github:1' },
        conversation_id: conv,
        channel_id: channel,
        updated_at: '1970-01-01T00:00:03.500Z',
      },
    });
  });
});
