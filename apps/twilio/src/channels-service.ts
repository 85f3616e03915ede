import { bodySchema, channelPayload, maxIdLength, maxNameLength, maxUrlLength, MetadataKeys, metadataUpsert, validateBody, type ChannelPayload, type MetadataObject } from '@platform/chat-domain';
import type { ChatWriter, GlobalTable, WritePosition } from '@platform/chat-streams';
import type { SecretBox } from '@platform/connector-kit';
import type { Channel } from '@platform/schemas';
import { TwilioChannelNotFoundError, TwilioRequestError } from './errors';
import { sealCredentials, twilioChannelIdentity, type TwilioCredentials, type TwilioSource } from './twilio-channels';

/** `channels.twilio.<sms|whatsapp>.connect`: Airy's fields, plus optional per-channel credentials. */
export const connectSchema = bodySchema({
  phone_number: { type: 'string', required: true, maxLength: 64 },
  name: { type: 'string', required: true, maxLength: maxNameLength },
  image_url: { type: 'string', maxLength: maxUrlLength },
  account_sid: { type: 'string', maxLength: 64, pattern: /^AC[0-9a-fA-F]{32}$/, patternMessage: 'must be a Twilio account sid (AC + 32 hex digits)' },
  auth_token: { type: 'string', maxLength: 128 },
});
export const disconnectSchema = bodySchema({ channel_id: { type: 'string', required: true, maxLength: maxIdLength } });

export interface Written<T> {
  readonly value: T;
  readonly position: WritePosition;
}

export interface TwilioChannelsOptions {
  readonly writer: Pick<ChatWriter, 'writeChannel' | 'writeMetadata'>;
  readonly channels: Pick<GlobalTable<Channel>, 'get' | 'waitForPosition'>;
  readonly box: SecretBox | undefined;
  readonly defaultAccount: TwilioCredentials | undefined;
  readonly now?: () => number;
}

/** Connect and disconnect of Twilio SMS and WhatsApp channels. */
export class TwilioChannels {
  constructor(private readonly options: TwilioChannelsOptions) {}

  /**
   * Channel id UUIDv5(source, number) (Airy's), CONNECTED, name/image as channel metadata. Credentials
   * given here are sealed into `token` (AES-256-GCM); without them the configured account is used.
   * Connecting again updates the channel (and re-seals its credentials with the current key).
   */
  async connect(source: TwilioSource, body: unknown): Promise<Written<ChannelPayload>> {
    const checked = validateBody(body, connectSchema);
    if (!checked.ok) throw new TwilioRequestError(checked.message);
    const request = checked.value;
    const { id, sourceChannelId } = twilioChannelIdentity(source, request.phone_number);
    if ((request.account_sid === undefined) !== (request.auth_token === undefined)) throw new TwilioRequestError('account_sid and auth_token go together');
    let token: string | null = null;
    if (request.account_sid !== undefined && request.auth_token !== undefined) {
      if (!this.options.box) throw new TwilioRequestError('per-channel credentials need TWILIO_CREDENTIALS_KEYS configured (they are never stored in plain text)');
      token = sealCredentials(this.options.box, id, { accountSid: request.account_sid, authToken: request.auth_token });
    } else if (!this.options.defaultAccount) {
      throw new TwilioRequestError('account_sid and auth_token are required: no default Twilio account is configured');
    }
    const now = (this.options.now ?? Date.now)();
    const existing = this.options.channels.get(id);
    const channel: Channel = { id, source, sourceChannelId, connectionState: 'CONNECTED', token, createdAt: existing?.createdAt ?? now };
    const subject = { kind: 'channel' as const, id };
    const metadata: MetadataObject = { [MetadataKeys.name]: request.name };
    const changes = [metadataUpsert(subject, MetadataKeys.name, request.name, now)];
    if (request.image_url !== undefined) {
      metadata[MetadataKeys.imageUrl] = request.image_url;
      changes.push(metadataUpsert(subject, MetadataKeys.imageUrl, request.image_url, now));
    }
    await this.options.writer.writeMetadata(subject, changes);
    const position = await this.write(channel);
    return { value: channelPayload(channel, metadata), position };
  }

  /** DISCONNECTED, credentials dropped (idempotent); 404 for an unknown channel or one of another source. */
  async disconnect(source: TwilioSource, body: unknown): Promise<Written<ChannelPayload>> {
    const checked = validateBody(body, disconnectSchema);
    if (!checked.ok) throw new TwilioRequestError(checked.message);
    const channel = this.options.channels.get(checked.value.channel_id);
    if (channel?.source !== source) throw new TwilioChannelNotFoundError(`${source} channel ${checked.value.channel_id} not found`);
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
