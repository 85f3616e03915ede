// GENERATED — DO NOT EDIT. Source: libs/schemas/avro/template.avsc. Regenerate with `nx run schemas:generate`.
import type { AvroRecordSchema } from '../avro-schema';

/** A reusable message template for one source. Key: template id. */
export interface Template {
  id: string;
  name: string;
  /** Source the content is written for. */
  source: string;
  /** Source-specific message payload serialized as a JSON string. */
  content: string;
}

/** Avro schema of {@link Template} (platform.avro.Template), as registered in the schema registry. */
export const templateSchema: AvroRecordSchema = {
  "type": "record",
  "name": "Template",
  "namespace": "platform.avro",
  "doc": "A reusable message template for one source. Key: template id.",
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
      "name": "source",
      "type": "string",
      "doc": "Source the content is written for."
    },
    {
      "name": "content",
      "type": "string",
      "doc": "Source-specific message payload serialized as a JSON string."
    }
  ]
};
