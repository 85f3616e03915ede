import type { ChannelPayload } from '@platform/chat-domain';
import { channelDocumentPayload, type ChannelDocument } from '../streams/channel-document';

/** One replica's part of `channels.list`: its channels and the partitions they come from. */
export interface ChannelListPart {
  readonly data: ChannelPayload[];
  readonly partitions: readonly number[];
}

/**
 * `channels.list` lists the connected channels only (Airy §2.5: "connected channels"); a
 * disconnected channel is still answered by `channels.info` with `connected: false`.
 */
export function listableChannels(documents: readonly ChannelDocument[], source: string | undefined): ChannelPayload[] {
  const out: ChannelPayload[] = [];
  for (const document of documents) {
    const payload = channelDocumentPayload(document);
    if (!payload?.connected) continue;
    if (source !== undefined && payload.source !== source) continue;
    out.push(payload);
  }
  return out.sort(compareChannels);
}

/** By display name (case-insensitive), then id: the same order whichever replicas answered. */
export function compareChannels(a: ChannelPayload, b: ChannelPayload): number {
  const an = channelName(a);
  const bn = channelName(b);
  if (an !== bn) return an < bn ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function channelName(channel: ChannelPayload): string {
  const name = channel.metadata.name;
  return (typeof name === 'string' ? name : channel.source_channel_id).toLowerCase();
}

/** The merged, ordered list of every part; a channel answered twice (a task that moved between two calls) counts once. */
export function mergeChannelParts(parts: readonly ChannelListPart[]): ChannelPayload[] {
  const byId = new Map<string, ChannelPayload>();
  for (const channel of parts.flatMap((p) => p.data)) byId.set(channel.id, channel);
  return [...byId.values()].sort(compareChannels);
}
