import { conversationId, MetadataKeys, messageId } from '@platform/chat-domain';
import { InvalidRawEventError, type RawEvent, type Routed, type RoutedMetadata, type RouteLookup } from '@platform/connector-kit';
import type { Message } from '@platform/schemas';
import { metaChannelId } from './meta-channels';
import { facts, inboundMessage } from './routed';
import { arrayOf, idOf, MalformedWebhookError, pageEvents, parseWebhookBody, textOf, type Json, type PageEvent } from './webhook-body';

/** Prefix of the `message.metadata` we send with Messenger replies: its echo names our message. */
export const OUR_SEND_TAG = 'platform:';

export interface PageRouterOptions {
  /** Our Meta app id: echoes with it are our own sends (already messages). */
  readonly appId: string | undefined;
  /** Whether this process got `mid` back from Graph for one of its sends (its echo may come before the send's outcome is committed). */
  readonly sentHere?: (mid: string) => boolean;
}

/**
 * One raw Messenger/Instagram webhook → records, deterministically (a replay gives the same ones):
 *
 * - message from a contact: Message id UUIDv5(channel, mid), conversation UUIDv5(channel, PSID), content = the
 *   messaging event as JSON (Airy's), sentAt = the event's timestamp;
 * - echo: nothing when it is ours (our app id, our `metadata` tag, or a mid we got back from a send: committed, or
 *   just answered to this process — Instagram echoes carry neither app id nor tag);
 *   another app's or the page inbox's → a message not from the contact (sender = that app id, else the page);
 * - postback: a contact message with headers `postback.payload`/`postback.title`/`postback.referral` (Airy's)
 *   and the same as message metadata;
 * - reaction: `reaction.emoji`, `reaction.action`, `reaction.sent_at` metadata on the message reacted to;
 * - delivery: `source.delivery_state` = delivered on our messages it names.
 */
export function pageRouter(options: PageRouterOptions): (event: RawEvent, lookup: RouteLookup) => Routed {
  return (raw, lookup) => {
    let events: PageEvent[];
    try {
      events = pageEvents(parseWebhookBody(raw.value));
    } catch (error) {
      if (error instanceof MalformedWebhookError) throw new InvalidRawEventError(`raw Meta event: ${error.message}`);
      throw error;
    }
    const messages: Message[] = [];
    const metadata: RoutedMetadata[] = [];
    for (const page of events) {
      const routed = routeEvent(page, raw.timestamp, lookup, options);
      messages.push(...routed.messages);
      metadata.push(...routed.metadata);
    }
    return { messages, metadata };
  };
}

function routeEvent({ source, accountId, contact, event }: PageEvent, ingestedAt: number, lookup: RouteLookup, options: PageRouterOptions): Routed {
  const channel = metaChannelId(source, accountId);
  const conversation = conversationId(channel, contact);
  const at = typeof event.timestamp === 'number' && Number.isSafeInteger(event.timestamp) && event.timestamp > 0 ? event.timestamp : ingestedAt;
  const none: Routed = { messages: [], metadata: [] };
  const base = { conversationId: conversation, channelId: channel, source, sentAt: at, content: JSON.stringify(event) };

  if (isObject(event.message)) {
    const message = event.message;
    const mid = idOf(message.mid);
    if (mid === undefined) return none;
    if (message.is_echo === true) {
      const appId = idOf(message.app_id);
      const ours =
        (options.appId !== undefined && appId === options.appId) ||
        (typeof message.metadata === 'string' && message.metadata.startsWith(OUR_SEND_TAG)) ||
        lookup.messageOfProviderId(mid) !== undefined ||
        options.sentHere?.(mid) === true;
      if (ours) return none;
      const sender = appId ?? idOf(isObject(event.sender) ? event.sender.id : undefined) ?? accountId;
      return { messages: [inboundMessage({ ...base, id: messageId(channel, mid), senderId: sender, isFromContact: false })], metadata: [] };
    }
    return { messages: [inboundMessage({ ...base, id: messageId(channel, mid), senderId: contact, isFromContact: true })], metadata: [] };
  }

  if (isObject(event.postback)) {
    const postback = event.postback;
    const id = messageId(channel, idOf(postback.mid) ?? `postback:${contact}:${at}`);
    const headers: Record<string, string> = Object.create(null) as Record<string, string>;
    const payload = textOf(postback.payload, 1000);
    const title = textOf(postback.title, 1000);
    if (payload !== undefined) headers['postback.payload'] = payload;
    if (title !== undefined) headers['postback.title'] = title;
    if (isObject(postback.referral)) headers['postback.referral'] = JSON.stringify(postback.referral).slice(0, 2000);
    const message = inboundMessage({ ...base, id, senderId: contact, isFromContact: true, headers: { ...headers } });
    return { messages: [message], metadata: facts({ kind: 'message', id }, conversation, at, Object.entries(headers)) };
  }

  if (isObject(event.reaction)) {
    const reaction = event.reaction;
    const mid = idOf(reaction.mid);
    if (mid === undefined) return none;
    const target = lookup.messageOfProviderId(mid) ?? { messageId: messageId(channel, mid), conversationId: conversation };
    const action = reaction.action === 'unreact' ? 'unreact' : 'react';
    const emoji = action === 'unreact' ? '' : (textOf(reaction.emoji, 32) ?? textOf(reaction.reaction, 32) ?? '');
    return {
      messages: [],
      metadata: facts({ kind: 'message', id: target.messageId }, target.conversationId, at, [
        ['reaction.emoji', emoji],
        ['reaction.action', action],
        ['reaction.sent_at', at],
      ]),
    };
  }

  if (isObject(event.delivery)) {
    const metadata = arrayOf(event.delivery.mids).slice(0, 100).flatMap((value) => {
      const mid = idOf(value);
      const target = mid === undefined ? undefined : lookup.messageOfProviderId(mid);
      return target ? facts({ kind: 'message', id: target.messageId }, target.conversationId, at, [[MetadataKeys.sourceDeliveryState, 'delivered']]) : [];
    });
    return { messages: [], metadata };
  }
  // read watermarks, optins, referrals, handover: not mapped (they stay in the raw topic)
  return none;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
