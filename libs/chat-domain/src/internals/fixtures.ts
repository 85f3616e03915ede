import type { Message, ReadReceipt } from '@platform/schemas';
import { applyMessage, applyReadReceipt, type ConversationState } from '../conversation';
import type { ConversationView } from '../conversation-view';
import { maxUnreadRecount } from '../limits';

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

/**
 * Test fixture: folds records into one conversation state as the processors do, keeping the message
 * history a processor's store keeps (whether a message is new; what a read receipt leaves unread).
 */
export class Folding {
  private readonly history = new Map<string, Message>();

  message(state: ConversationState, message: Message): ConversationState {
    const isNew = !this.history.has(message.id);
    this.history.set(message.id, message);
    return applyMessage(state, message, isNew);
  }

  receipt(state: ConversationState, receipt: ReadReceipt): ConversationState {
    return applyReadReceipt(state, receipt, (readDate) => {
      const unread = [...this.history.values()].filter((m) => m.conversationId === receipt.conversationId && m.isFromContact && m.sentAt > readDate);
      return { count: Math.min(unread.length, maxUnreadRecount), newestAt: unread.length === 0 ? null : Math.max(...unread.map((m) => m.sentAt)) };
    });
  }
}
