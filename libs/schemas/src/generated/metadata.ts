// GENERATED — DO NOT EDIT. Source: libs/schemas/avro/metadata.avsc. Regenerate with `nx run schemas:generate`.
import type { AvroRecordSchema } from '../avro-schema';

/** Symbols of the Avro enum MetadataValueType. */
export const metadataValueTypeValues = ['TEXT', 'NUMBER', 'BOOLEAN', 'OBJECT', 'ARRAY', 'NULL'] as const;
/** Avro enum MetadataValueType. */
export type MetadataValueType = (typeof metadataValueTypeValues)[number];

/** One key/value fact about a subject (conversation, message, channel, contact, component). Key: UUIDv5 of subject + identifier + key. A tombstone deletes the fact. */
export interface Metadata {
  /** Kind of thing described: conversation, message, channel, contact or component. */
  subject: string;
  /** Id of the thing described (conversation id, message id...). */
  identifier: string;
  /** Dotted key, e.g. contact.display_name, tags.<tagId>, state. */
  key: string;
  /** Value as a string; valueType says how to read it. */
  value: string;
  /** How to interpret value (NUMBER, BOOLEAN, OBJECT and ARRAY values are JSON). */
  valueType?: MetadataValueType;
  /** When the fact was written; later timestamps win when assembling. Epoch milliseconds (Avro long, timestamp-millis). */
  timestamp: number;
}

/** Avro schema of {@link Metadata} (platform.avro.Metadata), as registered in the schema registry. */
export const metadataSchema: AvroRecordSchema = {
  "type": "record",
  "name": "Metadata",
  "namespace": "platform.avro",
  "doc": "One key/value fact about a subject (conversation, message, channel, contact, component). Key: UUIDv5 of subject + identifier + key. A tombstone deletes the fact.",
  "fields": [
    {
      "name": "subject",
      "type": "string",
      "doc": "Kind of thing described: conversation, message, channel, contact or component."
    },
    {
      "name": "identifier",
      "type": "string",
      "doc": "Id of the thing described (conversation id, message id...)."
    },
    {
      "name": "key",
      "type": "string",
      "doc": "Dotted key, e.g. contact.display_name, tags.<tagId>, state."
    },
    {
      "name": "value",
      "type": "string",
      "doc": "Value as a string; valueType says how to read it."
    },
    {
      "name": "valueType",
      "type": {
        "type": "enum",
        "name": "MetadataValueType",
        "symbols": [
          "TEXT",
          "NUMBER",
          "BOOLEAN",
          "OBJECT",
          "ARRAY",
          "NULL"
        ]
      },
      "default": "TEXT",
      "doc": "How to interpret value (NUMBER, BOOLEAN, OBJECT and ARRAY values are JSON)."
    },
    {
      "name": "timestamp",
      "type": {
        "type": "long",
        "logicalType": "timestamp-millis"
      },
      "doc": "When the fact was written; later timestamps win when assembling."
    }
  ]
};
