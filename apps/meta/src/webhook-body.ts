import { isPlainObject, parseJsonSafely } from '@platform/chat-domain';
import { exceedsNestingDepth } from '@platform/nest-platform';
import { FACEBOOK, INSTAGRAM, type PageSource } from './meta-channels';

/** Deepest nesting a webhook body may have (Meta's are ~8 levels deep). */
export const maxWebhookDepth = 32;
/** Most events one webhook body may carry (Meta batches up to 1,000). */
export const maxEventsPerBody = 1000;

/** A webhook body Meta's envelope does not describe. */
export class MalformedWebhookError extends Error {}

export type Json = Record<string, unknown>;

/** Parses a webhook body (bounded depth, reserved keys dropped), or throws MalformedWebhookError. */
export function parseWebhookBody(body: Buffer): Json {
  if (exceedsNestingDepth(body, maxWebhookDepth)) throw new MalformedWebhookError(`webhook body nested deeper than ${maxWebhookDepth} levels`);
  let parsed: unknown;
  try {
    parsed = parseJsonSafely(body.toString('utf8'));
  } catch {
    throw new MalformedWebhookError('webhook body is not JSON');
  }
  if (!isPlainObject(parsed)) throw new MalformedWebhookError('webhook body is not a JSON object');
  return parsed as Json;
}

/** One Messenger/Instagram event (`entry[].messaging[]` or `entry[].standby[]`) with the channel and contact it belongs to. */
export interface PageEvent {
  readonly source: PageSource;
  /** `entry[].id`: the page id (Messenger) or the Instagram account id. */
  readonly accountId: string;
  /** The contact's PSID/IGSID: the sender, or the recipient of an echo. */
  readonly contact: string;
  readonly event: Json;
}

/** The events of a `page` / `instagram` webhook body, in order. */
export function pageEvents(body: Json): PageEvent[] {
  const source = body.object === 'page' ? FACEBOOK : body.object === 'instagram' ? INSTAGRAM : undefined;
  if (source === undefined) throw new MalformedWebhookError(`webhook object ${JSON.stringify(String(body.object).slice(0, 40))} is not page or instagram`);
  const events: PageEvent[] = [];
  for (const entry of arrayOf(body.entry)) {
    if (!isPlainObject(entry)) continue;
    const accountId = idOf(entry.id);
    if (accountId === undefined) continue;
    for (const event of [...arrayOf(entry.messaging), ...arrayOf(entry.standby)]) {
      if (!isPlainObject(event)) continue;
      const message = event.message;
      const echo = isPlainObject(message) && message.is_echo === true;
      const contact = idOf(isPlainObject(echo ? event.recipient : event.sender) ? ((echo ? event.recipient : event.sender) as Json).id : undefined);
      if (contact === undefined) continue;
      events.push({ source, accountId, contact, event: event as Json });
      if (events.length > maxEventsPerBody) throw new MalformedWebhookError(`more than ${maxEventsPerBody} events in one webhook`);
    }
  }
  return events;
}

/** One `changes[].value` of a WhatsApp Business Account webhook, with its phone number id. */
export interface WhatsAppChange {
  readonly phoneNumberId: string;
  readonly value: Json;
}

/** The `messages` changes of a `whatsapp_business_account` webhook body, in order. */
export function whatsappChanges(body: Json): WhatsAppChange[] {
  if (body.object !== 'whatsapp_business_account') throw new MalformedWebhookError('webhook object is not whatsapp_business_account');
  const changes: WhatsAppChange[] = [];
  for (const entry of arrayOf(body.entry)) {
    if (!isPlainObject(entry)) continue;
    for (const change of arrayOf(entry.changes)) {
      if (!isPlainObject(change) || change.field !== 'messages' || !isPlainObject(change.value)) continue;
      const value = change.value as Json;
      const phoneNumberId = isPlainObject(value.metadata) ? idOf(value.metadata.phone_number_id) : undefined;
      if (phoneNumberId === undefined) continue;
      changes.push({ phoneNumberId, value });
      if (changes.length > maxEventsPerBody) throw new MalformedWebhookError(`more than ${maxEventsPerBody} changes in one webhook`);
    }
  }
  return changes;
}

/** The contact of a WhatsApp change: the sender of its first message, else the recipient of its first status. */
export function whatsappContact(value: Json): string | undefined {
  const message = arrayOf(value.messages).find(isPlainObject);
  if (message) return idOf(message.from);
  const status = arrayOf(value.statuses).find(isPlainObject);
  return status ? idOf(status.recipient_id) : undefined;
}

export function arrayOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A provider id (string or number, as Meta sends both), bounded; undefined otherwise. */
export function idOf(value: unknown): string | undefined {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' ? value : undefined;
  return text !== undefined && text.length > 0 && text.length <= 256 ? text : undefined;
}

export function textOf(value: unknown, max: number): string | undefined {
  return typeof value === 'string' ? value.slice(0, max) : undefined;
}
