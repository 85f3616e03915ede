// GENERATED — DO NOT EDIT. Source: libs/schemas/avro/channel.avsc. Regenerate with `nx run schemas:generate`.
import type { AvroRecordSchema } from '../avro-schema';

/** Symbols of the Avro enum ChannelConnectionState. */
export const channelConnectionStateValues = ['CONNECTED', 'DISCONNECTED'] as const;
/** Avro enum ChannelConnectionState. */
export type ChannelConnectionState = (typeof channelConnectionStateValues)[number];

/** A connected (or disconnected) account at a messaging source. Key: channel id. */
export interface Channel {
  /** Channel id (deterministic UUIDv5 of source + sourceChannelId for provider sources). */
  id: string;
  /** Source id: chatplugin, facebook, instagram, google, twilio.sms, twilio.whatsapp, viber, whatsapp or a custom source id. */
  source: string;
  /** The channel's id at the source (page id, phone number, chat plugin name...). */
  sourceChannelId: string;
  /** Disconnected channels neither ingest nor send. */
  connectionState: ChannelConnectionState;
  /** Source access token (page token...), null once disconnected. */
  token?: null | string;
  /** When the channel was first connected (epoch millis). */
  createdAt?: null | number;
}

/** Avro schema of {@link Channel} (platform.avro.Channel), as registered in the schema registry. */
export const channelSchema: AvroRecordSchema = {
  "type": "record",
  "name": "Channel",
  "namespace": "platform.avro",
  "doc": "A connected (or disconnected) account at a messaging source. Key: channel id.",
  "fields": [
    {
      "name": "id",
      "type": "string",
      "doc": "Channel id (deterministic UUIDv5 of source + sourceChannelId for provider sources)."
    },
    {
      "name": "source",
      "type": "string",
      "doc": "Source id: chatplugin, facebook, instagram, google, twilio.sms, twilio.whatsapp, viber, whatsapp or a custom source id."
    },
    {
      "name": "sourceChannelId",
      "type": "string",
      "doc": "The channel's id at the source (page id, phone number, chat plugin name...)."
    },
    {
      "name": "connectionState",
      "type": {
        "type": "enum",
        "name": "ChannelConnectionState",
        "symbols": [
          "CONNECTED",
          "DISCONNECTED"
        ]
      },
      "doc": "Disconnected channels neither ingest nor send."
    },
    {
      "name": "token",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "Source access token (page token...), null once disconnected."
    },
    {
      "name": "createdAt",
      "type": [
        "null",
        {
          "type": "long",
          "logicalType": "timestamp-millis"
        }
      ],
      "default": null,
      "doc": "When the channel was first connected (epoch millis)."
    }
  ]
};
