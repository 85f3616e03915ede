import { silentLogger, type Logger } from '@platform/common';
import type { Message, Metadata, Serde } from '@platform/schemas';
import { Serdes, Topology, type TopologySpec } from '@platform/streams';
import type { ChannelLookup, ConnectorDefinition } from './connector';
import { addConnectorRouter } from './connector-router';
import { outboundProcessor, type OutboundOptions } from './outbound-processor';

export interface ConnectorTopologyOptions {
  /** Resolved names: `source.<provider>.events`, the messages and metadata topics (ChatTopics fits). */
  readonly topics: { readonly raw: string; readonly messages: string; readonly metadata: string };
  /** The registry serdes of the chat topics (ChatSerdes fits). */
  readonly serdes: { readonly message: Serde<Message>; readonly metadata: Serde<Metadata> };
  /** The platform's placement (chat-streams' `placementPartition`): records are placed by conversation id. */
  readonly placement: (key: string, partitions: number) => number;
  readonly connector: ConnectorDefinition;
  readonly channels: ChannelLookup;
  /** Name of the connector's store (`<connector>-state`). */
  readonly storeName: string;
  readonly outbound?: OutboundOptions;
  readonly logger?: Logger;
}

/**
 * A connector's streams program (run it exactly-once): router (raw events → messages, metadata) and
 * sender (PENDING → provider → DELIVERED/FAILED) around one store, so they form one subtopology over
 * the raw topic and the messages topic, co-partitioned by conversation (the raw topic must have the
 * messages topic's partition count; the engine checks it at start).
 */
export function buildConnectorTopology(options: ConnectorTopologyOptions): TopologySpec {
  const { topics, serdes, placement, connector, storeName } = options;
  return addConnectorRouter(new Topology(), { topics, serdes, placement, connector, storeName, sharedWith: ['outbound'] })
    .addSource('messages', topics.messages, { keySerde: Serdes.string(), valueSerde: serdes.message })
    .addProcessor('outbound', outboundProcessor(connector, storeName, options.channels, options.outbound ?? {}, options.logger ?? silentLogger), 'messages')
    .build();
}
