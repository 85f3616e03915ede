import type { Message, Metadata, ReadReceipt } from '@platform/schemas';
import { ChatDomainError } from './errors';
import { isLaterMessage, isSameOrNewerVersion } from './message';
import { applyMetadataEntry, type MetadataEntries } from './metadata-document';

/**
 * State of one conversation, folded from its messages, its conversation metadata and its read
 * receipts. Conversations have no record of their own (as in Airy): this state is what a store
 * keeps per conversation id. Plain JSON, bounded in size: it holds the last message, the ids of
 * contact messages not yet read, and the metadata facts — not the message history.
 */
export interface ConversationState {
  id: string;
  /** From the first message seen; null until a message arrives. */
  channelId: string | null;
  source: string | null;
  /** `sentAt` of the earliest message seen (out-of-order safe). */
  createdAt: number | null;
  /** Latest message by (sentAt, id), in its latest delivery version. */
  lastMessage: Message | null;
  /** Contact messages sent after the last read: message id → sentAt. Keyed by id, so re-delivery does not double count. */
  unread: Record<string, number>;
  /** Latest read receipt's readDate; messages sent at or before it are read. */
  lastReadAt: number | null;
  /** Conversation metadata facts by record id. */
  metadata: MetadataEntries;
}

export function emptyConversation(id: string): ConversationState {
  return { id, channelId: null, source: null, createdAt: null, lastMessage: null, unread: {}, lastReadAt: null, metadata: {} };
}

/** True once a message arrived: Airy lists only conversations with at least one message. */
export function hasMessages(state: ConversationState): boolean {
  return state.lastMessage !== null;
}

/** Number of contact messages sent after the last read. */
export function unreadCount(state: ConversationState): number {
  return Object.keys(state.unread).length;
}

function checkOwner(state: ConversationState, conversationId: string, what: string): void {
  if (conversationId !== state.id) {
    throw new ChatDomainError(`${what} for conversation ${conversationId} applied to conversation ${state.id}`);
  }
}

/**
 * Applies one message record (new or a later delivery-state version). Idempotent: the same
 * record twice yields an equal state; an older version of the last message never replaces
 * a newer one.
 */
export function applyMessage(state: ConversationState, message: Message): ConversationState {
  checkOwner(state, message.conversationId, `message ${message.id}`);
  let lastMessage = state.lastMessage;
  if (lastMessage === null || (lastMessage.id !== message.id && isLaterMessage(message, lastMessage))) {
    lastMessage = message;
  } else if (lastMessage.id === message.id && isSameOrNewerVersion(message, lastMessage)) {
    lastMessage = message;
  }
  let unread = state.unread;
  const isUnread = message.isFromContact && (state.lastReadAt === null || message.sentAt > state.lastReadAt);
  if (isUnread && unread[message.id] !== message.sentAt) unread = { ...unread, [message.id]: message.sentAt };
  return {
    ...state,
    channelId: state.channelId ?? message.channelId,
    source: state.source ?? message.source,
    createdAt: state.createdAt === null ? message.sentAt : Math.min(state.createdAt, message.sentAt),
    lastMessage,
    unread,
  };
}

/**
 * Applies one conversation metadata record, or a tombstone (`record` null) for `recordId`.
 * Records of another subject kind or identifier are refused.
 */
export function applyMetadata(state: ConversationState, recordId: string, record: Metadata | null): ConversationState {
  if (record !== null) {
    if (record.subject !== 'conversation') {
      throw new ChatDomainError(`metadata of subject ${record.subject} applied to conversation ${state.id}`);
    }
    checkOwner(state, record.identifier, `metadata ${record.key}`);
  }
  const metadata = applyMetadataEntry(state.metadata, recordId, record);
  return metadata === state.metadata ? state : { ...state, metadata };
}

/**
 * Applies a read receipt: everything sent at or before `readDate` is read. Receipts only move
 * forward, so a replayed older receipt does not bring messages back as unread.
 */
export function applyReadReceipt(state: ConversationState, receipt: ReadReceipt): ConversationState {
  checkOwner(state, receipt.conversationId, 'read receipt');
  if (state.lastReadAt !== null && receipt.readDate <= state.lastReadAt) return state;
  const readDate = receipt.readDate;
  const unread: Record<string, number> = {};
  for (const [id, sentAt] of Object.entries(state.unread)) if (sentAt > readDate) unread[id] = sentAt;
  return { ...state, lastReadAt: readDate, unread };
}
