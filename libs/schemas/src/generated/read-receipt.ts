// GENERATED — DO NOT EDIT. Source: libs/schemas/avro/read-receipt.avsc. Regenerate with `nx run schemas:generate`.
import type { AvroRecordSchema } from '../avro-schema';

/** Last time a conversation was read by an agent. Key: conversation id. */
export interface ReadReceipt {
  conversationId: string;
  /** Messages sent before this instant count as read. Epoch milliseconds (Avro long, timestamp-millis). */
  readDate: number;
  /** Who marked the conversation read, when known. */
  userId?: null | string;
}

/** Avro schema of {@link ReadReceipt} (platform.avro.ReadReceipt), as registered in the schema registry. */
export const readReceiptSchema: AvroRecordSchema = {
  "type": "record",
  "name": "ReadReceipt",
  "namespace": "platform.avro",
  "doc": "Last time a conversation was read by an agent. Key: conversation id.",
  "fields": [
    {
      "name": "conversationId",
      "type": "string"
    },
    {
      "name": "readDate",
      "type": {
        "type": "long",
        "logicalType": "timestamp-millis"
      },
      "doc": "Messages sent before this instant count as read."
    },
    {
      "name": "userId",
      "type": [
        "null",
        "string"
      ],
      "default": null,
      "doc": "Who marked the conversation read, when known."
    }
  ]
};
