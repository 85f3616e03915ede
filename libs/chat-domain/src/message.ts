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
  const bytes = jsonByteLength(message) ?? Number.POSITIVE_INFINITY;
  if (bytes > maxStoredMessageBytes) throw new SizeLimitError(`message ${message.id}`, bytes, maxStoredMessageBytes);
}
