import { bodySchema, channelId, channelPayload, flattenMetadata, maxChannelMetadataBytes, maxIdLength, maxNameLength, MetadataKeys, metadataUpsert, nullObject, validateBody, type ChannelPayload, type MetadataObject } from '@platform/chat-domain';
import type { ChatWriter, GlobalTable } from '@platform/chat-streams';
import type { Channel, Source } from '@platform/schemas';
import { SourcesRequestError } from './errors';

const createSchema = bodySchema({
  source_channel_id: { type: 'string', required: true, maxLength: maxIdLength },
  name: { type: 'string', required: true, maxLength: maxNameLength },
  metadata: { type: 'object', maxBytes: maxChannelMetadataBytes / 2, sizeLabel: 'metadata' },
});
const disconnectSchema = bodySchema({ channel_id: { type: 'string', required: true, maxLength: maxIdLength } });

export interface SourceChannelsOptions {
  readonly writer: Pick<ChatWriter, 'writeChannel' | 'writeMetadata'>;
  readonly channels: Pick<GlobalTable<Channel>, 'get' | 'entries' | 'waitForPosition'>;
  readonly now?: () => number;
}

/** `sources.channels.create/list/disconnect` (source token): a source manages its own channels only. */
export class SourceChannels {
  constructor(private readonly options: SourceChannelsOptions) {}

  /** Channel UUIDv5(source id, source_channel_id), CONNECTED; name and `metadata` (flattened) as channel metadata. */
  async create(source: Source, body: unknown): Promise<ChannelPayload> {
    const checked = validateBody(body, createSchema);
    if (!checked.ok) throw new SourcesRequestError(400, checked.message);
    const request = checked.value;
    const id = channelId(source.id, request.source_channel_id);
    const existing = this.options.channels.get(id);
    if (existing && existing.source !== source.id) throw new SourcesRequestError(403, `channel ${id} belongs to another source`);
    const now = (this.options.now ?? Date.now)();
    const subject = { kind: 'channel' as const, id };
    let facts: { key: string; value: MetadataObject[string] }[];
    try {
      facts = flattenMetadata((request.metadata ?? {}) as MetadataObject, '').filter((fact) => fact.key !== MetadataKeys.name);
    } catch (error) {
      throw new SourcesRequestError(400, `metadata: ${error instanceof Error ? error.message : String(error)}`);
    }
    facts.push({ key: MetadataKeys.name, value: request.name });
    await this.options.writer.writeMetadata(subject, facts.map((fact) => metadataUpsert(subject, fact.key, fact.value, now)));
    const channel: Channel = { id, source: source.id, sourceChannelId: request.source_channel_id, connectionState: 'CONNECTED', token: null, createdAt: existing?.createdAt ?? now };
    await this.write(channel);
    const metadata = nullObject<MetadataObject[string]>();
    for (const fact of facts) if (!fact.key.includes('.')) metadata[fact.key] = fact.value;
    return channelPayload(channel, metadata);
  }

  /** The source's connected channels. */
  list(source: Source): { data: ChannelPayload[] } {
    const data = [...this.options.channels.entries()]
      .map(([, channel]) => channel)
      .filter((channel) => channel.source === source.id && channel.connectionState === 'CONNECTED')
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((channel) => channelPayload(channel));
    return { data };
  }

  /** DISCONNECTED (webhooks for it answer 403, its PENDING messages are FAILED without a call); 404 unknown, 403 another source's. */
  async disconnect(source: Source, body: unknown): Promise<void> {
    const checked = validateBody(body, disconnectSchema);
    if (!checked.ok) throw new SourcesRequestError(400, checked.message);
    const channel = this.options.channels.get(checked.value.channel_id);
    if (!channel) throw new SourcesRequestError(404, `channel ${checked.value.channel_id} not found`);
    if (channel.source !== source.id) throw new SourcesRequestError(403, `channel ${channel.id} belongs to another source`);
    await this.write({ ...channel, connectionState: 'DISCONNECTED' });
  }

  private async write(channel: Channel): Promise<void> {
    const position = await this.options.writer.writeChannel(channel);
    await this.options.channels.waitForPosition(position.partition, position.offset, 5000);
  }
}
