// GENERATED — DO NOT EDIT. Source: libs/schemas/avro/webhook.avsc. Regenerate with `nx run schemas:generate`.
import type { AvroRecordSchema } from '../avro-schema';

/** Symbols of the Avro enum WebhookStatus. */
export const webhookStatusValues = ['SUBSCRIBED', 'UNSUBSCRIBED'] as const;
/** Avro enum WebhookStatus. */
export type WebhookStatus = (typeof webhookStatusValues)[number];

/** An outbound webhook subscription. Key: webhook id. */
export interface Webhook {
  id: string;
  name?: null | string;
  /** URL events are POSTed to. */
  endpoint: string;
  /** Event types delivered (message.created, conversation.updated...); empty means all. */
  events?: Array<string>;
  /** Extra HTTP headers sent with every request. */
  headers?: Record<string, string>;
  /** HMAC-SHA256 key for the content signature header; never returned by the API. */
  signatureKey?: null | string;
  status: WebhookStatus;
  /** Events older than this are never delivered (no history replay after a reset). Epoch milliseconds (Avro long, timestamp-millis). */
  subscribedAt: number;
}

/** Avro schema of {@link Webhook} (platform.avro.Webhook), as registered in the schema registry. */
export const webhookSchema: AvroRecordSchema = {
  "type": "record",
  "name": "Webhook",
  "namespace": "platform.avro",
  "doc": "An outbound webhook subscription. Key: webhook id.",
  "fields": [
    {
      "name": "id",
      "type": "string"
    },
    {
      "name": "name",
      "type": [
        "null",
        "string"
      ],
      "default": null
    },
    {
      "name": "endpoint",
      "type": "string",
      "doc": "URL events are POSTed to."
    },
    {
      "name": "events",
      "type": {
        "type": "array",
        "items": "string"
      },
      "default": [],
      "doc": "Event types delivered (message.created, conversation.updated...); empty means all."
    },
    {
      "name": "headers",
      "type": {
        "type": "map",
        "values": "string"
      },
      "default": {},
      "doc": "Extra HTTP headers sent with every request."
    },
    {
      "name": "signatureKey",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "HMAC-SHA256 key for the content signature header; never returned by the API."
    },
    {
      "name": "status",
      "type": {
        "type": "enum",
        "name": "WebhookStatus",
        "symbols": [
          "SUBSCRIBED",
          "UNSUBSCRIBED"
        ]
      }
    },
    {
      "name": "subscribedAt",
      "type": {
        "type": "long",
        "logicalType": "timestamp-millis"
      },
      "doc": "Events older than this are never delivered (no history replay after a reset)."
    }
  ]
};
