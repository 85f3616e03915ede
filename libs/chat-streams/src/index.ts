// Public API of @platform/chat-streams: how the chat apps read and write the communication topics.
export { ChatStreamsError, PartitioningError, WriteError } from './errors';
export { chatTopics, withActualPartitions } from './chat-topics';
export type { ChatTopics } from './chat-topics';
export { chatSerdes } from './serdes';
export type { ChatSerdes } from './serdes';
export { placementPartition, metadataPlacementKey, byConversation, byMetadataSubject } from './partitioning';
export { ChatWriter } from './writer';
export type { WritePosition } from './writer';
export { GlobalTable } from './global-table';
export type { GlobalTableOptions } from './global-table';
