import type { Message } from '@platform/schemas';
import type { KeyValueStore, Processor, ProcessorContext, StreamRecord } from '@platform/streams';
import type { ConnectorDefinition, RouteLookup } from './connector';
import { stateKeys, type ConnectorStateEntry } from './connector-state';
import { InvalidRawEventError } from './errors';
import type { PlacedMetadata } from './placed-metadata';

export const ROUTED_MESSAGES = 'routed-messages';
export const ROUTED_METADATA = 'routed-metadata';

/**
 * Raw events → messages and metadata. A message id already routed (a provider retrying a webhook, or
 * the same event written twice) is dropped, in the same transaction as the input offset, so a retry
 * never yields a second record.
 */
export function routerProcessor(connector: Pick<ConnectorDefinition, 'route'>, storeName: string): () => Processor<string | null, Buffer | null, string, Message | PlacedMetadata> {
  return () => {
    let context: ProcessorContext<string, Message | PlacedMetadata>;
    let store: KeyValueStore<string, ConnectorStateEntry>;
    const lookup: RouteLookup = {
      messageOfProviderId: (providerMessageId) => {
        const entry = store.get(stateKeys.provider(providerMessageId));
        return entry?.kind === 'provider' ? { messageId: entry.messageId, conversationId: entry.conversationId } : undefined;
      },
    };
    return {
      init: (ctx) => {
        context = ctx;
        store = ctx.getStateStore(storeName);
      },
      process: (record: StreamRecord<string | null, Buffer | null>) => {
        if (record.value === null) throw new InvalidRawEventError('raw event has no value');
        const routed = connector.route({ key: record.key, value: record.value, timestamp: record.timestamp, headers: record.headers }, lookup);
        for (const message of routed.messages) {
          const seen = stateKeys.seen(message.id);
          if (store.get(seen) !== undefined) continue;
          store.put(seen, { kind: 'seen', at: record.timestamp });
          context.forward({ key: message.id, value: message, timestamp: record.timestamp, headers: {} }, ROUTED_MESSAGES);
        }
        for (const { change, placementKey } of routed.metadata) {
          context.forward({ key: change.id, value: { record: change.record, placementKey }, timestamp: record.timestamp, headers: {} }, ROUTED_METADATA);
        }
      },
    };
  };
}
