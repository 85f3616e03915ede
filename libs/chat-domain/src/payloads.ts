import type { Channel, Message, Tag, TagColor, Template } from '@platform/schemas';
import { tagColorValues } from '@platform/schemas';
import type { ConversationView } from './conversation-view';
import { isPlainObject, MetadataKeys, type MetadataObject } from './metadata';
import { parseMessageContent } from './message';
import { nullObject, ownValue } from './safe-keys';

/**
 * Airy-compatible JSON payloads (snake_case, ISO-8601 dates, lower-case delivery states), so
 * an Airy client works unchanged. Fields Airy did not send are only ever added, never renamed.
 */
export interface SenderPayload {
  id: string;
  name?: string;
  avatar_url?: string;
}

export interface MessagePayload {
  id: string;
  /** Parsed JSON content, or the raw string for non-JSON sources. */
  content: unknown;
  delivery_state: 'pending' | 'delivered' | 'failed';
  from_contact: boolean;
  sent_at: string;
  source: string;
  metadata: MetadataObject;
  sender: SenderPayload;
  /** Additions over Airy's message payload. */
  conversation_id: string;
  channel_id: string;
  updated_at: string | null;
}

export interface ChannelPayload {
  id: string;
  source: string;
  source_channel_id: string;
  connected: boolean;
  metadata: MetadataObject;
}

export interface ConversationPayload {
  id: string;
  channel: ChannelPayload;
  created_at: string;
  metadata: MetadataObject;
  last_message: MessagePayload;
}

export interface TagPayload {
  id: string;
  name: string;
  color: ApiTagColor;
}

export interface TemplatePayload {
  id: string;
  name: string;
  source: string;
  content: unknown;
}

export type ApiTagColor = `tag-${Lowercase<TagColor>}`;

/** ISO-8601 (UTC, milliseconds) of epoch millis. */
export function isoDate(millis: number): string {
  return new Date(millis).toISOString();
}

export interface MessagePayloadOptions {
  /** The message's assembled metadata (source.id, error, reactions…). */
  metadata?: MetadataObject;
  /** Who sent it; defaults to `{id: senderId}`. See senderOf. */
  sender?: SenderPayload;
}

export function messagePayload(message: Message, options: MessagePayloadOptions = {}): MessagePayload {
  return {
    id: message.id,
    content: parseMessageContent(message.content),
    delivery_state: message.deliveryState.toLowerCase() as MessagePayload['delivery_state'],
    from_contact: message.isFromContact,
    sent_at: isoDate(message.sentAt),
    source: message.source,
    metadata: options.metadata ?? {},
    sender: options.sender ?? { id: message.senderId },
    conversation_id: message.conversationId,
    channel_id: message.channelId,
    updated_at: message.updatedAt === null || message.updatedAt === undefined ? null : isoDate(message.updatedAt),
  };
}

/**
 * Sender of a message: for contact messages the contact (name and avatar from the conversation
 * metadata), otherwise the user or bot, looked up by the caller when it can.
 */
export function senderOf(message: Message, conversationMetadata: MetadataObject = {}, lookupUser?: (id: string) => Omit<SenderPayload, 'id'> | undefined): SenderPayload {
  const sender: SenderPayload = { id: message.senderId };
  const found = message.isFromContact ? contactOf(conversationMetadata) : lookupUser?.(message.senderId);
  if (found?.name !== undefined) sender.name = found.name;
  if (found?.avatar_url !== undefined) sender.avatar_url = found.avatar_url;
  return sender;
}

function contactOf(metadata: MetadataObject): Omit<SenderPayload, 'id'> {
  const contact = ownValue(metadata, 'contact');
  const out: Omit<SenderPayload, 'id'> = {};
  if (!isPlainObject(contact)) return out;
  const name = ownValue(contact, 'display_name');
  const avatarUrl = ownValue(contact, 'avatar_url');
  if (typeof name === 'string') out.name = name;
  if (typeof avatarUrl === 'string') out.avatar_url = avatarUrl;
  return out;
}

/** Channel with its metadata (`name` defaults to the source channel id). */
export function channelPayload(channel: Channel, metadata: MetadataObject = {}): ChannelPayload {
  const name = ownValue(metadata, MetadataKeys.name);
  return {
    id: channel.id,
    source: channel.source,
    source_channel_id: channel.sourceChannelId,
    connected: channel.connectionState === 'CONNECTED',
    metadata: Object.assign(nullObject<MetadataObject[string]>(), metadata, { name: typeof name === 'string' && name !== '' ? name : channel.sourceChannelId }),
  };
}

export interface ConversationPayloadOptions {
  /** The conversation's channel payload; when the reader has no channel record, a minimal one is built from the view. */
  channel?: ChannelPayload;
  /** Metadata of the last message. */
  lastMessageMetadata?: MetadataObject;
  /** Looks up agents/bots for the last message's sender. */
  lookupUser?: (id: string) => Omit<SenderPayload, 'id'> | undefined;
}

export function conversationPayload(view: ConversationView, options: ConversationPayloadOptions = {}): ConversationPayload {
  const channel = options.channel ?? { id: view.channelId, source: view.source, source_channel_id: '', connected: true, metadata: {} };
  return {
    id: view.id,
    channel,
    created_at: isoDate(view.createdAt),
    metadata: view.metadata,
    last_message: messagePayload(view.lastMessage, {
      metadata: options.lastMessageMetadata ?? {},
      sender: senderOf(view.lastMessage, view.metadata, options.lookupUser),
    }),
  };
}

export function tagPayload(tag: Tag): TagPayload {
  return { id: tag.id, name: tag.name, color: tagColorToApi(tag.color) };
}

/** `BLUE` → `tag-blue` */
export function tagColorToApi(color: TagColor): ApiTagColor {
  return `tag-${color.toLowerCase()}` as ApiTagColor;
}

/** `tag-blue` → `BLUE`; undefined for anything else (Airy answered 400). */
export function tagColorFromApi(color: string): TagColor | undefined {
  const match = /^tag-([a-z]+)$/.exec(color);
  const upper = match?.[1]?.toUpperCase();
  return (tagColorValues as readonly string[]).includes(upper ?? '') ? (upper as TagColor) : undefined;
}

/** The API names of the tag palette (served by client.config in Airy). */
export const apiTagColors: readonly ApiTagColor[] = tagColorValues.map(tagColorToApi);

export function templatePayload(template: Template): TemplatePayload {
  return { id: template.id, name: template.name, source: template.source, content: parseMessageContent(template.content) };
}

/** Airy's error body. */
export function errorPayload(message: string): { message: string } {
  return { message };
}
