import type { Message } from '@platform/schemas';

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
