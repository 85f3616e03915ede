// GENERATED — DO NOT EDIT. Source: libs/schemas/avro/user.avsc. Regenerate with `nx run schemas:generate`.
import type { AvroRecordSchema } from '../avro-schema';

/** A human user seen through a login. Key: user id (e.g. github:12345). */
export interface User {
  id: string;
  name?: null | string;
  avatarUrl?: null | string;
  /** Epoch milliseconds (Avro long, timestamp-millis). */
  firstSeenAt: number;
  /** Epoch milliseconds (Avro long, timestamp-millis). */
  lastSeenAt: number;
}

/** Avro schema of {@link User} (platform.avro.User), as registered in the schema registry. */
export const userSchema: AvroRecordSchema = {
  "type": "record",
  "name": "User",
  "namespace": "platform.avro",
  "doc": "A human user seen through a login. Key: user id (e.g. github:12345).",
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
      "name": "avatarUrl",
      "type": [
        "null",
        "string"
      ],
      "default": null
    },
    {
      "name": "firstSeenAt",
      "type": {
        "type": "long",
        "logicalType": "timestamp-millis"
      }
    },
    {
      "name": "lastSeenAt",
      "type": {
        "type": "long",
        "logicalType": "timestamp-millis"
      }
    }
  ]
};
