import { bodySchema, channelPayload, maxIdLength, maxNameLength, maxUrlLength, MetadataKeys, metadataUpsert, validateBody, type ChannelPayload, type MetadataChange, type MetadataObject } from '@platform/chat-domain';
import type { ChatWriter, GlobalTable, WritePosition } from '@platform/chat-streams';
import type { SecretBox } from '@platform/connector-kit';
import type { Channel } from '@platform/schemas';
import { MetaChannelNotFoundError, MetaRequestError } from './errors';
import { FACEBOOK, INSTAGRAM, metaChannelId, sealCredentials, type MetaCredentials, type MetaSource } from './meta-channels';

const graphId = { type: 'string', required: true, maxLength: 32, pattern: /^[0-9]{1,32}$/, patternMessage: 'must be a numeric Meta id' } as const;
const token = { type: 'string', required: true, maxLength: 4096 } as const;
const display = { name: { type: 'string', maxLength: maxNameLength }, image_url: { type: 'string', maxLength: maxUrlLength } } as const;

/** Airy's request bodies (reference §2.5). */
export const facebookConnectSchema = bodySchema({ page_id: graphId, page_token: token, ...display });
export const instagramConnectSchema = bodySchema({ page_id: graphId, page_token: token, account_id: graphId, ...display });
export const whatsappConnectSchema = bodySchema({ phone_number_id: graphId, user_token: token, ...display });
export const disconnectSchema = bodySchema({ channel_id: { type: 'string', required: true, maxLength: maxIdLength } });

export interface Written<T> {
  readonly value: T;
  readonly position: WritePosition;
}

export interface MetaChannelsOptions {
  readonly writer: Pick<ChatWriter, 'writeChannel' | 'writeMetadata'>;
  readonly channels: Pick<GlobalTable<Channel>, 'get' | 'waitForPosition'>;
  readonly box: SecretBox | undefined;
  readonly now?: () => number;
}

/** Connect and disconnect of Messenger, Instagram and WhatsApp Cloud channels; tokens sealed into `Channel.token`. */
export class MetaChannels {
  constructor(private readonly options: MetaChannelsOptions) {}

  /** Channel UUIDv5(source, id) (Airy's), CONNECTED, its token sealed (AES-256-GCM); connecting again updates it. */
  async connect(source: MetaSource, body: unknown): Promise<Written<ChannelPayload>> {
    const box = this.options.box;
    if (!box) throw new MetaRequestError('connecting needs META_CREDENTIALS_KEYS configured (tokens are never stored in plain text)');
    let sourceChannelId: string;
    let credentials: MetaCredentials;
    let request: { name?: string | undefined; image_url?: string | undefined };
    if (source === FACEBOOK) {
      const checked = validateBody(body, facebookConnectSchema);
      if (!checked.ok) throw new MetaRequestError(checked.message);
      request = checked.value;
      sourceChannelId = checked.value.page_id;
      credentials = { token: checked.value.page_token };
    } else if (source === INSTAGRAM) {
      const checked = validateBody(body, instagramConnectSchema);
      if (!checked.ok) throw new MetaRequestError(checked.message);
      request = checked.value;
      sourceChannelId = checked.value.account_id;
      credentials = { token: checked.value.page_token, pageId: checked.value.page_id };
    } else {
      const checked = validateBody(body, whatsappConnectSchema);
      if (!checked.ok) throw new MetaRequestError(checked.message);
      request = checked.value;
      sourceChannelId = checked.value.phone_number_id;
      credentials = { token: checked.value.user_token };
    }
    const id = metaChannelId(source, sourceChannelId);
    const now = (this.options.now ?? Date.now)();
    const existing = this.options.channels.get(id);
    const channel: Channel = { id, source, sourceChannelId, connectionState: 'CONNECTED', token: sealCredentials(box, id, credentials), createdAt: existing?.createdAt ?? now };
    const subject = { kind: 'channel' as const, id };
    const metadata: MetadataObject = {};
    const changes: MetadataChange[] = [];
    if (request.name !== undefined) {
      metadata[MetadataKeys.name] = request.name;
      changes.push(metadataUpsert(subject, MetadataKeys.name, request.name, now));
    }
    if (request.image_url !== undefined) {
      metadata[MetadataKeys.imageUrl] = request.image_url;
      changes.push(metadataUpsert(subject, MetadataKeys.imageUrl, request.image_url, now));
    }
    if (changes.length > 0) await this.options.writer.writeMetadata(subject, changes);
    const position = await this.write(channel);
    return { value: channelPayload(channel, metadata), position };
  }

  /** DISCONNECTED, token dropped (idempotent); 404 for an unknown channel or one of another source. */
  async disconnect(source: MetaSource, body: unknown): Promise<Written<ChannelPayload>> {
    const checked = validateBody(body, disconnectSchema);
    if (!checked.ok) throw new MetaRequestError(checked.message);
    const channel = this.options.channels.get(checked.value.channel_id);
    if (channel?.source !== source) throw new MetaChannelNotFoundError(`${source} channel ${checked.value.channel_id} not found`);
    const disconnected: Channel = { ...channel, connectionState: 'DISCONNECTED', token: null };
    const position = await this.write(disconnected);
    return { value: channelPayload(disconnected), position };
  }

  private async write(channel: Channel): Promise<WritePosition> {
    const position = await this.options.writer.writeChannel(channel);
    // Read-your-writes: webhooks and sends of this instance see the new state right after the answer.
    await this.options.channels.waitForPosition(position.partition, position.offset, 5000);
    return position;
  }
}
