import { applyMessage, applyMetadata, applyReadReceipt, emptyConversation, type ConversationState } from './conversation';
import { compareConversations, conversationView, defaultDisplayName, sourceDisplayName } from './conversation-view';
import { aMessage } from './internals/fixtures';
import { metadataUpsert, tagKey, type MetadataValue } from './metadata';

const id = '3f1b0c2e-8d7a-5c4b-9e6f-0a1b2c3d4e5f';
const subject = { kind: 'conversation', id } as const;
const withMeta = (state: ConversationState, key: string, value: MetadataValue, ts = 1) => {
  const change = metadataUpsert(subject, key, value, ts);
  return applyMetadata(state, change.id, change.record);
};

function base(): ConversationState {
  let state = emptyConversation(id);
  state = applyMessage(state, aMessage({ id: 'm1', conversationId: id, sentAt: 100, source: 'twilio.sms' }), true);
  state = applyMessage(state, aMessage({ id: 'm2', conversationId: id, sentAt: 300, source: 'twilio.sms', isFromContact: false }), true);
  return state;
}

describe('conversationView', () => {
  it('derives id, channel, created_at, last message and unread count', () => {
    const view = conversationView(base())!;
    expect(view).toMatchObject({ id, channelId: 'chan-1', source: 'twilio.sms', createdAt: 100, lastMessageAt: 300, unreadCount: 1, state: null, tagIds: [] });
    expect(view.lastMessage.id).toBe('m2');
  });

  it('defaults the contact name like Airy and puts derived values in metadata', () => {
    const view = conversationView(base())!;
    expect(view.displayName).toBe('SMS d4e5f');
    expect(view.metadata).toEqual({ contact: { display_name: 'SMS d4e5f' }, tags: {}, unread_count: 1 });
  });

  it('uses contact metadata, tags and state', () => {
    let state = withMeta(base(), 'contact.display_name', 'Grace Hopper');
    state = withMeta(state, 'contact.avatar_url', 'http://img');
    state = withMeta(state, tagKey('t2'), '');
    state = withMeta(state, tagKey('t1'), '');
    state = withMeta(state, 'state', 'CLOSED');
    state = withMeta(state, 'user_data.vip', true);
    state = applyReadReceipt(state, { conversationId: id, readDate: 1_000 }, () => ({ count: 0, newestAt: null }));
    const view = conversationView(state)!;
    expect(view).toMatchObject({ displayName: 'Grace Hopper', tagIds: ['t1', 't2'], state: 'CLOSED', unreadCount: 0 });
    expect(view.metadata).toEqual({
      contact: { display_name: 'Grace Hopper', avatar_url: 'http://img' },
      tags: { t1: '', t2: '' },
      state: 'CLOSED',
      user_data: { vip: true },
      unread_count: 0,
    });
  });

  it('derives unread_count, overriding a stale unread_count fact', () => {
    const view = conversationView(withMeta(base(), 'unread_count', 42))!;
    expect(view.metadata.unread_count).toBe(1);
  });

  it('drops tags that no longer exist when a lookup is given', () => {
    let state = withMeta(base(), tagKey('kept'), '');
    state = withMeta(state, tagKey('deleted'), '');
    const view = conversationView(state, { tagExists: (t) => t === 'kept' })!;
    expect(view.tagIds).toEqual(['kept']);
    expect(view.metadata.tags).toEqual({ kept: '' });
  });

  it('treats a blank display name as missing', () => {
    expect(conversationView(withMeta(base(), 'contact.display_name', '  '))!.displayName).toBe('SMS d4e5f');
  });
});

describe('names and order', () => {
  it('names sources', () => {
    expect(sourceDisplayName('chatplugin')).toBe('Chatplugin');
    expect(sourceDisplayName('twilio.whatsapp')).toBe('WhatsApp');
    expect(sourceDisplayName('my-crm')).toBe('My-crm');
    expect(defaultDisplayName('chatplugin', 'abcdef123')).toBe('Chatplugin ef123');
  });

  it('sorts by last message time desc, then id', () => {
    const rows = [
      { id: 'b', lastMessageAt: 1 },
      { id: 'a', lastMessageAt: 1 },
      { id: 'c', lastMessageAt: 5 },
    ];
    expect(rows.sort(compareConversations).map((r) => r.id)).toEqual(['c', 'a', 'b']);
  });
});
