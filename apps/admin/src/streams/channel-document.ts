import { applyMetadataEntry, assembleMetadata, channelPayload, type ChannelPayload, type MetadataEntries } from '@platform/chat-domain';
import type { Channel, Metadata } from '@platform/schemas';

/**
 * What the `channels` store holds per channel id: the latest channel record (null until it
 * arrives, or after a tombstone) and the channel's metadata facts by record id. Facts may arrive
 * before the channel itself; such a document is not a channel yet for the API.
 */
export interface ChannelDocument {
  readonly channel: Channel | null;
  readonly metadata: MetadataEntries;
}

export const emptyChannelDocument: ChannelDocument = { channel: null, metadata: {} };

/** The document with a new channel record (or tombstone); undefined when nothing is left to keep. */
export function withChannel(document: ChannelDocument | undefined, channel: Channel | null): ChannelDocument | undefined {
  const next = { ...(document ?? emptyChannelDocument), channel };
  return isEmpty(next) ? undefined : next;
}

/** The document with one channel metadata fact applied (a null record is a tombstone). */
export function withMetadata(document: ChannelDocument | undefined, recordId: string, record: Metadata | null): ChannelDocument | undefined {
  const current = document ?? emptyChannelDocument;
  const next = { ...current, metadata: applyMetadataEntry(current.metadata, recordId, record) };
  return isEmpty(next) ? undefined : next;
}

function isEmpty(document: ChannelDocument): boolean {
  return document.channel === null && Object.keys(document.metadata).length === 0;
}

/** Airy's channel payload of a stored document; undefined while the channel record is missing. */
export function channelDocumentPayload(document: ChannelDocument | undefined): ChannelPayload | undefined {
  if (!document?.channel) return undefined;
  return channelPayload(document.channel, assembleMetadata(Object.values(document.metadata)));
}
