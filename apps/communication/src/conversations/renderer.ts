import {
  assembleMetadata,
  channelPayload,
  conversationPayload,
  conversationView,
  messagePayload,
  senderOf,
  type ChannelPayload,
  type ConversationPayload,
  type ConversationState,
  type ConversationView,
  type MessagePayload,
  type MetadataEntries,
  type MetadataObject,
} from '@platform/chat-domain';
import type { Channel, Message } from '@platform/schemas';
import type { LocalStores } from '../streams/state-access';

/** What every instance knows of small, global entities (GlobalTable instances in production). */
export interface EntityLookups {
  channel(id: string): Channel | undefined;
  /** Channel metadata facts as the global channel-metadata table has them. */
  channelMetadata(id: string): MetadataEntries | undefined;
  tagExists(id: string): boolean;
  /**
   * Waits (bounded) until this instance has applied what the channels or tags topic held when
   * called: a miss right after another instance created the entity is not yet a 404.
   */
  catchUp(table: 'channels' | 'tags'): Promise<boolean>;
}

/**
 * Airy payloads of the stored state. Runs on the owner of the conversation (its message metadata
 * is local); channels and tags come from the global lookups, so any owner renders them alike.
 */
export class Renderer {
  constructor(
    private readonly lookups: EntityLookups,
    private readonly local: LocalStores,
  ) {}

  /** The read view, or null while the conversation has no message (unknown to the API). */
  view(state: ConversationState | undefined): ConversationView | null {
    if (state === undefined) return null;
    return conversationView(state, { tagExists: (id) => this.lookups.tagExists(id) });
  }

  conversation(view: ConversationView): ConversationPayload {
    const channel = this.channel(view.channelId);
    return conversationPayload(view, {
      ...(channel ? { channel } : {}),
      lastMessageMetadata: this.messageMetadata(view.lastMessage.id),
    });
  }

  message(message: Message, conversationMetadata: MetadataObject): MessagePayload {
    return messagePayload(message, { metadata: this.messageMetadata(message.id), sender: senderOf(message, conversationMetadata) });
  }

  /** The channel with its metadata; undefined for a channel this instance has no record of. */
  channel(id: string): ChannelPayload | undefined {
    const channel = this.lookups.channel(id);
    if (!channel) return undefined;
    // The local store is fresher than the global table when this instance owns the channel's partition.
    const entries = this.local.channelMetadata.get(id) ?? this.lookups.channelMetadata(id) ?? {};
    return channelPayload(channel, assembleMetadata(Object.values(entries)));
  }

  private messageMetadata(messageId: string): MetadataObject {
    const entries = this.local.messageMetadata.get(messageId);
    return entries ? assembleMetadata(Object.values(entries)) : {};
  }
}
