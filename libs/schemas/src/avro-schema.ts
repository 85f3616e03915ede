/**
 * Shape of the Avro schema JSON that the generated files export (one record per `.avsc` file).
 * Deliberately loose below the record level: avsc validates the full grammar.
 */
export interface AvroField {
  name: string;
  type: unknown;
  doc?: string;
  default?: unknown;
}

export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: AvroField[];
}
