import type { Message } from '@platform/schemas';
import { unreadCount, type ConversationState } from './conversation';
import { MetadataKeys, isPlainObject, type MetadataObject, type MetadataValue } from './metadata';
import { assembleMetadata } from './metadata-document';
import { nullObject, ownValue } from './safe-keys';

/**
 * A conversation as reads see it: what `conversations.list` filters and sorts, and what the
 * payload mapping renders. Derived from a ConversationState with at least one message.
 */
export interface ConversationView {
  id: string;
  channelId: string;
  source: string;
  /** Epoch millis of the first message. */
  createdAt: number;
  /** Epoch millis of the last message (the list's sort key). */
  lastMessageAt: number;
  lastMessage: Message;
  unreadCount: number;
  /** Contact name, or "<Source> <last 5 chars of id>" like Airy when none is known. */
  displayName: string;
  /** Ids of the tags on the conversation (only existing tags when a tag lookup is given). */
  tagIds: string[];
  /** Workflow state (free text, the UI uses OPEN/CLOSED), null when unset. */
  state: string | null;
  /**
   * Nested metadata: facts + derived `unread_count` + `contact.display_name` defaulted as above,
   * `tags` filtered like `tagIds`.
   */
  metadata: MetadataObject;
}

export interface ConversationViewOptions {
  /**
   * Whether a tag still exists. Airy left deleted tags on conversations forever; with this,
   * a deleted tag disappears from views (and from `tag_ids` filtering) without rewriting metadata.
   */
  tagExists?: (tagId: string) => boolean;
}

const sourceNames: Record<string, string> = {
  chatplugin: 'Chatplugin',
  facebook: 'Facebook',
  instagram: 'Instagram',
  google: 'Google',
  'twilio.sms': 'SMS',
  'twilio.whatsapp': 'WhatsApp',
  whatsapp: 'WhatsApp',
  viber: 'Viber',
};

/** Human name of a source id ("twilio.sms" → "SMS"); unknown sources are capitalized. */
export function sourceDisplayName(source: string): string {
  return sourceNames[source] ?? (source === '' ? source : source[0]!.toUpperCase() + source.slice(1));
}

/** Airy's fallback contact name: "<Source> <last 5 chars of the conversation id>". */
export function defaultDisplayName(source: string, conversationId: string): string {
  return `${sourceDisplayName(source)} ${conversationId.slice(-5)}`;
}

/** The read view of a conversation, or null while it has no message (not listed, 404 on info). */
export function conversationView(state: ConversationState, options: ConversationViewOptions = {}): ConversationView | null {
  const last = state.lastMessage;
  if (last === null || state.createdAt === null) return null;
  const channelId = state.channelId ?? last.channelId;
  const source = state.source ?? last.source;
  const metadata = assembleMetadata(Object.values(state.metadata));

  // metadata objects have no prototype and are read by own property only (user keys, see safe-keys.ts)
  const tagsValue = ownValue(metadata, MetadataKeys.tags);
  const tags = isPlainObject(tagsValue) ? tagsValue : nullObject<MetadataValue>();
  const tagIds = Object.keys(tags).filter((id) => options.tagExists?.(id) ?? true).sort();
  const keptTags = nullObject<MetadataValue>();
  for (const id of tagIds) keptTags[id] = tags[id]!;
  metadata[MetadataKeys.tags] = keptTags;

  const contactValue = ownValue(metadata, 'contact');
  const contact = isPlainObject(contactValue) ? contactValue : nullObject<MetadataValue>();
  const name = ownValue(contact, 'display_name');
  const displayName = typeof name === 'string' && name.trim() !== '' ? name : defaultDisplayName(source, state.id);
  metadata.contact = Object.assign(nullObject<MetadataValue>(), contact, { display_name: displayName });

  const count = unreadCount(state);
  metadata[MetadataKeys.unreadCount] = count;
  const stateValue = ownValue(metadata, MetadataKeys.state);

  return {
    id: state.id,
    channelId,
    source,
    createdAt: state.createdAt,
    lastMessageAt: last.sentAt,
    lastMessage: last,
    unreadCount: count,
    displayName,
    tagIds,
    state: typeof stateValue === 'string' ? stateValue : stateValue === undefined || stateValue === null ? null : String(stateValue),
    metadata,
  };
}

/** List order: last message time descending, then id ascending (stable for equal times). */
export function compareConversations(a: Pick<ConversationView, 'id' | 'lastMessageAt'>, b: Pick<ConversationView, 'id' | 'lastMessageAt'>): number {
  return b.lastMessageAt - a.lastMessageAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
