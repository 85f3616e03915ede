import type { MetadataChange } from '@platform/chat-domain';
import type { Channel, Message } from '@platform/schemas';
import type { RecordHeaders } from '@platform/streams';

/** One record of `source.<provider>.events` as the router sees it. */
export interface RawEvent {
  readonly key: string | null;
  /** The provider's body, untouched. */
  readonly value: Buffer;
  /** When the ingress wrote it (Kafka record timestamp): the `sentAt` of messages that carry no time of their own. */
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}

/** What the router may look up in the connector's state while mapping an event. */
export interface RouteLookup {
  /** Our message behind a provider message id (learned when the sender got it back from the provider). */
  messageOfProviderId(providerMessageId: string): { readonly messageId: string; readonly conversationId: string } | undefined;
}

/** A metadata fact and where it is placed (the conversation id; for a message fact, the message's conversation). */
export interface RoutedMetadata {
  readonly change: MetadataChange & { readonly record: NonNullable<MetadataChange['record']> };
  readonly placementKey: string;
}

/** What one raw event becomes. Must be deterministic in the event (a replay yields identical records). */
export interface Routed {
  readonly messages: readonly Message[];
  readonly metadata: readonly RoutedMetadata[];
}

/** One outbound message to send, with what the sender resolved for it. */
export interface OutboundJob {
  /** The PENDING message (content as `messages.send` stored it). */
  readonly message: Message;
  /** Its channel, CONNECTED (credentials still sealed in `token`). */
  readonly channel: Channel;
  /** The contact's address at the provider: the sender of the conversation's contact messages, else `sourceRecipientId`. */
  readonly recipient: string;
  /** Stable per message version: give it to providers that accept an idempotency key, so a send repeated after a crash is not delivered twice. */
  readonly idempotencyKey: string;
}

/**
 * The provider's answer. `retry`: a transient refusal (rate limit, 5xx); the message stays queued and
 * is tried again until it becomes stale, then FAILED.
 */
export type SendOutcome =
  | { readonly status: 'delivered'; readonly providerMessageId: string }
  | { readonly status: 'failed'; readonly error: string; readonly providerError?: string }
  | { readonly status: 'retry'; readonly error: string };

/** The provider-specific part of a connector's streams program. */
export interface ConnectorDefinition {
  /**
   * Source ids of the connector's channels (`twilio.sms`, `twilio.whatsapp`): it sends PENDING messages of
   * these. A predicate for connectors whose sources are registered at run time (custom sources).
   */
  readonly sources: readonly string[] | ((source: string) => boolean);
  /** Maps one raw event; throws InvalidRawEventError (dead-lettered with the reason) for one it cannot map. */
  route(event: RawEvent, lookup: RouteLookup): Routed;
  /** Calls the provider. A throw counts as `failed` with the error's message. */
  send(job: OutboundJob): Promise<SendOutcome>;
}

/** Channels the sender resolves (a GlobalTable of the channels topic fits). */
export interface ChannelLookup {
  get(id: string): Channel | undefined;
}
