/**
 * State stores of the communication application (app id `communication`), all in one subtopology
 * fed by the messages, metadata and read-receipt topics (co-partitioned, placed by conversation id),
 * each logged to `communication-v<version>-<store>-changelog`:
 *
 * - `conversations`: conversation id → ConversationState (chat-domain reducer). The routing store:
 *   `metadataForKey('conversations', conversationId)` names the owner of a conversation, and every
 *   other store below is read only on that owner, after a query on this store.
 * - `messages`: `messageKey(conversationId, sentAt, messageId)` → latest version of the message, so a
 *   prefix scan over `<conversationId>/` lists one conversation newest first.
 * - `message-index`: message id → its `messages` key (finds a message from its id alone).
 * - `message-metadata`: message id → the message's metadata facts by record id.
 * - `channel-metadata`: channel id → the channel's metadata facts (placed by channel id). Its changelog
 *   is read by every instance as a global table, so any instance renders any channel's name.
 * - `metadata-index`: metadata record id → `<subject>:<identifier>`, so a tombstone (no value, hence
 *   no subject) finds the fact it deletes.
 */
export const CommunicationStores = {
  conversations: 'conversations',
  messages: 'messages',
  messageIndex: 'message-index',
  messageMetadata: 'message-metadata',
  channelMetadata: 'channel-metadata',
  metadataIndex: 'metadata-index',
} as const;

export const COMMUNICATION_APPLICATION_ID = 'communication';
