/**
 * Keys of the `chatplugin-messages` store: `<conversation id>/<sentAt, 15 digits>/<message id>`, so
 * one conversation is one key prefix, in time order. `sentAt` never changes for a message id (a
 * delivery update keeps it), so an update replaces the same key.
 */
export const HISTORY_STORE = 'chatplugin-messages';

const SEPARATOR = '/';

export function historyKey(conversationId: string, sentAt: number, messageId: string): string {
  return `${conversationId}${SEPARATOR}${String(sentAt).padStart(15, '0')}${SEPARATOR}${messageId}`;
}

/** Inclusive range bounds covering exactly one conversation's keys. */
export function historyRange(conversationId: string): { from: string; to: string } {
  return { from: `${conversationId}${SEPARATOR}`, to: `${conversationId}${SEPARATOR}\uffff` };
}

export function isHistoryKeyOf(key: string, conversationId: string): boolean {
  return key.startsWith(`${conversationId}${SEPARATOR}`);
}
