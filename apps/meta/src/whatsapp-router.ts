import { conversationId, MetadataKeys, messageId } from '@platform/chat-domain';
import { InvalidRawEventError, type RawEvent, type Routed, type RoutedMetadata, type RouteLookup } from '@platform/connector-kit';
import type { Message } from '@platform/schemas';
import { metaChannelId, WHATSAPP } from './meta-channels';
import { facts, inboundMessage } from './routed';
import { arrayOf, idOf, MalformedWebhookError, parseWebhookBody, textOf, whatsappChanges, type Json, type WhatsAppChange } from './webhook-body';

/**
 * One raw WhatsApp Cloud webhook → records, deterministically:
 *
 * - `messages[]`: Message id UUIDv5(channel, wamid), conversation UUIDv5(channel, wa_id), content = the
 *   message object as JSON, sentAt = its timestamp (seconds); the contact's profile name from `contacts[]`
 *   as `contact.display_name` (and `contact.fetch_state` ok) on the conversation;
 * - `reaction` messages: `reaction.emoji` / `reaction.action` / `reaction.sent_at` on the message reacted to;
 * - `statuses[]` of our sends: `source.delivery_state` (sent, delivered, read, failed) and, for failures,
 *   `source.error` (Meta's errors) on our message.
 */
export function routeWhatsAppEvent(raw: RawEvent, lookup: RouteLookup): Routed {
  let changes: WhatsAppChange[];
  try {
    changes = whatsappChanges(parseWebhookBody(raw.value));
  } catch (error) {
    if (error instanceof MalformedWebhookError) throw new InvalidRawEventError(`raw WhatsApp event: ${error.message}`);
    throw error;
  }
  const messages: Message[] = [];
  const metadata: RoutedMetadata[] = [];
  for (const { phoneNumberId, value } of changes) {
    const channel = metaChannelId(WHATSAPP, phoneNumberId);
    const names = new Map<string, string>();
    for (const contact of arrayOf(value.contacts)) {
      if (!isObject(contact)) continue;
      const waId = idOf(contact.wa_id);
      const name = isObject(contact.profile) ? textOf(contact.profile.name, 200) : undefined;
      if (waId !== undefined && name !== undefined) names.set(waId, name);
    }
    for (const item of arrayOf(value.messages)) {
      if (!isObject(item)) continue;
      const from = idOf(item.from);
      const id = idOf(item.id);
      if (from === undefined || id === undefined) continue;
      const conversation = conversationId(channel, from);
      const at = secondsOf(item.timestamp) ?? raw.timestamp;
      if (item.type === 'reaction' && isObject(item.reaction)) {
        const target = idOf(item.reaction.message_id);
        if (target === undefined) continue;
        const ours = lookup.messageOfProviderId(target) ?? { messageId: messageId(channel, target), conversationId: conversation };
        const emoji = textOf(item.reaction.emoji, 32) ?? '';
        metadata.push(...facts({ kind: 'message', id: ours.messageId }, ours.conversationId, at, [['reaction.emoji', emoji], ['reaction.action', emoji === '' ? 'unreact' : 'react'], ['reaction.sent_at', at]]));
        continue;
      }
      messages.push(inboundMessage({ id: messageId(channel, id), conversationId: conversation, channelId: channel, source: WHATSAPP, senderId: from, isFromContact: true, sentAt: at, content: JSON.stringify(item) }));
      const name = names.get(from);
      if (name !== undefined) metadata.push(...facts({ kind: 'conversation', id: conversation }, conversation, at, [[MetadataKeys.contactDisplayName, name], ['contact.fetch_state', 'ok']]));
    }
    for (const status of arrayOf(value.statuses).slice(0, 1000)) {
      if (!isObject(status)) continue;
      const id = idOf(status.id);
      const state = textOf(status.status, 32);
      const target = id === undefined ? undefined : lookup.messageOfProviderId(id);
      if (!target || state === undefined) continue;
      const at = secondsOf(status.timestamp) ?? raw.timestamp;
      const values: [string, string][] = [[MetadataKeys.sourceDeliveryState, state]];
      if (Array.isArray(status.errors)) values.push([MetadataKeys.sourceError, JSON.stringify(status.errors).slice(0, 4000)]);
      metadata.push(...facts({ kind: 'message', id: target.messageId }, target.conversationId, at, values));
    }
  }
  return { messages, metadata };
}

/** WhatsApp's timestamps: Unix seconds as a string. */
function secondsOf(value: unknown): number | undefined {
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
  return text !== undefined && /^[0-9]{1,12}$/.test(text) ? Number(text) * 1000 : undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
