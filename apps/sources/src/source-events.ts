import { bodySchema, channelId, conversationId, flattenMetadata, maxIdLength, maxMessageContentBytes, maxMetadataUpsertBytes, messageId, nameUuid, validateBody, type MetadataObject } from '@platform/chat-domain';
import { SourcesRequestError } from './errors';

/** Most items of each kind in one `sources.webhook` call (the body limit bounds them too). */
export const maxWebhookItems = 100;

const messageSchema = bodySchema({
  source_message_id: { type: 'string', required: true, maxLength: maxIdLength },
  source_conversation_id: { type: 'string', required: true, maxLength: maxIdLength },
  source_channel_id: { type: 'string', required: true, maxLength: maxIdLength },
  source_sender_id: { type: 'string', required: true, maxLength: maxIdLength },
  content: { type: 'json', required: true, maxBytes: maxMessageContentBytes, sizeLabel: 'content' },
  from_contact: { type: 'boolean', required: true },
});
const metadataSchema = bodySchema({
  namespace: { type: 'string', required: true, oneOf: ['conversation', 'message'] },
  source_id: { type: 'string', required: true, maxLength: maxIdLength },
  source_channel_id: { type: 'string', required: true, maxLength: maxIdLength },
  metadata: { type: 'object', required: true, maxBytes: maxMetadataUpsertBytes, sizeLabel: 'metadata' },
  source_conversation_id: { type: 'string', maxLength: maxIdLength },
});

/** A message as a source posted it (validated; `sent_at` as epoch ms). */
export interface SourceMessageItem {
  readonly source_message_id: string;
  readonly source_conversation_id: string;
  readonly source_channel_id: string;
  readonly source_sender_id: string;
  readonly content: unknown;
  readonly from_contact: boolean;
  readonly sent_at: number;
}

/** Metadata about a conversation or a message (`source_id` is the source's id of it). */
export interface SourceMetadataItem {
  readonly namespace: 'conversation' | 'message';
  readonly source_id: string;
  /** The channel of the conversation (conversation ids are per channel, as every connector's). */
  readonly source_channel_id: string;
  readonly metadata: MetadataObject;
  /** Required for `message`: where the message's metadata is placed (its conversation). */
  readonly source_conversation_id?: string;
}

/** One record of `source.sources.events`. */
export type SourceEvent =
  | { readonly source_id: string; readonly kind: 'message'; readonly item: SourceMessageItem }
  | { readonly source_id: string; readonly kind: 'metadata'; readonly item: SourceMetadataItem };

/** A raw record to write: key, placement (conversation id) and the event. */
export interface PlacedEvent {
  readonly key: string;
  readonly placementKey: string;
  readonly event: SourceEvent;
  /** The channel (source_channel_id) the item names, for the connected check. */
  readonly sourceChannelId: string;
  /** Where the item is in the body (`messages[0]`), for answers naming it. */
  readonly label: string;
}

/**
 * Ids of a custom source's entities. Messages are Airy's UUIDv5(source id, source_message_id); a
 * conversation is every connector's `conversationId(channel id, contact address)` with the channel
 * UUIDv5(source id, source_channel_id) (Airy used UUIDv5(source id, source_conversation_id)): a
 * conversation started by `messages.send` with `channel_id` + `source_recipient_id` gets the id the
 * recipient's answers posted with `source_conversation_id` = that recipient get.
 */
export const sourceIds = {
  conversation: (sourceId: string, sourceChannelId: string, sourceConversationId: string) => conversationId(channelId(sourceId, sourceChannelId), sourceConversationId),
  message: (sourceId: string, sourceMessageId: string) => messageId(sourceId, sourceMessageId),
};

/** Validates a `sources.webhook` body into raw records (400 naming the item and field). */
export function webhookEvents(sourceId: string, body: unknown): PlacedEvent[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SourcesRequestError(400, 'body must be an object with messages and/or metadata');
  const { messages = [], metadata = [] } = body as { messages?: unknown; metadata?: unknown };
  if (!Array.isArray(messages) || !Array.isArray(metadata)) throw new SourcesRequestError(400, 'messages and metadata must be arrays');
  if (messages.length > maxWebhookItems || metadata.length > maxWebhookItems) throw new SourcesRequestError(400, `at most ${maxWebhookItems} messages and ${maxWebhookItems} metadata items per call`);
  const out: PlacedEvent[] = [];
  messages.forEach((raw: unknown, i) => {
    const checked = validateBody(raw, messageSchema);
    if (!checked.ok) throw new SourcesRequestError(400, `messages[${i}].${checked.message}`);
    const sentAt = sentAtOf((raw as { sent_at?: unknown }).sent_at);
    if (sentAt === undefined) throw new SourcesRequestError(400, `messages[${i}].sent_at: must be epoch milliseconds or an ISO-8601 date`);
    const item: SourceMessageItem = { ...checked.value, content: checked.value.content, sent_at: sentAt };
    out.push({
      key: sourceIds.message(sourceId, item.source_message_id),
      placementKey: sourceIds.conversation(sourceId, item.source_channel_id, item.source_conversation_id),
      event: { source_id: sourceId, kind: 'message', item },
      sourceChannelId: item.source_channel_id,
      label: `messages[${i}]`,
    });
  });
  metadata.forEach((raw: unknown, i) => {
    const checked = validateBody(raw, metadataSchema);
    if (!checked.ok) throw new SourcesRequestError(400, `metadata[${i}].${checked.message}`);
    const item = checked.value as SourceMetadataItem;
    try {
      flattenMetadata(item.metadata, '');
    } catch (error) {
      throw new SourcesRequestError(400, `metadata[${i}].metadata: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (item.namespace === 'message' && item.source_conversation_id === undefined) {
      throw new SourcesRequestError(400, `metadata[${i}].source_conversation_id: required for message metadata (the message's conversation places it)`);
    }
    const conversation = item.namespace === 'conversation' ? item.source_id : item.source_conversation_id!;
    const placementKey = sourceIds.conversation(sourceId, item.source_channel_id, conversation);
    const subject = item.namespace === 'conversation' ? placementKey : sourceIds.message(sourceId, item.source_id);
    out.push({ key: nameUuid(subject, 'metadata'), placementKey, event: { source_id: sourceId, kind: 'metadata', item }, sourceChannelId: item.source_channel_id, label: `metadata[${i}]` });
  });
  return out;
}

function sentAtOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || value.length > 40 || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}
