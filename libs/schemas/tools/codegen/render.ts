import { FieldJson, SchemaJson, SchemaObject, isObject, lowerFirst } from './schema-json';

/**
 * Renders one Avro record (and the named types declared inside it) as TypeScript.
 *
 * Mapping: string → string; boolean → boolean; int, long, float, double → number; bytes, fixed → Buffer;
 * null → null; array → T[]; map → Record<string, T>; union → A | B; enum → string-literal union plus a
 * `<name>Values` const array; record → interface.
 * `timestamp-millis` (and every other logical type) maps to its underlying type, so timestamps are
 * `number` epoch millis: the serdes build avsc types without logical-type classes, so what the decoder
 * returns is exactly a number, it survives JSON and structured clone unchanged, and 2^53 ms is far beyond
 * any real date. Fields with a default are optional (`?:`) because avsc writes the default when the
 * property is undefined; decoded values always carry them.
 */
export interface RenderedFile {
  fileName: string;
  recordName: string;
  content: string;
}

export const BANNER = '// GENERATED — DO NOT EDIT.';

export function renderRecordFile(sourcePath: string, schema: SchemaObject): RenderedFile {
  const recordName = schema.name as string;
  const blocks: string[] = [];
  collectNamedTypes(schema, blocks);
  const schemaConst = `${lowerFirst(recordName)}Schema`;
  const header = [
    `${BANNER} Source: ${sourcePath}. Regenerate with \`nx run schemas:generate\`.`,
    `import type { AvroRecordSchema } from '../avro-schema';`,
  ].join('\n');
  const schemaBlock = [
    `/** Avro schema of {@link ${recordName}} (${fullName(schema)}), as registered in the schema registry. */`,
    `export const ${schemaConst}: AvroRecordSchema = ${JSON.stringify(schema, null, 2)};`,
  ].join('\n');
  return {
    fileName: `${fileBase(sourcePath)}.ts`,
    recordName,
    content: `${[header, ...blocks, schemaBlock].join('\n\n')}\n`,
  };
}

function fileBase(sourcePath: string): string {
  const name = sourcePath.split('/').pop() ?? sourcePath;
  return name.replace(/\.avsc$/, '');
}

function fullName(schema: SchemaObject): string {
  return schema.namespace ? `${schema.namespace}.${schema.name}` : String(schema.name);
}

/** Depth-first: nested named types are emitted before the record that uses them. */
function collectNamedTypes(schema: SchemaJson, blocks: string[]): void {
  if (Array.isArray(schema)) {
    schema.forEach((branch) => collectNamedTypes(branch, blocks));
    return;
  }
  if (!isObject(schema)) return;
  if (schema.type === 'record') {
    for (const field of schema.fields ?? []) collectNamedTypes(field.type, blocks);
    blocks.push(renderInterface(schema));
  } else if (schema.type === 'enum') {
    blocks.push(renderEnum(schema));
  } else if (schema.type === 'array' && schema.items !== undefined) {
    collectNamedTypes(schema.items, blocks);
  } else if (schema.type === 'map' && schema.values !== undefined) {
    collectNamedTypes(schema.values, blocks);
  } else if (isObject(schema.type) || Array.isArray(schema.type)) {
    collectNamedTypes(schema.type, blocks);
  }
}

function renderEnum(schema: SchemaObject): string {
  const name = schema.name as string;
  const symbols = (schema.symbols ?? []).map((symbol) => `'${symbol}'`).join(', ');
  return [
    docComment(schema.doc ?? `Symbols of the Avro enum ${name}.`, ''),
    `export const ${lowerFirst(name)}Values = [${symbols}] as const;`,
    docComment(schema.doc ?? `Avro enum ${name}.`, ''),
    `export type ${name} = (typeof ${lowerFirst(name)}Values)[number];`,
  ].join('\n');
}

function renderInterface(schema: SchemaObject): string {
  const lines = [docComment(schema.doc ?? `Avro record ${String(schema.name)}.`, ''), `export interface ${String(schema.name)} {`];
  for (const field of schema.fields ?? []) lines.push(...renderField(field));
  lines.push('}');
  return lines.join('\n');
}

function renderField(field: FieldJson): string[] {
  const optional = 'default' in field ? '?' : '';
  const notes = [field.doc, timestampNote(field.type)].filter((note): note is string => Boolean(note));
  if (notes.length === 2 && /epoch millis/i.test(notes[0] as string)) notes.pop();
  const doc = notes.length > 0 ? [docComment(notes.join(' '), '  ')] : [];
  return [...doc, `  ${field.name}${optional}: ${tsType(field.type)};`];
}

function timestampNote(schema: SchemaJson): string | undefined {
  const branches = Array.isArray(schema) ? schema : [schema];
  const logical = branches.find((branch) => isObject(branch) && branch.logicalType === 'timestamp-millis');
  return logical ? 'Epoch milliseconds (Avro long, timestamp-millis).' : undefined;
}

export function tsType(schema: SchemaJson): string {
  if (Array.isArray(schema)) return schema.map((branch) => tsType(branch)).join(' | ');
  if (typeof schema === 'string') return primitiveType(schema);
  switch (schema.type) {
    case 'record':
    case 'enum':
      return String(schema.name);
    case 'fixed':
      return 'Buffer';
    case 'array':
      return `Array<${tsType(schema.items as SchemaJson)}>`;
    case 'map':
      return `Record<string, ${tsType(schema.values as SchemaJson)}>`;
    default:
      return tsType(schema.type);
  }
}

function primitiveType(name: string): string {
  switch (name) {
    case 'null':
      return 'null';
    case 'boolean':
      return 'boolean';
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return 'number';
    case 'bytes':
      return 'Buffer';
    case 'string':
      return 'string';
    default:
      return name.split('.').pop() as string;
  }
}

function docComment(text: string, indent: string): string {
  return `${indent}/** ${text.replace(/\*\//g, '*\\/')} */`;
}
