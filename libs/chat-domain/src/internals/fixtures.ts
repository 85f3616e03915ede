import type { Message } from '@platform/schemas';
import type { ConversationView } from '../conversation-view';

/** Test fixture: a message with sensible defaults (used by specs only). */
export function aMessage(overrides: Partial<Message> & { id: string }): Message {
  return {
    conversationId: 'conv-1',
    channelId: 'chan-1',
    source: 'chatplugin',
    senderId: 'visitor-1',
    isFromContact: true,
    deliveryState: 'DELIVERED',
    content: JSON.stringify({ text: 'hello' }),
    sentAt: 1_000,
    updatedAt: null,
    sourceRecipientId: null,
    headers: {},
    ...overrides,
  };
}

/** Test fixture: a conversation view with sensible defaults (used by specs only). */
export function aView(overrides: Partial<ConversationView> & { id: string }): ConversationView {
  const lastMessageAt = overrides.lastMessageAt ?? 2_000;
  const view: ConversationView = {
    channelId: 'chan-1',
    source: 'chatplugin',
    createdAt: 1_000,
    lastMessageAt,
    lastMessage: aMessage({ id: `${overrides.id}-last`, conversationId: overrides.id, sentAt: lastMessageAt }),
    unreadCount: 0,
    displayName: 'Grace Hopper',
    tagIds: [],
    state: null,
    metadata: {},
    ...overrides,
  };
  return view;
}
