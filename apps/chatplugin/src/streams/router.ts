import { checkSize, maxMessageContentBytes, messageId, utf8ByteLength } from '@platform/chat-domain';
import type { Message } from '@platform/schemas';
import type { ChatpluginRawEvent } from './raw-event';

export const CHATPLUGIN_SOURCE = 'chatplugin';

/**
 * The Message a visitor's raw event becomes. The id is UUIDv5(channel id, event id), so a replayed
 * or reprocessed event yields the same message (compaction keeps one). The visitor (its
 * conversation id, as Airy does) is the sender; a visitor message is delivered by definition.
 * Content over maxMessageContentBytes (an event that did not come through `chatplugin.send`) throws
 * SizeLimitError, so the processing exception handler dead-letters the raw event.
 */
export function routeRawEvent(event: ChatpluginRawEvent): Message {
  const content = JSON.stringify(event.message);
  checkSize('message content', utf8ByteLength(content), maxMessageContentBytes);
  return {
    id: messageId(event.channel_id, event.id),
    conversationId: event.conversation_id,
    channelId: event.channel_id,
    source: CHATPLUGIN_SOURCE,
    senderId: event.conversation_id,
    isFromContact: true,
    deliveryState: 'DELIVERED',
    content,
    sentAt: event.sent_at,
    updatedAt: null,
    sourceRecipientId: null,
    headers: {},
  };
}
