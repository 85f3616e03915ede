import { channelId } from '@platform/chat-domain';
import type { ChatWriter } from '@platform/chat-streams';
import type { ChannelLookup } from '@platform/connector-kit';
import type { Source } from '@platform/schemas';
import { SourcesRequestError } from './errors';
import { webhookEvents } from './source-events';

export interface SourceWebhookOptions {
  /** `source.sources.events`, resolved with the namespace. */
  readonly topic: string;
  readonly writer: Pick<ChatWriter, 'writeRaw'>;
  readonly channels: ChannelLookup;
}

/**
 * `sources.webhook`: validates the whole batch first (400 naming the item; 400 for a channel the source
 * does not have, 403 for a disconnected one: disconnecting stops ingestion), then writes one raw record
 * per item to `source.sources.events`, placed by its conversation. Nothing is written for a refused batch;
 * a broker failure midway leaves a prefix written, and posting the batch again is harmless (ids are
 * deterministic, the router drops messages it has routed).
 */
export class SourceWebhook {
  constructor(private readonly options: SourceWebhookOptions) {}

  async accept(source: Source, body: unknown): Promise<void> {
    const events = webhookEvents(source.id, body);
    for (const placed of events) {
      const channel = this.options.channels.get(channelId(source.id, placed.sourceChannelId));
      if (!channel || channel.source !== source.id) throw new SourcesRequestError(400, `${placed.label}.source_channel_id: source ${source.id} has no channel ${placed.sourceChannelId}`);
      if (channel.connectionState !== 'CONNECTED') throw new SourcesRequestError(403, `${placed.label}.source_channel_id: channel ${placed.sourceChannelId} is disconnected`);
    }
    for (const placed of events) {
      await this.options.writer.writeRaw(this.options.topic, placed.key, Buffer.from(JSON.stringify(placed.event), 'utf8'), placed.placementKey);
    }
  }
}
