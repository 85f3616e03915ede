import { metadataUpsert, MetadataKeys, withDeliveryState } from '@platform/chat-domain';
import { errorMessage, type Logger, type SendGuard } from '@platform/common';
import type { Message } from '@platform/schemas';
import type { KeyValueStore, Processor, ProcessorContext, StreamRecord } from '@platform/streams';
import type { ChannelLookup, ConnectorDefinition, SendOutcome } from './connector';
import { SOURCE_ID_HEADER, stateKeys, versionOf, type ConnectorStateEntry } from './connector-state';
import type { PlacedMetadata } from './placed-metadata';
import { ROUTED_MESSAGES, ROUTED_METADATA } from './router-processor';

export interface OutboundOptions {
  /** A PENDING message older than this (since it became PENDING) is FAILED without a call. Default 300 000 ms (Airy's 5 minutes). */
  readonly staleAfterMs?: number;
  /** How often the outbox is looked at and finished sends are written. Default 100 ms. */
  readonly pollIntervalMs?: number;
  /** Sends in flight per task. Default 16. */
  readonly maxInFlight?: number;
  /** Wait after a transient refusal. Default 5000 ms. */
  readonly retryDelayMs?: number;
  /**
   * Stale messages are only failed once the task has caught up with its input (no input for this long,
   * or stream time within it of the clock), so that replaying history does not fail a message whose
   * DELIVERED version comes later in the log. Default 1000 ms.
   */
  readonly catchUpMs?: number;
  /**
   * Which PENDING versions this app version sends, fails or gives up (`sendEpochGuard` over the CLI's control
   * topic): while two versions run (blue/green), each message has one sender; the other keeps the entry until
   * the outcome arrives in its input. Default: every one (a single version).
   */
  readonly guard?: SendGuard;
}

interface Finished {
  readonly messageId: string;
  readonly version: number;
  readonly outcome: SendOutcome;
}

/**
 * The sender: PENDING messages of the connector's sources → provider → DELIVERED / FAILED (always
 * written, with `error` metadata), as a transactional outbox on the exactly-once engine:
 *
 * 1. a PENDING message is put in the outbox (store), committed with its input offset;
 * 2. a wall-clock punctuator starts sends for outbox entries (at most `maxInFlight`), failing stale
 *    ones, ones of disconnected channels and ones without a recipient without a call;
 * 3. a later punctuation writes the outcome (message + metadata) and removes the entry, in one transaction.
 *
 * A crash between a provider call and the commit of its outcome sends again after the restart (the
 * provider's idempotency key, when it has one, makes that harmless); every other transition happens
 * exactly once. Newer versions of a message (a DELIVERED written by another instance, a resend)
 * replace or clear its entry.
 */
export function outboundProcessor(
  connector: ConnectorDefinition,
  storeName: string,
  channels: ChannelLookup,
  options: OutboundOptions,
  logger: Logger,
): () => Processor<string | null, Message | null, string, Message | PlacedMetadata> {
  const staleAfterMs = options.staleAfterMs ?? 300_000;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const maxInFlight = options.maxInFlight ?? 16;
  const retryDelayMs = options.retryDelayMs ?? 5000;
  const catchUpMs = options.catchUpMs ?? 1000;
  const guard = options.guard;
  const ours = typeof connector.sources === 'function' ? connector.sources : ((set: ReadonlySet<string>) => (source: string) => set.has(source))(new Set(connector.sources));
  return () => {
    let context: ProcessorContext<string, Message | PlacedMetadata>;
    let store: KeyValueStore<string, ConnectorStateEntry>;
    const inFlight = new Set<string>();
    let finished: Finished[] = [];
    let lastInputAt = 0;
    let closed = false;

    const now = () => context.currentSystemTimeMs();
    const caughtUp = () => now() - lastInputAt >= catchUpMs || context.currentStreamTimeMs() >= now() - catchUpMs;

    const write = (message: Message, facts: readonly [string, string][]) => {
      const at = now();
      context.forward({ key: message.id, value: message, timestamp: at, headers: {} }, ROUTED_MESSAGES);
      const subject = { kind: 'message' as const, id: message.id };
      for (const [key, value] of facts) {
        const change = metadataUpsert(subject, key, value, at);
        context.forward({ key: change.id, value: { record: change.record!, placementKey: message.conversationId }, timestamp: at, headers: {} }, ROUTED_METADATA);
      }
    };

    const fail = (message: Message, error: string, providerError?: string) => {
      store.delete(stateKeys.outbox(message.id));
      const facts: [string, string][] = [[MetadataKeys.error, error]];
      if (providerError !== undefined) facts.push([MetadataKeys.sourceError, providerError]);
      write(withDeliveryState(message, 'FAILED', now()), facts);
    };

    const finish = ({ messageId, version, outcome }: Finished) => {
      inFlight.delete(messageId);
      const entry = store.get(stateKeys.outbox(messageId));
      // Replaced by a newer version meanwhile (resend, another instance's outcome): this outcome is void.
      if (entry?.kind !== 'outbox' || versionOf(entry.message) !== version) return;
      const message = entry.message;
      if (outcome.status === 'retry') {
        store.put(stateKeys.outbox(messageId), { ...entry, notBefore: now() + retryDelayMs });
        logger.warn('provider refused a send for now; retrying', { messageId, error: outcome.error });
        return;
      }
      if (outcome.status === 'failed') {
        fail(message, outcome.error, outcome.providerError);
        return;
      }
      store.delete(stateKeys.outbox(messageId));
      store.put(stateKeys.provider(outcome.providerMessageId), { kind: 'provider', messageId, conversationId: message.conversationId });
      const delivered = withDeliveryState(message, 'DELIVERED', now());
      write({ ...delivered, headers: { ...(delivered.headers ?? {}), [SOURCE_ID_HEADER]: outcome.providerMessageId } }, [[MetadataKeys.sourceId, outcome.providerMessageId]]);
    };

    const start = (message: Message) => {
      const channel = channels.get(message.channelId);
      if (channel?.connectionState !== 'CONNECTED') {
        fail(message, `channel ${message.channelId} is ${channel ? 'disconnected' : 'unknown'}; not sent`);
        return;
      }
      const contact = store.get(stateKeys.contact(message.conversationId));
      const recipient = contact?.kind === 'contact' ? contact.address : (message.sourceRecipientId ?? undefined);
      if (recipient === undefined || recipient === '') {
        fail(message, 'no recipient: the conversation has no contact message and the message no source_recipient_id; not sent');
        return;
      }
      const version = versionOf(message);
      inFlight.add(message.id);
      const job = { message, channel, recipient, idempotencyKey: `${message.id}:${version}` };
      connector
        .send(job)
        .catch((error: unknown): SendOutcome => ({ status: 'failed', error: errorMessage(error) }))
        .then((outcome) => {
          if (!closed) finished.push({ messageId: message.id, version, outcome });
        });
    };

    const punctuate = () => {
      const done = finished;
      finished = [];
      for (const item of done) finish(item);
      const at = now();
      // While replaying history (after a reset), a PENDING message's outcome may come later in the log:
      // nothing is started or failed before the task has caught up with its input.
      if (!caughtUp()) return;
      for (const { value: entry } of [...store.prefixScan(stateKeys.outboxPrefix, stringSerde)]) {
        if (entry.kind !== 'outbox' || inFlight.has(entry.message.id)) continue;
        const message = entry.message;
        if (guard !== undefined && !guard.performs(versionOf(message))) continue;
        if (at - versionOf(message) > staleAfterMs) {
          fail(message, `not sent: pending for more than ${Math.round(staleAfterMs / 1000)} s (stale)`);
          continue;
        }
        if (entry.notBefore > at || inFlight.size >= maxInFlight) continue;
        start(message);
      }
    };

    return {
      init: (ctx) => {
        context = ctx;
        store = ctx.getStateStore(storeName);
        ctx.schedule(pollIntervalMs, 'wall-clock', punctuate);
      },
      process: (record: StreamRecord<string | null, Message | null>) => {
        lastInputAt = now();
        const message = record.value;
        if (message === null || !ours(message.source)) return;
        if (message.isFromContact) {
          const key = stateKeys.contact(message.conversationId);
          const current = store.get(key);
          if (current?.kind !== 'contact' || current.address !== message.senderId) store.put(key, { kind: 'contact', address: message.senderId });
          return;
        }
        const key = stateKeys.outbox(message.id);
        const entry = store.get(key);
        const queued = entry?.kind === 'outbox' ? entry.message : undefined;
        if (queued !== undefined && versionOf(queued) > versionOf(message)) return;
        if (message.deliveryState === 'PENDING') {
          if (queued === undefined || versionOf(queued) !== versionOf(message)) store.put(key, { kind: 'outbox', message, notBefore: 0 });
          return;
        }
        if (queued !== undefined) store.delete(key);
        const providerId = message.headers?.[SOURCE_ID_HEADER];
        if (message.deliveryState === 'DELIVERED' && providerId !== undefined) {
          store.put(stateKeys.provider(providerId), { kind: 'provider', messageId: message.id, conversationId: message.conversationId });
        }
      },
      close: () => {
        closed = true;
      },
    };
  };
}

const stringSerde = {
  serialize: (_topic: string, value: string) => Buffer.from(value, 'utf8'),
  deserialize: (_topic: string, data: Buffer) => data.toString('utf8'),
};
