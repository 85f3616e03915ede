/** Loose view of Avro schema JSON as read from an `.avsc` file, used by the lint and the renderer. */
export type SchemaJson = string | SchemaJson[] | SchemaObject;

export interface SchemaObject {
  type: SchemaJson;
  name?: string;
  namespace?: string;
  doc?: string;
  logicalType?: string;
  symbols?: string[];
  items?: SchemaJson;
  values?: SchemaJson;
  fields?: FieldJson[];
  [other: string]: unknown;
}

export interface FieldJson {
  name: string;
  type: SchemaJson;
  doc?: string;
  default?: unknown;
  logicalType?: unknown;
  [other: string]: unknown;
}

export function isObject(schema: SchemaJson): schema is SchemaObject {
  return typeof schema === 'object' && schema !== null && !Array.isArray(schema);
}

/** `message.avsc` ↔ `Message`, `read-receipt.avsc` ↔ `ReadReceipt`. */
export function fileBaseFor(recordName: string): string {
  return recordName.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

export function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
