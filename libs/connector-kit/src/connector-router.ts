import type { Message, Metadata, Serde } from '@platform/schemas';
import { Serdes, Stores, type Topology } from '@platform/streams';
import type { ConnectorDefinition } from './connector';
import type { ConnectorStateEntry } from './connector-state';
import { byPlacementKey, placedMetadataSerde } from './placed-metadata';
import { ROUTED_MESSAGES, ROUTED_METADATA, routerProcessor } from './router-processor';

/** Names of the nodes `addConnectorRouter` adds (connect your own stores to `processor` to stay in its subtopology). */
export const CONNECTOR_ROUTER_NODES = { source: 'raw-events', processor: 'route', messagesSink: ROUTED_MESSAGES, metadataSink: ROUTED_METADATA } as const;

export interface ConnectorRouterOptions {
  /** Resolved names: `source.<provider>.events`, the messages and metadata topics (ChatTopics fits). */
  readonly topics: { readonly raw: string; readonly messages: string; readonly metadata: string };
  /** The registry serdes of the chat topics (ChatSerdes fits). */
  readonly serdes: { readonly message: Serde<Message>; readonly metadata: Serde<Metadata> };
  /** The platform's placement (chat-streams' `placementPartition`): records are placed by conversation id. */
  readonly placement: (key: string, partitions: number) => number;
  /** Only the mapping: a router-only connector has no `sources`/`send` for the kit to run. */
  readonly connector: Pick<ConnectorDefinition, 'route'>;
  /** Name of the connector's store (`<connector>-state`): the `seen/<message id>` entries of the dedup. */
  readonly storeName: string;
  /**
   * Processors of yours (declared after this call) that also write to the router's messages and metadata
   * sinks and use its store: the kit's own sender does (`buildConnectorTopology`).
   */
  readonly sharedWith?: readonly string[];
}

/**
 * Adds the kit's router to `topology` without the kit's sender, for a connector whose outbound is not a
 * provider call (the chat plugin pushes replies to the visitor's websocket): the raw topic →
 * `connector.route` → messages (placed by conversation) and metadata (placed by their key), with the
 * same deterministic-id dedup as `buildConnectorTopology` (a message id already routed is dropped, in the
 * transaction of its input offset) and InvalidRawEventError for the application to dead-letter.
 *
 * Connect a store of your own to `CONNECTOR_ROUTER_NODES.processor` (or this router's store to your
 * processor) to keep your processors in the router's subtopology, so one task holds a conversation's raw
 * events and its messages (the raw topic must have the messages topic's partition count). Returns
 * `topology`; call `build()` when your nodes are added.
 */
export function addConnectorRouter(topology: Topology, options: ConnectorRouterOptions): Topology {
  const { topics, serdes, placement, connector, storeName } = options;
  const nodes = CONNECTOR_ROUTER_NODES;
  const writers = [nodes.processor, ...(options.sharedWith ?? [])];
  const byConversation = (_key: Buffer | null, value: unknown, partitions: number) => placement((value as Message).conversationId, partitions);
  return topology
    .addSource(nodes.source, topics.raw, { keySerde: Serdes.string(), valueSerde: Serdes.buffer() })
    .addProcessor(nodes.processor, routerProcessor(connector, storeName), nodes.source)
    .addSink(nodes.messagesSink, topics.messages, { keySerde: Serdes.string(), valueSerde: serdes.message, partitioner: byConversation }, ...writers)
    .addSink(nodes.metadataSink, topics.metadata, { keySerde: Serdes.string(), valueSerde: placedMetadataSerde(serdes.metadata), partitioner: byPlacementKey(placement) }, ...writers)
    .addStateStore(Stores.keyValue(storeName, Serdes.string(), Serdes.json<ConnectorStateEntry>()), ...writers);
}
