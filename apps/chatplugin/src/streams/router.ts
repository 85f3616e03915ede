import { checkSize, maxMessageContentBytes, messageId, utf8ByteLength } from '@platform/chat-domain';
import type { ConnectorDefinition } from '@platform/connector-kit';
import type { Message } from '@platform/schemas';
import { parseRawEvent, type ChatpluginRawEvent } from './raw-event';

export const CHATPLUGIN_SOURCE = 'chatplugin';

/**
 * The chat plugin's mapping, run by the connector kit's router: one raw visitor event → one message,
 * no metadata. Pure: the message depends on the raw record only, so a replay after a router reset
 * yields identical records, and the kit's `seen/<id>` dedup drops a raw event routed already.
 * Throws InvalidRawEventError (or SizeLimitError) for an event it cannot map: dead-lettered with the reason.
 */
export const routeChatpluginEvent: ConnectorDefinition['route'] = (event) => ({ messages: [routeRawEvent(parseRawEvent(event.value))], metadata: [] });

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
