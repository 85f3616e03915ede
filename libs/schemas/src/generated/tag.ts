// GENERATED — DO NOT EDIT. Source: libs/schemas/avro/tag.avsc. Regenerate with `nx run schemas:generate`.
import type { AvroRecordSchema } from '../avro-schema';

/** Symbols of the Avro enum TagColor. */
export const tagColorValues = ['BLUE', 'RED', 'GREEN', 'PURPLE'] as const;
/** Avro enum TagColor. */
export type TagColor = (typeof tagColorValues)[number];

/** A conversation tag. Key: tag id. A tombstone deletes the tag. */
export interface Tag {
  id: string;
  name: string;
  /** Palette colour (API names: tag-blue, tag-red, tag-green, tag-purple). */
  color: TagColor;
}

/** Avro schema of {@link Tag} (platform.avro.Tag), as registered in the schema registry. */
export const tagSchema: AvroRecordSchema = {
  "type": "record",
  "name": "Tag",
  "namespace": "platform.avro",
  "doc": "A conversation tag. Key: tag id. A tombstone deletes the tag.",
  "fields": [
    {
      "name": "id",
      "type": "string"
    },
    {
      "name": "name",
      "type": "string"
    },
    {
      "name": "color",
      "type": {
        "type": "enum",
        "name": "TagColor",
        "symbols": [
          "BLUE",
          "RED",
          "GREEN",
          "PURPLE"
        ]
      },
      "doc": "Palette colour (API names: tag-blue, tag-red, tag-green, tag-purple)."
    }
  ]
};
