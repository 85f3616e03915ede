// GENERATED — DO NOT EDIT. Source: libs/schemas/avro/source.avsc. Regenerate with `nx run schemas:generate`.
import type { AvroRecordSchema } from '../avro-schema';

/** A custom source registered through the source API. Key: source id. */
export interface Source {
  id: string;
  /** SHA-256 hex of the source token; the token itself is shown once and never stored. */
  tokenHash: string;
  name?: null | string;
  imageUrl?: null | string;
  /** URL outbound messages are forwarded to. */
  actionEndpoint?: null | string;
  /** Epoch milliseconds (Avro long, timestamp-millis). */
  createdAt: number;
}

/** Avro schema of {@link Source} (platform.avro.Source), as registered in the schema registry. */
export const sourceSchema: AvroRecordSchema = {
  "type": "record",
  "name": "Source",
  "namespace": "platform.avro",
  "doc": "A custom source registered through the source API. Key: source id.",
  "fields": [
    {
      "name": "id",
      "type": "string"
    },
    {
      "name": "tokenHash",
      "type": "string",
      "doc": "SHA-256 hex of the source token; the token itself is shown once and never stored."
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
      "name": "imageUrl",
      "type": [
        "null",
        "string"
      ],
      "default": null
    },
    {
      "name": "actionEndpoint",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "URL outbound messages are forwarded to."
    },
    {
      "name": "createdAt",
      "type": {
        "type": "long",
        "logicalType": "timestamp-millis"
      }
    }
  ]
};
