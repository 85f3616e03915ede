import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { LintIssue, lintSchema } from './lint';
import { BANNER, RenderedFile, renderRecordFile } from './render';
import { SchemaJson, SchemaObject, isObject, lowerFirst } from './schema-json';

/** Pure (apart from reading the .avsc files): the generated tree as file name → content, plus lint issues. */
export interface GenerationResult {
  files: Map<string, string>;
  issues: LintIssue[];
}

export const SCHEMAS_ROOT = join(__dirname, '..', '..');
export const AVRO_DIR = join(SCHEMAS_ROOT, 'avro');
export const GENERATED_DIR = join(SCHEMAS_ROOT, 'src', 'generated');

export function listAvscFiles(avroDir: string): string[] {
  return readdirSync(avroDir)
    .filter((name) => name.endsWith('.avsc'))
    .sort();
}

export function generateAll(avroDir: string = AVRO_DIR): GenerationResult {
  const issues: LintIssue[] = [];
  const rendered: RenderedFile[] = [];
  for (const name of listAvscFiles(avroDir)) {
    const sourcePath = `libs/schemas/avro/${name}`;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(join(avroDir, name), 'utf8'));
    } catch (error) {
      issues.push({ file: sourcePath, path: '$', message: `invalid JSON: ${(error as Error).message}` });
      continue;
    }
    const fileIssues = lintSchema(sourcePath, json);
    issues.push(...fileIssues);
    if (fileIssues.length === 0) rendered.push(renderRecordFile(sourcePath, json as SchemaObject));
  }
  issues.push(...duplicateNamedTypes(avroDir, rendered));
  const files = new Map<string, string>();
  for (const file of rendered) files.set(file.fileName, file.content);
  files.set('index.ts', renderIndex(rendered));
  return { files, issues };
}

function renderIndex(rendered: RenderedFile[]): string {
  const names = rendered.map((file) => file.recordName);
  const modules = rendered.map((file) => `./${file.fileName.replace(/\.ts$/, '')}`);
  const lines = [`${BANNER} Regenerate with \`nx run schemas:generate\`.`];
  rendered.forEach((file, i) => lines.push(`import type { ${file.recordName} } from '${modules[i]}';`));
  rendered.forEach((file, i) => lines.push(`import { ${lowerFirst(file.recordName)}Schema } from '${modules[i]}';`));
  lines.push('');
  modules.forEach((module) => lines.push(`export * from '${module}';`));
  lines.push('', '/** Every record schema, by record name. */', 'export const avroSchemas = {');
  names.forEach((name) => lines.push(`  ${name}: ${lowerFirst(name)}Schema,`));
  lines.push('} as const;', '', '/** Name of a record declared in libs/schemas/avro. */');
  lines.push('export type SchemaName = keyof typeof avroSchemas;', '');
  lines.push(`export const schemaNames: readonly SchemaName[] = [${names.map((name) => `'${name}'`).join(', ')}];`, '');
  lines.push('/** TypeScript type of each record, by record name. */', 'export interface SchemaTypes {');
  names.forEach((name) => lines.push(`  ${name}: ${name};`));
  lines.push('}', '');
  return lines.join('\n');
}

function duplicateNamedTypes(avroDir: string, rendered: RenderedFile[]): LintIssue[] {
  const seen = new Map<string, string>();
  const issues: LintIssue[] = [];
  for (const file of rendered) {
    const path = join(avroDir, file.fileName.replace(/\.ts$/, '.avsc'));
    for (const name of namedTypes(JSON.parse(readFileSync(path, 'utf8')) as SchemaJson)) {
      const other = seen.get(name);
      if (other) issues.push({ file: file.fileName, path: name, message: `type name ${name} is also declared in ${other}` });
      else seen.set(name, file.fileName);
    }
  }
  return issues;
}

function namedTypes(schema: SchemaJson): string[] {
  if (Array.isArray(schema)) return schema.flatMap(namedTypes);
  if (!isObject(schema)) return [];
  const own = schema.name && ['record', 'enum', 'fixed'].includes(String(schema.type)) ? [schema.name] : [];
  const nested = [
    ...(schema.fields ?? []).map((field) => field.type),
    ...(schema.items !== undefined ? [schema.items] : []),
    ...(schema.values !== undefined ? [schema.values] : []),
    ...(isObject(schema.type) || Array.isArray(schema.type) ? [schema.type] : []),
  ];
  return [...own, ...nested.flatMap(namedTypes)];
}

/** Differences between what the generator produces and the files in `generatedDir`. */
export function diffGenerated(expected: Map<string, string>, generatedDir: string = GENERATED_DIR): string[] {
  const problems: string[] = [];
  for (const [name, content] of expected) {
    const path = join(generatedDir, name);
    if (!existsSync(path)) problems.push(`missing: ${name}`);
    else if (readFileSync(path, 'utf8') !== content) problems.push(`out of date: ${name}`);
  }
  if (existsSync(generatedDir)) {
    for (const name of readdirSync(generatedDir).sort()) {
      if (!expected.has(name)) problems.push(`stale (no .avsc produces it): ${name}`);
    }
  }
  return problems;
}
