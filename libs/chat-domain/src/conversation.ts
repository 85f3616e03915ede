import type { Message, Metadata, ReadReceipt } from '@platform/schemas';
import { ChatDomainError } from './errors';
import { checkStoredMessage, isLaterMessage, isSameOrNewerVersion } from './message';
import { applyBudgetedMetadataEntry } from './metadata-budget';
import type { MetadataEntries } from './metadata-document';

/**
 * State of one conversation, folded from its messages, its conversation metadata and its read
 * receipts. Conversations have no record of their own (as in Airy): this state is what a store
 * keeps per conversation id. Plain JSON, bounded in size (limits.ts has the arithmetic): it holds
 * the last message (≤ maxStoredMessageBytes), the unread count, and the metadata facts
 * (≤ maxConversationMetadataBytes) — not the message history. Its size does not grow with the number
 * of messages: the store reads and writes it once per record. A record that would break a bound is
 * refused with SizeLimitError instead of growing the state.
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
   * Contact messages sent after the last read, each counted once: the folding processor tells
   * `applyMessage` whether a message is new to it (its message store knows), and a read receipt
   * recounts what remains from that store (`applyReadReceipt`).
   */
  unreadCount: number;
  /** `sentAt` of the newest unread contact message; null when nothing is unread. */
  newestUnreadAt: number | null;
  /** Latest read receipt's readDate; messages sent at or before it are read. */
  lastReadAt: number | null;
  /** Conversation metadata facts by record id. */
  metadata: MetadataEntries;
}

export function emptyConversation(id: string): ConversationState {
  return { id, channelId: null, source: null, createdAt: null, lastMessage: null, unreadCount: 0, newestUnreadAt: null, lastReadAt: null, metadata: {} };
}

/** The state shape before unread counts (an `unread` map of message id → sentAt), as older stores hold it. */
interface StateWithUnreadIds {
  readonly unread?: Readonly<Record<string, number>>;
}

/**
 * A stored state in the current shape: a state written by an earlier version (unread message ids
 * instead of a count) gets the count and newest time of those ids. Stores of conversation states read
 * through this (`conversationStateSerde` in chat-streams), so a new version runs on old local state and
 * old changelogs.
 */
export function upgradeConversationState(state: ConversationState): ConversationState {
  if (typeof state.unreadCount === 'number') return state;
  const { unread, ...rest } = state as ConversationState & StateWithUnreadIds;
  const times = Object.values(unread ?? {});
  return { ...rest, unreadCount: times.length, newestUnreadAt: times.length === 0 ? null : Math.max(...times) };
}

/** True once a message arrived: Airy lists only conversations with at least one message. */
export function hasMessages(state: ConversationState): boolean {
  return state.lastMessage !== null;
}

/**
 * Number of contact messages sent after the last read. Exact, except after a read receipt that left
 * more than maxUnreadRecount unread (the recount stops there: "that many or more").
 */
export function unreadCount(state: ConversationState): number {
  return state.unreadCount;
}

function checkOwner(state: ConversationState, conversationId: string, what: string): void {
  if (conversationId !== state.id) {
    throw new ChatDomainError(`${what} for conversation ${conversationId} applied to conversation ${state.id}`);
  }
}

/**
 * Applies one message record (new or a later delivery-state version). `isNew`: the message id was
 * never folded into this conversation before (the caller's message store knows); only a new contact
 * message sent after the last read counts as unread, so the same record twice yields an equal state.
 * An older version of the last message never replaces a newer one. A message over the size budget
 * (checkStoredMessage) is refused with SizeLimitError.
 */
export function applyMessage(state: ConversationState, message: Message, isNew: boolean): ConversationState {
  checkOwner(state, message.conversationId, `message ${message.id}`);
  checkStoredMessage(message);
  let lastMessage = state.lastMessage;
  if (lastMessage === null || (lastMessage.id !== message.id && isLaterMessage(message, lastMessage))) {
    lastMessage = message;
  } else if (lastMessage.id === message.id && isSameOrNewerVersion(message, lastMessage)) {
    lastMessage = message;
  }
  const isUnread = isNew && message.isFromContact && (state.lastReadAt === null || message.sentAt > state.lastReadAt);
  return {
    ...state,
    channelId: state.channelId ?? message.channelId,
    source: state.source ?? message.source,
    createdAt: state.createdAt === null ? message.sentAt : Math.min(state.createdAt, message.sentAt),
    lastMessage,
    unreadCount: isUnread ? state.unreadCount + 1 : state.unreadCount,
    newestUnreadAt: isUnread ? Math.max(state.newestUnreadAt ?? message.sentAt, message.sentAt) : state.newestUnreadAt,
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

/** What is still unread after a read receipt, as the folding processor recounts it from its message store. */
export interface UnreadAfter {
  /** Contact messages of the conversation sent after the read date (at most maxUnreadRecount). */
  readonly count: number;
  /** The newest one's `sentAt`; null when none. */
  readonly newestAt: number | null;
}

/**
 * Applies a read receipt: everything sent at or before `readDate` is read. Receipts only move
 * forward, so a replayed older receipt does not bring messages back as unread. `unreadAfter` counts
 * the conversation's contact messages sent after a date (the processor scans its message store,
 * newest first, at most maxUnreadRecount of them); it is called only when the receipt leaves some
 * unread, so marking everything read costs nothing.
 */
export function applyReadReceipt(state: ConversationState, receipt: ReadReceipt, unreadAfter: (readDate: number) => UnreadAfter): ConversationState {
  checkOwner(state, receipt.conversationId, 'read receipt');
  if (state.lastReadAt !== null && receipt.readDate <= state.lastReadAt) return state;
  const readDate = receipt.readDate;
  const nothingLeft = state.newestUnreadAt === null || state.newestUnreadAt <= readDate;
  const left = nothingLeft ? { count: 0, newestAt: null } : unreadAfter(readDate);
  return { ...state, lastReadAt: readDate, unreadCount: left.count, newestUnreadAt: left.newestAt };
}
