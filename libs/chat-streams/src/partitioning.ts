import type { Message, Metadata, ReadReceipt } from '@platform/schemas';
import { partitionForKey, type Partitioner } from '@platform/streams';
import { PartitioningError } from './errors';

/**
 * Placement of chat records. Every record of the communication co-partition group is placed by the
 * id of the conversation it belongs to (whatever its Kafka key), so one task holds a conversation's
 * messages, metadata and read receipts, and `metadataForKey(store, conversationId)` finds it:
 *
 * - Message, ReadReceipt → `conversationId`
 * - Metadata about a conversation or a channel (or contact, component) → its identifier
 * - Metadata about a message → the message's conversation id (the writer must know it)
 * - Channel, Tag, Template → their key (the producer's default)
 *
 * Kafka keys stay Airy's (message id, metadata record id) so compaction keeps one record per entity;
 * a record's partition never changes because its conversation never does.
 */
export function placementPartition(placementKey: string, partitions: number): number {
  return partitionForKey(Buffer.from(placementKey, 'utf8'), partitions);
}

/** Placement key of a metadata record; message facts need the message's conversation id. */
export function metadataPlacementKey(subject: Pick<Metadata, 'subject' | 'identifier'>, messageConversationId?: string): string {
  if (subject.subject !== 'message') return subject.identifier;
  if (!messageConversationId) {
    throw new PartitioningError(`metadata about message ${subject.identifier} needs the message's conversation id to be placed`);
  }
  return messageConversationId;
}

/** Sink partitioner for topologies writing Message or ReadReceipt records: by conversation id. */
export const byConversation: Partitioner = (_key, value, numPartitions) => {
  const conversationId = (value as Partial<Message & ReadReceipt> | null)?.conversationId;
  if (typeof conversationId !== 'string') throw new PartitioningError('a record placed by conversation has no conversationId');
  return placementPartition(conversationId, numPartitions);
};

/** Sink partitioner for topologies writing Metadata about conversations, channels or contacts (not messages, not tombstones). */
export const byMetadataSubject: Partitioner = (_key, value, numPartitions) => {
  const record = value as Metadata | null;
  if (!record) throw new PartitioningError('a metadata tombstone cannot be placed by its value; write it with ChatWriter');
  return placementPartition(metadataPlacementKey(record), numPartitions);
};
