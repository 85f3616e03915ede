import type { MetadataEntries } from '@platform/chat-domain';
import { conversationStateSerde, type ChatSerdes, type ChatTopics } from '@platform/chat-streams';
import type { Message } from '@platform/schemas';
import { Serdes, Stores, Topology, type TopologySpec } from '@platform/streams';
import { MessageProcessor, MetadataProcessor, ReadReceiptProcessor, type ProcessorHooks } from './conversation-processors';
import { CommunicationStores } from './stores';

/** The topic serdes the topology reads with (the registry's Avro serdes in production). */
export type CommunicationTopicSerdes = Pick<ChatSerdes, 'message' | 'metadata' | 'readReceipt'>;

const key = Serdes.string();
const processors = ['messages-processor', 'metadata-processor', 'read-receipts-processor'] as const;

/**
 * One subtopology: messages, metadata and read receipts (co-partitioned, every record placed by the
 * conversation it belongs to — channel metadata by channel id) folded into the stores of stores.ts.
 * A task of partition p therefore holds whole conversations.
 */
export function communicationTopology(
  topics: Pick<ChatTopics, 'messages' | 'metadata' | 'readReceipts'>,
  serdes: CommunicationTopicSerdes,
  hooks: ProcessorHooks = {},
): TopologySpec {
  const { conversations, messages, messageIndex, messageMetadata, channelMetadata, metadataIndex } = CommunicationStores;
  return new Topology()
    .addSource('messages-source', topics.messages, { keySerde: key, valueSerde: serdes.message })
    .addSource('metadata-source', topics.metadata, { keySerde: key, valueSerde: serdes.metadata })
    .addSource('read-receipts-source', topics.readReceipts, { keySerde: key, valueSerde: serdes.readReceipt })
    .addProcessor('messages-processor', () => new MessageProcessor(hooks), 'messages-source')
    .addProcessor('metadata-processor', () => new MetadataProcessor(hooks), 'metadata-source')
    .addProcessor('read-receipts-processor', () => new ReadReceiptProcessor(hooks), 'read-receipts-source')
    .addStateStore(Stores.keyValue(conversations, key, conversationStateSerde()), ...processors)
    .addStateStore(Stores.keyValue(messages, key, Serdes.json<Message>()), ...processors)
    .addStateStore(Stores.keyValue(messageIndex, key, Serdes.string()), ...processors)
    .addStateStore(Stores.keyValue(messageMetadata, key, Serdes.json<MetadataEntries>()), ...processors)
    .addStateStore(Stores.keyValue(channelMetadata, key, Serdes.json<MetadataEntries>()), ...processors)
    .addStateStore(Stores.keyValue(metadataIndex, key, Serdes.string()), ...processors)
    .build();
}
