import { applyMessage, applyMetadata, applyMetadataEntry, assembleMetadata, channelPayload, conversationView, conversationPayload, emptyConversation, isSameOrNewerVersion, messagePayload, senderOf, tagPayload, type ConversationState, type MetadataEntries } from '@platform/chat-domain';
import type { Channel, Message, Metadata, Tag } from '@platform/schemas';
import type { SendGuard } from '@platform/common';
import type { KeyValueStore, Processor, ProcessorContext, RecordMetadata, StreamRecord } from '@platform/streams';
import { eventId, webhookEvent, type WebhookEvent, type WebhookEventType } from '../events/webhook-event';

/** Stores of the event derivation (communication co-partition group: one task holds whole conversations). */
export const EventStores = {
  conversations: 'event-conversations',
  messages: 'event-messages',
  messageMetadata: 'event-message-metadata',
  channels: 'event-channels',
  channelMetadata: 'event-channel-metadata',
  metadataIndex: 'event-metadata-index',
} as const;

type MetadataIndexEntry = { readonly subject: string; readonly identifier: string };
type Out = StreamRecord<string, WebhookEvent>;

/**
 * Derives webhook events from messages, metadata and channels (Airy §4 shapes). Each event's id
 * comes from its source record (eventId), its timestamp from the record (sentAt for new messages,
 * updatedAt for updates, the record timestamp otherwise), so the same input always yields the same
 * events. Records of subjects without events (contact, component) are ignored. While two versions run
 * (blue/green), `writes` (`sendEpochWriter`) lets this version write only the events of its own epochs:
 * both versions' delivery tasks read the one events topic, so each event is in it once, not once per version.
 */
export class EventDeriver implements Processor<string, Message | Metadata | Channel | null, string, WebhookEvent> {
  private context!: ProcessorContext<string, WebhookEvent>;
  private conversations!: KeyValueStore<string, ConversationState>;
  private messages!: KeyValueStore<string, Message>;
  private messageMetadata!: KeyValueStore<string, MetadataEntries>;
  private channels!: KeyValueStore<string, Channel>;
  private channelMetadata!: KeyValueStore<string, MetadataEntries>;
  private metadataIndex!: KeyValueStore<string, MetadataIndexEntry>;

  constructor(
    private readonly topics: { readonly messages: string; readonly metadata: string; readonly channels: string },
    private readonly writes?: SendGuard,
  ) {}

  init(context: ProcessorContext<string, WebhookEvent>): void {
    this.context = context;
    this.conversations = context.getStateStore(EventStores.conversations);
    this.messages = context.getStateStore(EventStores.messages);
    this.messageMetadata = context.getStateStore(EventStores.messageMetadata);
    this.channels = context.getStateStore(EventStores.channels);
    this.channelMetadata = context.getStateStore(EventStores.channelMetadata);
    this.metadataIndex = context.getStateStore(EventStores.metadataIndex);
  }

  process(record: StreamRecord<string, Message | Metadata | Channel | null>): void {
    const source = this.context.recordMetadata();
    if (source === undefined || !record.key) return;
    if (source.topic === this.topics.messages) {
      if (record.value !== null) this.onMessage(source, record.value as Message, record.timestamp);
    } else if (source.topic === this.topics.metadata) this.onMetadata(source, record.key, record.value as Metadata | null, record.timestamp);
    else if (source.topic === this.topics.channels && record.value !== null) this.onChannel(source, record.value as Channel, record.timestamp);
  }

  private onMessage(source: RecordMetadata, message: Message, timestamp: number): void {
    const previous = this.messages.get(message.id);
    if (previous !== undefined && !isSameOrNewerVersion(message, previous)) return;
    const isNew = previous === undefined && (message.updatedAt === null || message.updatedAt === undefined);
    if (previous !== undefined && (message.updatedAt ?? null) === (previous.updatedAt ?? null) && message.deliveryState === previous.deliveryState) return;
    this.messages.put(message.id, message);
    const state = applyMessage(this.conversations.get(message.conversationId) ?? emptyConversation(message.conversationId), message, previous === undefined);
    this.conversations.put(message.conversationId, state);
    const type: WebhookEventType = isNew ? 'message.created' : 'message.updated';
    this.emitMessage(source, type, message, isNew ? message.sentAt : (message.updatedAt ?? timestamp), state);
    this.emitConversation(source, state, message.updatedAt ?? message.sentAt);
  }

  private onMetadata(source: RecordMetadata, recordId: string, metadata: Metadata | null, timestamp: number): void {
    const target = metadata === null ? this.metadataIndex.get(recordId) : { subject: metadata.subject, identifier: metadata.identifier };
    if (target === undefined) return;
    if (metadata === null) this.metadataIndex.delete(recordId);
    else this.metadataIndex.put(recordId, target);
    const at = metadata?.timestamp ?? timestamp;
    if (target.subject === 'conversation') {
      const state = applyMetadata(this.conversations.get(target.identifier) ?? emptyConversation(target.identifier), recordId, metadata);
      this.conversations.put(target.identifier, state);
      this.emit(source, 'metadata.updated', target.identifier, at, { subject: 'conversation', identifier: target.identifier, metadata: assembleMetadata(Object.values(state.metadata)) });
      this.emitConversation(source, state, at);
    } else if (target.subject === 'message') {
      const entries = applyMetadataEntry(this.messageMetadata.get(target.identifier) ?? {}, recordId, metadata);
      this.messageMetadata.put(target.identifier, entries);
      const message = this.messages.get(target.identifier);
      const orderingKey = message?.conversationId ?? target.identifier;
      this.emit(source, 'metadata.updated', orderingKey, at, { subject: 'message', identifier: target.identifier, metadata: assembleMetadata(Object.values(entries)) });
      if (message !== undefined) this.emitMessage(source, 'message.updated', message, at, this.conversations.get(message.conversationId));
    } else if (target.subject === 'channel') {
      const entries = applyMetadataEntry(this.channelMetadata.get(target.identifier) ?? {}, recordId, metadata);
      this.channelMetadata.put(target.identifier, entries);
      this.emit(source, 'metadata.updated', target.identifier, at, { subject: 'channel', identifier: target.identifier, metadata: assembleMetadata(Object.values(entries)) });
      const channel = this.channels.get(target.identifier);
      if (channel !== undefined) this.emit(source, 'channel.updated', channel.id, at, channelPayload(channel, assembleMetadata(Object.values(entries))));
    }
  }

  private onChannel(source: RecordMetadata, channel: Channel, timestamp: number): void {
    this.channels.put(channel.id, channel);
    this.emit(source, 'channel.updated', channel.id, timestamp, channelPayload(channel, assembleMetadata(Object.values(this.channelMetadata.get(channel.id) ?? {}))));
  }

  private emitMessage(source: RecordMetadata, type: WebhookEventType, message: Message, at: number, state: ConversationState | undefined): void {
    const conversationMetadata = state ? assembleMetadata(Object.values(state.metadata)) : {};
    const metadata = assembleMetadata(Object.values(this.messageMetadata.get(message.id) ?? {}));
    this.emit(source, type, message.conversationId, at, {
      conversation_id: message.conversationId,
      channel_id: message.channelId,
      message: messagePayload(message, { metadata, sender: senderOf(message, conversationMetadata) }),
    });
  }

  private emitConversation(source: RecordMetadata, state: ConversationState, at: number): void {
    const view = conversationView(state);
    if (view === null) return;
    const channel = this.channels.get(view.channelId);
    const payload = conversationPayload(view, {
      ...(channel ? { channel: channelPayload(channel, assembleMetadata(Object.values(this.channelMetadata.get(channel.id) ?? {}))) } : {}),
      lastMessageMetadata: assembleMetadata(Object.values(this.messageMetadata.get(view.lastMessage.id) ?? {})),
    });
    this.emit(source, 'conversation.updated', state.id, at, { ...payload, channel_id: view.channelId });
  }

  private emit(source: RecordMetadata, type: WebhookEventType, orderingKey: string, timestamp: number, payload: unknown): Out | void {
    if (this.writes !== undefined && !this.writes.performs(timestamp)) return;
    const event = webhookEvent(eventId(source, type), type, orderingKey, timestamp, payload);
    this.context.forward({ key: orderingKey, value: event, timestamp, headers: {} });
  }
}

/** `tag.updated` for every tag record (deletions have no event, as in Airy). */
export class TagEventDeriver implements Processor<string, Tag | null, string, WebhookEvent> {
  private context!: ProcessorContext<string, WebhookEvent>;

  /** `writes`: as EventDeriver's. */
  constructor(private readonly writes?: SendGuard) {}

  init(context: ProcessorContext<string, WebhookEvent>): void {
    this.context = context;
  }

  process(record: StreamRecord<string, Tag | null>): void {
    const source = this.context.recordMetadata();
    if (source === undefined || record.value === null || !record.key) return;
    if (this.writes !== undefined && !this.writes.performs(record.timestamp)) return;
    const event = webhookEvent(eventId(source, 'tag.updated'), 'tag.updated', record.value.id, record.timestamp, tagPayload(record.value));
    this.context.forward({ key: record.value.id, value: event, timestamp: record.timestamp, headers: {} });
  }
}
