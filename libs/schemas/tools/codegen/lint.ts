import * as avro from 'avsc';
import { FieldJson, SchemaJson, fileBaseFor, isObject } from './schema-json';

/**
 * Schema lint run by the generator, the drift check and the compat check.
 * Rules (each one a bug seen in Airy's schemas or a convention of ours):
 * - the file holds one record with a namespace and is named after it (`read-receipt.avsc` ↔ `ReadReceipt`);
 * - `logicalType` must sit inside the type object, never at field level (at field level Avro ignores it);
 * - an optional field is a union with `null` FIRST and `"default": null`;
 * - timestamps (`*At`, `*Date`, `timestamp`) that are longs carry `timestamp-millis`;
 * - the schema parses with avsc.
 */
export interface LintIssue {
  file: string;
  path: string;
  message: string;
}

const TIMESTAMP_NAME = /(At|Date)$|^timestamp$/;

export function lintSchema(file: string, json: unknown): LintIssue[] {
  const issues: LintIssue[] = [];
  const report = (path: string, message: string) => issues.push({ file, path, message });
  const root = json as SchemaJson;
  if (!isObject(root) || root.type !== 'record' || typeof root.name !== 'string') {
    report('$', 'the file must contain one Avro record');
    return issues;
  }
  if (!root.namespace) report(root.name, 'the record needs a namespace');
  const expectedFile = `${fileBaseFor(root.name)}.avsc`;
  if (!file.endsWith(expectedFile)) report(root.name, `record ${root.name} belongs in ${expectedFile}`);
  lintRecordFields(root.name, root.fields ?? [], report);
  try {
    avro.Type.forSchema(root as avro.Schema);
  } catch (error) {
    report(root.name, `avsc rejects the schema: ${(error as Error).message}`);
  }
  return issues;
}

function lintRecordFields(recordPath: string, fields: FieldJson[], report: (path: string, message: string) => void): void {
  for (const field of fields) {
    const path = `${recordPath}.${field.name}`;
    if ('logicalType' in field) {
      report(path, `logicalType "${String(field.logicalType)}" sits at field level, where Avro ignores it; move it inside the type object: {"type": {"type": "long", "logicalType": "..."}}`);
    }
    lintOptional(path, field, report);
    lintTimestamp(path, field, report);
    walkNested(path, field.type, report);
  }
}

function lintOptional(path: string, field: FieldJson, report: (path: string, message: string) => void): void {
  if (!Array.isArray(field.type) || !field.type.includes('null')) return;
  if (field.type[0] !== 'null') report(path, 'optional field: put "null" first in the union');
  if (!('default' in field) || field.default !== null) report(path, 'optional field: give it "default": null');
}

function lintTimestamp(path: string, field: FieldJson, report: (path: string, message: string) => void): void {
  if (!TIMESTAMP_NAME.test(field.name)) return;
  const branches = Array.isArray(field.type) ? field.type : [field.type];
  for (const branch of branches) {
    if (branch === 'long') report(path, 'timestamp field: use {"type": "long", "logicalType": "timestamp-millis"}');
  }
}

function walkNested(path: string, schema: SchemaJson, report: (path: string, message: string) => void): void {
  if (Array.isArray(schema)) {
    schema.forEach((branch) => walkNested(path, branch, report));
    return;
  }
  if (!isObject(schema)) return;
  if (schema.type === 'record') lintRecordFields(`${path}.${schema.name ?? '?'}`, schema.fields ?? [], report);
  if (schema.type === 'array' && schema.items !== undefined) walkNested(`${path}[]`, schema.items, report);
  if (schema.type === 'map' && schema.values !== undefined) walkNested(`${path}{}`, schema.values, report);
}

export function formatIssues(issues: LintIssue[]): string {
  return issues.map((issue) => `${issue.file}: ${issue.path}: ${issue.message}`).join('\n');
}
