import {
  applyBudgetedMetadataEntry,
  applyMessage,
  applyMetadata,
  applyReadReceipt,
  emptyConversation,
  formatSubject,
  isSameOrNewerVersion,
  parseSubject,
  type ConversationState,
  type MetadataEntries,
  type UnreadAfter,
  maxUnreadRecount,
} from '@platform/chat-domain';
import type { Message, Metadata, ReadReceipt } from '@platform/schemas';
import { Serdes, type KeyValueStore, type Processor, type ProcessorContext, type StreamRecord } from '@platform/streams';
import { conversationPrefix, messageKey } from './message-key';
import { CommunicationStores } from './stores';

type Stores = {
  conversations: KeyValueStore<string, ConversationState>;
  messages: KeyValueStore<string, Message>;
  messageIndex: KeyValueStore<string, string>;
  messageMetadata: KeyValueStore<string, MetadataEntries>;
  channelMetadata: KeyValueStore<string, MetadataEntries>;
  metadataIndex: KeyValueStore<string, string>;
};

/** Observers of what the processors store (the in-memory conversation index). */
export interface ProcessorHooks {
  /** Called after a conversation state is stored. */
  readonly conversationStored?: (state: ConversationState) => void;
  /** Called after a message's or channel's metadata is stored (conversation payloads show both). */
  readonly metadataStored?: (kind: 'message' | 'channel', id: string) => void;
}

function storeConversation(stores: Stores, hooks: ProcessorHooks, state: ConversationState): void {
  stores.conversations.put(state.id, state);
  hooks.conversationStored?.(state);
}

function storesOf(context: ProcessorContext<never, never>): Stores {
  return {
    conversations: context.getStateStore(CommunicationStores.conversations),
    messages: context.getStateStore(CommunicationStores.messages),
    messageIndex: context.getStateStore(CommunicationStores.messageIndex),
    messageMetadata: context.getStateStore(CommunicationStores.messageMetadata),
    channelMetadata: context.getStateStore(CommunicationStores.channelMetadata),
    metadataIndex: context.getStateStore(CommunicationStores.metadataIndex),
  };
}

/**
 * Message records (key: message id): the latest version goes to `messages` (under a key that sorts
 * the conversation newest first) and `message-index`; every record folds into the conversation
 * state. An older version (smaller `updatedAt`) never replaces a newer one; a tombstone removes the
 * message from the history (the conversation keeps what it derived from it). The conversation state
 * is folded first: a record the reducer refuses (SizeLimitError: over the chat size budgets) throws
 * before any store is written, and the app's processing exception handler dead-letters it.
 */
export class MessageProcessor implements Processor<string, Message | null, never, never> {
  private stores!: Stores;

  constructor(private readonly hooks: ProcessorHooks = {}) {}

  init(context: ProcessorContext<never, never>): void {
    this.stores = storesOf(context);
  }

  process(record: StreamRecord<string, Message | null>): void {
    const { messages, messageIndex, conversations } = this.stores;
    const message = record.value;
    if (message === null) {
      if (!record.key) return;
      const key = messageIndex.get(record.key);
      if (key !== undefined) messages.delete(key);
      messageIndex.delete(record.key);
      return;
    }
    const currentKey = messageIndex.get(message.id);
    const state = applyMessage(conversations.get(message.conversationId) ?? emptyConversation(message.conversationId), message, currentKey === undefined);
    const current = currentKey === undefined ? undefined : messages.get(currentKey);
    if (current === undefined || isSameOrNewerVersion(message, current)) {
      const key = messageKey(message.conversationId, message.sentAt, message.id);
      if (currentKey !== undefined && currentKey !== key) messages.delete(currentKey);
      messages.put(key, message);
      messageIndex.put(message.id, key);
    }
    storeConversation(this.stores, this.hooks, state);
  }
}

/**
 * Metadata records (key: metadata record id) about conversations, messages and channels; contact and
 * component facts belong to other apps and are skipped. `metadata-index` remembers each fact's
 * subject so its tombstone can be applied. Facts are kept within the subject's size budget: a record
 * that would pass it throws (SizeLimitError) before any store is written, and is dead-lettered.
 */
export class MetadataProcessor implements Processor<string, Metadata | null, never, never> {
  private stores!: Stores;

  constructor(private readonly hooks: ProcessorHooks = {}) {}

  init(context: ProcessorContext<never, never>): void {
    this.stores = storesOf(context);
  }

  process(record: StreamRecord<string, Metadata | null>): void {
    const recordId = record.key;
    if (!recordId) return;
    const { metadataIndex } = this.stores;
    if (record.value === null) {
      const subject = metadataIndex.get(recordId);
      if (subject === undefined) return;
      metadataIndex.delete(recordId);
      const { kind, id } = parseSubject(subject);
      this.apply(kind, id, recordId, null);
      return;
    }
    const { subject: kind, identifier: id } = record.value;
    if (kind !== 'conversation' && kind !== 'message' && kind !== 'channel') return;
    this.apply(kind, id, recordId, record.value);
    metadataIndex.put(recordId, formatSubject({ kind, id }));
  }

  private apply(kind: string, id: string, recordId: string, value: Metadata | null): void {
    const { conversations, messageMetadata, channelMetadata } = this.stores;
    if (kind === 'conversation') {
      storeConversation(this.stores, this.hooks, applyMetadata(conversations.get(id) ?? emptyConversation(id), recordId, value));
    } else if (kind === 'message') {
      saveEntries(messageMetadata, id, applyBudgetedMetadataEntry('message', id, messageMetadata.get(id) ?? {}, recordId, value));
      this.hooks.metadataStored?.('message', id);
    } else if (kind === 'channel') {
      saveEntries(channelMetadata, id, applyBudgetedMetadataEntry('channel', id, channelMetadata.get(id) ?? {}, recordId, value));
      this.hooks.metadataStored?.('channel', id);
    }
  }
}

/** Read receipts (key: conversation id) fold into the conversation's unread count. */
export class ReadReceiptProcessor implements Processor<string, ReadReceipt | null, never, never> {
  private stores!: Stores;

  constructor(private readonly hooks: ProcessorHooks = {}) {}

  init(context: ProcessorContext<never, never>): void {
    this.stores = storesOf(context);
  }

  process(record: StreamRecord<string, ReadReceipt | null>): void {
    const receipt = record.value;
    if (receipt === null) return;
    const { conversations, messages } = this.stores;
    const state = conversations.get(receipt.conversationId) ?? emptyConversation(receipt.conversationId);
    storeConversation(this.stores, this.hooks, applyReadReceipt(state, receipt, (readDate) => unreadAfter(messages, receipt.conversationId, readDate)));
  }
}

/**
 * The conversation's contact messages sent after `readDate`, from its history (keyed newest first, see
 * message-key.ts): the scan stops at the first older message or after maxUnreadRecount.
 */
function unreadAfter(messages: KeyValueStore<string, Message>, conversationId: string, readDate: number): UnreadAfter {
  let count = 0;
  let newestAt: number | null = null;
  for (const { value } of messages.prefixScan(conversationPrefix(conversationId), Serdes.string())) {
    if (value.sentAt <= readDate || count >= maxUnreadRecount) break;
    if (!value.isFromContact) continue;
    count++;
    newestAt = Math.max(newestAt ?? value.sentAt, value.sentAt);
  }
  return { count, newestAt };
}

function saveEntries(store: KeyValueStore<string, MetadataEntries>, id: string, entries: MetadataEntries): void {
  if (Object.keys(entries).length === 0) store.delete(id);
  else store.put(id, entries);
}
