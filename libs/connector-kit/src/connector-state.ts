import type { Message } from '@platform/schemas';

/**
 * Entries of the connector's one store (keys by prefix). Router and sender share it, so they form one
 * subtopology co-partitioned by conversation: task p holds partition p of the raw events and of the messages.
 */
export type ConnectorStateEntry =
  /** An inbound message id already routed: a provider retry (new raw record, same message id) is dropped. */
  | { readonly kind: 'seen'; readonly at: number }
  /** The contact's address in a conversation (sender id of its contact messages). */
  | { readonly kind: 'contact'; readonly address: string }
  /** A PENDING message waiting to be sent; `notBefore` after a transient refusal. */
  | { readonly kind: 'outbox'; readonly message: Message; readonly notBefore: number }
  /** Our message behind a provider message id (status callbacks name the provider's id). */
  | { readonly kind: 'provider'; readonly messageId: string; readonly conversationId: string };

export const stateKeys = {
  seen: (messageId: string) => `seen/${messageId}`,
  contact: (conversationId: string) => `contact/${conversationId}`,
  outbox: (messageId: string) => `outbox/${messageId}`,
  outboxPrefix: 'outbox/',
  provider: (providerMessageId: string) => `provider/${providerMessageId}`,
} as const;

/** Message header carrying the provider's message id on DELIVERED messages (rebuilds `provider/` entries on replay). */
export const SOURCE_ID_HEADER = 'source.id';

/** Version of a message record: when it last changed state. */
export function versionOf(message: Message): number {
  return message.updatedAt ?? message.sentAt;
}
