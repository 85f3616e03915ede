/**
 * Keys of the `messages` store: `<conversationId>/<inverted sentAt>/<messageId>`. Keys sort by their
 * bytes, so a prefix scan over one conversation yields its messages newest first (sentAt descending,
 * then id ascending — Airy's order, `compareMessagesNewestFirst`).
 */
const SEPARATOR = '/';
const WIDTH = 15; // 10^15 - 1 is exact in a double (< 2^53)
const MAX = 10 ** WIDTH - 1;

export function messageKey(conversationId: string, sentAt: number, messageId: string): string {
  const clamped = Math.min(Math.max(Math.trunc(sentAt), 0), MAX);
  return `${conversationId}${SEPARATOR}${String(MAX - clamped).padStart(WIDTH, '0')}${SEPARATOR}${messageId}`;
}

/** The prefix shared by every key of one conversation. */
export function conversationPrefix(conversationId: string): string {
  return `${conversationId}${SEPARATOR}`;
}
