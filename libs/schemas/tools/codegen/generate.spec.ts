import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffGenerated, generateAll } from './generate';
import { lintSchema } from './lint';
import { tsType } from './render';

describe('generated TypeScript', () => {
  it('matches the committed files exactly (CI fails on drift: run nx run schemas:generate)', () => {
    const { files, issues } = generateAll();
    expect(issues).toEqual([]);
    expect(diffGenerated(files)).toEqual([]);
  });

  it('is deterministic', () => {
    const first = generateAll().files;
    const second = generateAll().files;
    expect([...second.entries()]).toEqual([...first.entries()]);
  });

  it('carries the banner in every file', () => {
    for (const content of generateAll().files.values()) expect(content.startsWith('// GENERATED — DO NOT EDIT.')).toBe(true);
  });

  it('reports a file that is missing, out of date or stale', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemas-gen-'));
    writeFileSync(join(dir, 'a.ts'), 'old');
    writeFileSync(join(dir, 'zombie.ts'), 'x');
    const expected = new Map([
      ['a.ts', 'new'],
      ['b.ts', 'b'],
    ]);
    expect(diffGenerated(expected, dir)).toEqual(['out of date: a.ts', 'missing: b.ts', 'stale (no .avsc produces it): zombie.ts']);
  });

  it('maps Avro types to TypeScript', () => {
    expect(tsType({ type: 'long', logicalType: 'timestamp-millis' })).toBe('number');
    expect(tsType(['null', 'string'])).toBe('null | string');
    expect(tsType({ type: 'map', values: 'string' })).toBe('Record<string, string>');
    expect(tsType({ type: 'array', items: ['null', 'int'] })).toBe('Array<null | number>');
    expect(tsType({ type: 'enum', name: 'Color', symbols: ['RED'] })).toBe('Color');
    expect(tsType('bytes')).toBe('Buffer');
  });

  it('renders enums as a literal union plus a const array of values', () => {
    const message = generateAll().files.get('message.ts') as string;
    expect(message).toContain("export const deliveryStateValues = ['PENDING', 'DELIVERED', 'FAILED'] as const;");
    expect(message).toContain('export type DeliveryState = (typeof deliveryStateValues)[number];');
    expect(message).toContain('  updatedAt?: null | number;');
  });
});

describe('schema lint', () => {
  const record = (fields: unknown[]) => ({ type: 'record', name: 'Thing', namespace: 'platform.avro', fields });

  it('accepts a clean schema', () => {
    const schema = record([
      { name: 'id', type: 'string' },
      { name: 'createdAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'note', type: ['null', 'string'], default: null },
    ]);
    expect(lintSchema('avro/thing.avsc', schema)).toEqual([]);
  });

  it('fails when logicalType sits at field level (the Airy bug)', () => {
    const issues = lintSchema('avro/thing.avsc', record([{ name: 'createdAt', type: 'long', logicalType: 'timestamp-millis' }]));
    expect(issues.map((issue) => issue.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('logicalType "timestamp-millis" sits at field level')]),
    );
  });

  it('fails on optional fields without a null default or with null not first', () => {
    const issues = lintSchema('avro/thing.avsc', record([{ name: 'a', type: ['null', 'string'] }, { name: 'b', type: ['string', 'null'], default: 'x' }]));
    expect(issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'Thing.a: optional field: give it "default": null',
      'Thing.b: optional field: put "null" first in the union',
      'Thing.b: optional field: give it "default": null',
    ]);
  });

  it('fails on plain long timestamps, missing namespace and a misnamed file', () => {
    const schema = { type: 'record', name: 'Thing', fields: [{ name: 'sentAt', type: 'long' }] };
    const messages = lintSchema('avro/other.avsc', schema).map((issue) => issue.message);
    expect(messages).toEqual([
      'the record needs a namespace',
      'record Thing belongs in thing.avsc',
      'timestamp field: use {"type": "long", "logicalType": "timestamp-millis"}',
    ]);
  });
});
