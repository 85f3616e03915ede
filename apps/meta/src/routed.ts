import { checkSize, metadataUpsert, utf8ByteLength, maxMessageContentBytes, SizeLimitError, type MetadataValue } from '@platform/chat-domain';
import { InvalidRawEventError, type RoutedMetadata } from '@platform/connector-kit';
import type { Message } from '@platform/schemas';

/** An inbound message record (DELIVERED, content = the provider's event as JSON). */
export function inboundMessage(fields: Pick<Message, 'id' | 'conversationId' | 'channelId' | 'source' | 'senderId' | 'isFromContact' | 'sentAt'> & { readonly content: string; readonly headers?: Record<string, string> }): Message {
  try {
    checkSize('message content', utf8ByteLength(fields.content), maxMessageContentBytes);
  } catch (error) {
    if (error instanceof SizeLimitError) throw new InvalidRawEventError(`event of message ${fields.id} is over the content budget: ${error.message}`);
    throw error;
  }
  return { ...fields, deliveryState: 'DELIVERED', updatedAt: null, sourceRecipientId: null, headers: fields.headers ?? {} };
}

/** Metadata facts on a message or conversation, placed by the conversation. */
export function facts(subject: { kind: 'message' | 'conversation'; id: string }, conversation: string, at: number, values: readonly (readonly [string, MetadataValue])[]): RoutedMetadata[] {
  return values.map(([key, value]) => {
    const change = metadataUpsert(subject, key, value, at);
    return { change: { id: change.id, record: change.record! }, placementKey: conversation };
  });
}
