import type { Message, Metadata, ReadReceipt } from '@platform/schemas';
import { ChatDomainError } from './errors';
import { checkStoredMessage, isLaterMessage, isSameOrNewerVersion } from './message';
import { maxUnreadIds } from './limits';
import { applyBudgetedMetadataEntry } from './metadata-budget';
import type { MetadataEntries } from './metadata-document';

/**
 * State of one conversation, folded from its messages, its conversation metadata and its read
 * receipts. Conversations have no record of their own (as in Airy): this state is what a store
 * keeps per conversation id. Plain JSON, bounded in size (limits.ts has the arithmetic): it holds
 * the last message (≤ maxStoredMessageBytes), the ids of at most maxUnreadIds contact messages not
 * yet read, and the metadata facts (≤ maxConversationMetadataBytes) — not the message history.
 * A record that would break a bound is refused with SizeLimitError instead of growing the state.
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
  /**
   * Contact messages sent after the last read: message id → sentAt. Keyed by id, so re-delivery does
   * not double count. At most maxUnreadIds entries, the newest by (sentAt, id): older ones are dropped.
   */
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

/**
 * Number of contact messages sent after the last read, exact below maxUnreadIds; at maxUnreadIds it
 * means "that many or more" (the oldest unread ids were dropped to bound the state).
 */
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
 * a newer one. A message over the size budget (checkStoredMessage) is refused with SizeLimitError.
 */
export function applyMessage(state: ConversationState, message: Message): ConversationState {
  checkOwner(state, message.conversationId, `message ${message.id}`);
  checkStoredMessage(message);
  let lastMessage = state.lastMessage;
  if (lastMessage === null || (lastMessage.id !== message.id && isLaterMessage(message, lastMessage))) {
    lastMessage = message;
  } else if (lastMessage.id === message.id && isSameOrNewerVersion(message, lastMessage)) {
    lastMessage = message;
  }
  let unread = state.unread;
  const isUnread = message.isFromContact && (state.lastReadAt === null || message.sentAt > state.lastReadAt);
  if (isUnread && (!Object.hasOwn(unread, message.id) || unread[message.id] !== message.sentAt)) unread = withUnread(unread, message.id, message.sentAt);
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
 * Records of another subject kind or identifier are refused, and so is a record that would grow
 * the facts past maxConversationMetadataBytes (SizeLimitError).
 */
export function applyMetadata(state: ConversationState, recordId: string, record: Metadata | null): ConversationState {
  if (record !== null) {
    if (record.subject !== 'conversation') {
      throw new ChatDomainError(`metadata of subject ${record.subject} applied to conversation ${state.id}`);
    }
    checkOwner(state, record.identifier, `metadata ${record.key}`);
  }
  const metadata = applyBudgetedMetadataEntry('conversation', state.id, state.metadata, recordId, record);
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
  // fromEntries defines own properties, so an id such as `__proto__` stays an ordinary entry.
  const unread: Record<string, number> = Object.fromEntries(Object.entries(state.unread).filter(([, sentAt]) => sentAt > readDate));
  return { ...state, lastReadAt: readDate, unread };
}

/** Adds an unread id; over maxUnreadIds the oldest by (sentAt, id) is dropped (possibly the one just added). */
function withUnread(unread: Record<string, number>, id: string, sentAt: number): Record<string, number> {
  const next: Record<string, number> = { ...unread };
  Object.defineProperty(next, id, { value: sentAt, enumerable: true, writable: true, configurable: true });
  const ids = Object.keys(next);
  if (ids.length <= maxUnreadIds) return next;
  let oldest = ids[0]!;
  for (const candidate of ids) {
    const a = next[candidate]!;
    const b = next[oldest]!;
    if (a < b || (a === b && candidate < oldest)) oldest = candidate;
  }
  delete next[oldest];
  return next;
}
