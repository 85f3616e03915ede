// Public API of @platform/chat-streams: how the chat apps read and write the communication topics.
export { BrokerUnavailableError, ChatStreamsError, PartitioningError, WriteError } from './errors';
export { isBrokerUnavailable } from './broker-failure';
export { chatTopics, withActualPartitions } from './chat-topics';
export type { ChatTopics } from './chat-topics';
export { chatSerdes } from './serdes';
export type { ChatSerdes } from './serdes';
export { placementPartition, metadataPlacementKey, byConversation, byMetadataSubject } from './partitioning';
export { ChatWriter, defaultWriteTimeoutMs } from './writer';
export type { ChatWriterOptions, WritePosition } from './writer';
export { GlobalTable } from './global-table';
export type { GlobalTableOptions } from './global-table';
export { sendEpochTable, SEND_EPOCHS_TOPIC } from './send-epoch-table';
export type { SendEpochTableOptions } from './send-epoch-table';
export { conversationStateSerde } from './conversation-state-serde';
