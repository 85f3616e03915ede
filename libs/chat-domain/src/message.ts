import type { Message } from '@platform/schemas';
import { MessageNotResendableError } from './errors';
import { SizeLimitError, jsonByteLength, maxMessageIdJsonBytes, maxStoredMessageBytes } from './limits';

/**
 * Whether `incoming` is at least as recent a version of the same message as `current`.
 * A message is re-published under its id when its delivery state changes, with `updatedAt`
 * set; a never-updated message has `updatedAt` null. So the version with the larger
 * `updatedAt` (null counting as oldest) wins, and a re-delivered PENDING original never
 * overwrites the DELIVERED/FAILED update. Equal versions count as newer (idempotent replace).
 */
export function isSameOrNewerVersion(incoming: Message, current: Message): boolean {
  return (incoming.updatedAt ?? Number.NEGATIVE_INFINITY) >= (current.updatedAt ?? Number.NEGATIVE_INFINITY);
}

/**
 * The record `messages.resend` publishes: PENDING again with `updatedAt = now`. Airy reset
 * `updatedAt` to null, which made the resend look like a new message and lose against the
 * FAILED version under version ordering; here it is a regular newer version.
 * Throws MessageNotResendableError (409) unless the message is FAILED.
 */
export function resendMessage(message: Message, now: number): Message {
  if (message.deliveryState !== 'FAILED') throw new MessageNotResendableError(message.id, message.deliveryState);
  return { ...message, deliveryState: 'PENDING', updatedAt: Math.max(now, (message.updatedAt ?? 0) + 1) };
}

/** The record a connector publishes after trying to deliver a message. */
export function withDeliveryState(message: Message, deliveryState: Message['deliveryState'], now: number): Message {
  return { ...message, deliveryState, updatedAt: Math.max(now, (message.updatedAt ?? 0) + 1) };
}

/** Content as JSON when it parses (the usual case), else the raw text (form-encoded sources). */
export function parseMessageContent(content: string): unknown {
  try {
    return JSON.parse(content) as unknown;
  } catch {
    return content;
  }
}

/** Newest first by `sentAt`, then by id, so equal timestamps keep one stable order. */
export function compareMessagesNewestFirst(a: Message, b: Message): number {
  return b.sentAt - a.sentAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Whether `a` sorts after `b` in time (sentAt, then id): the later of two candidate last messages. */
export function isLaterMessage(a: Message, b: Message): boolean {
  return a.sentAt > b.sentAt || (a.sentAt === b.sentAt && a.id > b.id);
}

/**
 * Refuses (SizeLimitError) a message record larger than a store may keep: its JSON text over
 * maxStoredMessageBytes, or its id over maxMessageIdJsonBytes as a JSON string. Every message
 * accepted by an ingress (content ≤ maxMessageContentBytes) passes; a record from a connector that
 * ignored the budget is refused where it would be stored.
 */
export function checkStoredMessage(message: Message): void {
  const idBytes = jsonByteLength(message.id) ?? Number.POSITIVE_INFINITY;
  if (idBytes > maxMessageIdJsonBytes) throw new SizeLimitError('message id', idBytes, maxMessageIdJsonBytes);
  // Most messages are far below the budget: a bound from the string lengths spares serializing them
  // (profiled: 3.6% of communication's per-record time); near the budget the exact size decides.
  if (jsonBytesAtMost(message) <= maxStoredMessageBytes) return;
  const bytes = jsonByteLength(message) ?? Number.POSITIVE_INFINITY;
  if (bytes > maxStoredMessageBytes) throw new SizeLimitError(`message ${message.id}`, bytes, maxStoredMessageBytes);
}

/** Fields of the Message record; a value carrying others gets no bound (the exact size is measured). */
const messageFieldCount = 12;
/** Property names, punctuation, numbers and booleans of a Message's JSON: well under this. */
const messageFixedJsonBytes = 512;

/**
 * An upper bound of the UTF-8 size of `message` as JSON: a UTF-16 code unit of a string is at most 6
 * bytes there (`\uXXXX`), a header entry adds its quotes, colon and comma. Infinity for a value with
 * fields the schema does not have.
 */
function jsonBytesAtMost(message: Message): number {
  if (Object.keys(message).length > messageFieldCount) return Number.POSITIVE_INFINITY;
  let units = message.id.length + message.conversationId.length + message.channelId.length + message.source.length + message.senderId.length;
  units += message.deliveryState.length + message.content.length + (message.sourceRecipientId?.length ?? 0);
  let headers = 0;
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (typeof value !== 'string') return Number.POSITIVE_INFINITY;
    units += name.length + value.length;
    headers += 6;
  }
  return 6 * units + headers + messageFixedJsonBytes;
}
