import { conversationStateSerde, type ChatSerdes } from '@platform/chat-streams';
import type { SendGuard } from '@platform/common';
import { Serdes, Stores, Topology, type TopologySpec } from '@platform/streams';
import type { MetadataEntries } from '@platform/chat-domain';
import type { Channel, Message } from '@platform/schemas';
import type { WebhookEvent } from '../events/webhook-event';
import type { DeadLetter, LaneJob, LaneState, Outcome, PartitionStatus } from '../delivery/lane';
import { DeliveryOutputs, DeliveryProcessor, DeliveryStores, type DeliveryProcessorOptions } from './delivery-processor';
import { EventDeriver, EventStores, TagEventDeriver } from './event-topology';

/** Resolved names of the topics the webhooks app reads and writes. */
export interface WebhooksTopics {
  readonly messages: string;
  readonly metadata: string;
  readonly channels: string;
  readonly tags: string;
  readonly subscriptions: string;
  readonly events: string;
  readonly outcomes: string;
  readonly status: string;
  readonly deadLetters: string;
}

const key = Serdes.string();

/**
 * Three subtopologies:
 * - messages + metadata + channels (co-partitioned by conversation / channel) → EventDeriver → events;
 * - tags → TagEventDeriver → events;
 * - events + outcomes (co-partitioned) → DeliveryProcessor → dead letters, status.
 * `eventWrites` (blue/green, `sendEpochWriter`): the event times whose events this version writes.
 */
export function webhooksTopology(
  topics: WebhooksTopics,
  serdes: Pick<ChatSerdes, 'message' | 'metadata' | 'channel' | 'tag'>,
  delivery: Omit<DeliveryProcessorOptions, 'eventsTopic'>,
  eventWrites?: SendGuard,
): TopologySpec {
  const event = Serdes.json<WebhookEvent>();
  return new Topology()
    .addSource('messages-source', topics.messages, { keySerde: key, valueSerde: serdes.message })
    .addSource('metadata-source', topics.metadata, { keySerde: key, valueSerde: serdes.metadata })
    .addSource('channels-source', topics.channels, { keySerde: key, valueSerde: serdes.channel })
    .addProcessor('event-deriver', () => new EventDeriver(topics, eventWrites), 'messages-source', 'metadata-source', 'channels-source')
    .addStateStore(Stores.keyValue(EventStores.conversations, key, conversationStateSerde()), 'event-deriver')
    .addStateStore(Stores.keyValue(EventStores.messages, key, Serdes.json<Message>()), 'event-deriver')
    .addStateStore(Stores.keyValue(EventStores.messageMetadata, key, Serdes.json<MetadataEntries>()), 'event-deriver')
    .addStateStore(Stores.keyValue(EventStores.channels, key, Serdes.json<Channel>()), 'event-deriver')
    .addStateStore(Stores.keyValue(EventStores.channelMetadata, key, Serdes.json<MetadataEntries>()), 'event-deriver')
    .addStateStore(Stores.keyValue(EventStores.metadataIndex, key, Serdes.json<{ subject: string; identifier: string }>()), 'event-deriver')
    .addSink('events-sink', topics.events, { keySerde: key, valueSerde: event }, 'event-deriver')
    .addSource('tags-source', topics.tags, { keySerde: key, valueSerde: serdes.tag })
    .addProcessor('tag-event-deriver', () => new TagEventDeriver(eventWrites), 'tags-source')
    .addSink('tag-events-sink', topics.events, { keySerde: key, valueSerde: event }, 'tag-event-deriver')
    .addSource('events-source', topics.events, { keySerde: key, valueSerde: event })
    .addSource('outcomes-source', topics.outcomes, { keySerde: key, valueSerde: Serdes.json<Outcome>() })
    .addProcessor('delivery', () => new DeliveryProcessor({ ...delivery, eventsTopic: topics.events }), 'events-source', 'outcomes-source')
    .addStateStore(Stores.keyValue(DeliveryStores.lanes, key, Serdes.json<LaneState>()), 'delivery')
    .addStateStore(Stores.keyValue(DeliveryStores.jobs, key, Serdes.json<LaneJob>()), 'delivery')
    .addStateStore(Stores.keyValue(DeliveryStores.status, key, Serdes.json<PartitionStatus>()), 'delivery')
    .addSink(DeliveryOutputs.deadLetters, topics.deadLetters, { keySerde: key, valueSerde: Serdes.json<DeadLetter>() }, 'delivery')
    .addSink(DeliveryOutputs.status, topics.status, { keySerde: key, valueSerde: Serdes.json<PartitionStatus>() }, 'delivery')
    .build();
}
