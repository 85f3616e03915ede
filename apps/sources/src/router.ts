import { channelId, checkSize, flattenMetadata, maxMessageContentBytes, metadataUpsert, parseJsonSafely, utf8ByteLength } from '@platform/chat-domain';
import { InvalidRawEventError, type RawEvent, type Routed, type RoutedMetadata } from '@platform/connector-kit';
import type { Message } from '@platform/schemas';
import { sourceIds, type SourceEvent } from './source-events';

/**
 * One record of `source.sources.events` → records, deterministically (a replay yields identical ones):
 *
 * - message: id UUIDv5(source, source_message_id), channel UUIDv5(source, source_channel_id), conversation
 *   `conversationId(channel, source_conversation_id)` (as every connector, see `sourceIds`), sender source_sender_id, content as JSON text,
 *   DELIVERED, sentAt as the source gave it;
 * - metadata: each leaf of `metadata` (dotted keys) upserted on the conversation or message, at the
 *   record's timestamp.
 */
export function routeSourceEvent(event: RawEvent): Routed {
  let parsed: SourceEvent;
  try {
    parsed = parseJsonSafely(event.value.toString('utf8')) as SourceEvent;
  } catch (error) {
    throw new InvalidRawEventError(`raw source event is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.source_id !== 'string' || typeof parsed.item !== 'object' || parsed.item === null) {
    throw new InvalidRawEventError('raw source event without source_id and item');
  }
  const source = parsed.source_id;
  if (parsed.kind === 'message') {
    const item = parsed.item;
    const content = JSON.stringify(item.content);
    checkSize('message content', utf8ByteLength(content), maxMessageContentBytes);
    const message: Message = {
      id: sourceIds.message(source, item.source_message_id),
      conversationId: sourceIds.conversation(source, item.source_channel_id, item.source_conversation_id),
      channelId: channelId(source, item.source_channel_id),
      source,
      senderId: item.source_sender_id,
      isFromContact: item.from_contact,
      deliveryState: 'DELIVERED',
      content,
      sentAt: item.sent_at,
      updatedAt: null,
      sourceRecipientId: null,
      headers: {},
    };
    return { messages: [message], metadata: [] };
  }
  if (parsed.kind === 'metadata') {
    const item = parsed.item;
    if (typeof item.source_channel_id !== 'string') throw new InvalidRawEventError('raw source metadata event without source_channel_id');
    const message = item.namespace === 'message';
    const placementKey = sourceIds.conversation(source, item.source_channel_id, message ? (item.source_conversation_id ?? '') : item.source_id);
    const subject = message ? { kind: 'message' as const, id: sourceIds.message(source, item.source_id) } : { kind: 'conversation' as const, id: placementKey };
    const metadata: RoutedMetadata[] = flattenMetadata(item.metadata, '').map(({ key, value }) => {
      const change = metadataUpsert(subject, key, value, event.timestamp);
      return { change: { id: change.id, record: change.record! }, placementKey };
    });
    return { messages: [], metadata };
  }
  throw new InvalidRawEventError('raw source event of an unknown kind');
}
