// GENERATED — DO NOT EDIT. Source: libs/schemas/avro/message.avsc. Regenerate with `nx run schemas:generate`.
import type { AvroRecordSchema } from '../avro-schema';

/** Symbols of the Avro enum DeliveryState. */
export const deliveryStateValues = ['PENDING', 'DELIVERED', 'FAILED'] as const;
/** Avro enum DeliveryState. */
export type DeliveryState = (typeof deliveryStateValues)[number];

/** One message of a conversation, inbound or outbound. Key: message id. Re-published with the same id when its delivery state changes. */
export interface Message {
  /** Message id (deterministic for inbound messages so provider retries de-duplicate). */
  id: string;
  conversationId: string;
  channelId: string;
  /** Source id of the channel (chatplugin, twilio.sms...). */
  source: string;
  /** Contact's id at the source, user id, or bot id. */
  senderId: string;
  /** True for inbound messages written by the contact. */
  isFromContact: boolean;
  /** PENDING when created by the API; the source connector moves it to DELIVERED or FAILED. */
  deliveryState: DeliveryState;
  /** Source-specific payload serialized as a JSON string (raw text for non-JSON sources). */
  content: string;
  /** When the message was sent (epoch millis). */
  sentAt: number;
  /** When the delivery state last changed; null for a message never updated. Epoch milliseconds (Avro long, timestamp-millis). */
  updatedAt?: null | number;
  /** Recipient at the source, only for outbound messages that start a new conversation. */
  sourceRecipientId?: null | string;
  /** Source-specific extras (postback.payload, postback.referral...). */
  headers?: Record<string, string>;
}

/** Avro schema of {@link Message} (platform.avro.Message), as registered in the schema registry. */
export const messageSchema: AvroRecordSchema = {
  "type": "record",
  "name": "Message",
  "namespace": "platform.avro",
  "doc": "One message of a conversation, inbound or outbound. Key: message id. Re-published with the same id when its delivery state changes.",
  "fields": [
    {
      "name": "id",
      "type": "string",
      "doc": "Message id (deterministic for inbound messages so provider retries de-duplicate)."
    },
    {
      "name": "conversationId",
      "type": "string"
    },
    {
      "name": "channelId",
      "type": "string"
    },
    {
      "name": "source",
      "type": "string",
      "doc": "Source id of the channel (chatplugin, twilio.sms...)."
    },
    {
      "name": "senderId",
      "type": "string",
      "doc": "Contact's id at the source, user id, or bot id."
    },
    {
      "name": "isFromContact",
      "type": "boolean",
      "doc": "True for inbound messages written by the contact."
    },
    {
      "name": "deliveryState",
      "type": {
        "type": "enum",
        "name": "DeliveryState",
        "symbols": [
          "PENDING",
          "DELIVERED",
          "FAILED"
        ]
      },
      "doc": "PENDING when created by the API; the source connector moves it to DELIVERED or FAILED."
    },
    {
      "name": "content",
      "type": "string",
      "doc": "Source-specific payload serialized as a JSON string (raw text for non-JSON sources)."
    },
    {
      "name": "sentAt",
      "type": {
        "type": "long",
        "logicalType": "timestamp-millis"
      },
      "doc": "When the message was sent (epoch millis)."
    },
    {
      "name": "updatedAt",
      "type": [
        "null",
        {
          "type": "long",
          "logicalType": "timestamp-millis"
        }
      ],
      "default": null,
      "doc": "When the delivery state last changed; null for a message never updated."
    },
    {
      "name": "sourceRecipientId",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "Recipient at the source, only for outbound messages that start a new conversation."
    },
    {
      "name": "headers",
      "type": {
        "type": "map",
        "values": "string"
      },
      "default": {},
      "doc": "Source-specific extras (postback.payload, postback.referral...)."
    }
  ]
};
