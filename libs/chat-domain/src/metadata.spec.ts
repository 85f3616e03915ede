import type { Metadata } from '@platform/schemas';
import { InvalidMetadataError, InvalidSubjectError } from './errors';
import { metadataRecordId } from './ids';
import {
  flattenMetadata,
  formatSubject,
  metadataRecord,
  metadataRemoval,
  metadataUpsert,
  parseSubject,
  readMetadataValue,
  recordIdOf,
  splitKey,
  subjectOf,
  tagIdOfKey,
  tagKey,
  valueTypeOf,
} from './metadata';

const conv = { kind: 'conversation', id: 'c1' } as const;

describe('subjects', () => {
  it('formats and parses Airy subject strings', () => {
    expect(formatSubject(conv)).toBe('conversation:c1');
    expect(parseSubject('conversation:c1')).toEqual(conv);
    expect(parseSubject('message:m-1')).toEqual({ kind: 'message', id: 'm-1' });
    expect(parseSubject('channel:x')).toEqual({ kind: 'channel', id: 'x' });
    expect(parseSubject('contact:y')).toEqual({ kind: 'contact', id: 'y' });
    expect(parseSubject('component:a:b')).toEqual({ kind: 'component', id: 'a:b' });
  });

  it('rejects unknown kinds and missing ids', () => {
    expect(() => parseSubject('user:1')).toThrow(InvalidSubjectError);
    expect(() => parseSubject('conversation')).toThrow('has no id');
    expect(() => parseSubject('conversation:')).toThrow(InvalidSubjectError);
    expect(() => subjectOf({ subject: 'nope', identifier: 'x', key: 'k', value: '', timestamp: 1 })).toThrow(InvalidSubjectError);
  });

  it('reads the subject of a record', () => {
    expect(subjectOf(metadataRecord(conv, 'state', 'OPEN', 1))).toEqual(conv);
  });
});

describe('keys', () => {
  it('splits dotted keys and refuses empty segments', () => {
    expect(splitKey('contact.display_name')).toEqual(['contact', 'display_name']);
    expect(splitKey('state')).toEqual(['state']);
    for (const bad of ['', '.a', 'a.', 'a..b']) expect(() => splitKey(bad)).toThrow(InvalidMetadataError);
  });

  it('builds and recognizes tag keys', () => {
    expect(tagKey('t1')).toBe('tags.t1');
    expect(tagIdOfKey('tags.t1')).toBe('t1');
    expect(tagIdOfKey('tags.')).toBeUndefined();
    expect(tagIdOfKey('state')).toBeUndefined();
  });
});

describe('values', () => {
  it('infers value types', () => {
    expect(valueTypeOf('x')).toBe('TEXT');
    expect(valueTypeOf(1.5)).toBe('NUMBER');
    expect(valueTypeOf(false)).toBe('BOOLEAN');
    expect(valueTypeOf(null)).toBe('NULL');
    expect(valueTypeOf([1])).toBe('ARRAY');
    expect(valueTypeOf({ a: 1 })).toBe('OBJECT');
  });

  it('round-trips every value type through a record', () => {
    for (const value of ['text', '', 42, -0.5, true, false, null, [1, 'a', { b: null }], { a: { b: [true] } }]) {
      const record = metadataRecord(conv, 'user_data.v', value, 5);
      expect(readMetadataValue(record)).toEqual(value);
    }
  });

  it('keeps numbers as numbers (Airy turned them into doubles rendered as strings)', () => {
    const record = metadataRecord(conv, 'unread_count', 3, 1);
    expect(record).toEqual({ subject: 'conversation', identifier: 'c1', key: 'unread_count', value: '3', valueType: 'NUMBER', timestamp: 1 });
    expect(readMetadataValue(record)).toBe(3);
  });

  it('refuses non-finite numbers and bad keys', () => {
    expect(() => metadataRecord(conv, 'n', Number.NaN, 1)).toThrow(InvalidMetadataError);
    expect(() => metadataRecord(conv, 'n', Infinity, 1)).toThrow(InvalidMetadataError);
    expect(() => metadataRecord(conv, 'a..b', 1, 1)).toThrow(InvalidMetadataError);
  });

  it('returns the raw text of values another producer wrote badly', () => {
    const base: Metadata = { subject: 'conversation', identifier: 'c1', key: 'k', value: 'oops', timestamp: 1 };
    expect(readMetadataValue({ ...base, valueType: 'NUMBER' })).toBe('oops');
    expect(readMetadataValue({ ...base, valueType: 'NUMBER', value: '' })).toBe('');
    expect(readMetadataValue({ ...base, valueType: 'BOOLEAN' })).toBe('oops');
    expect(readMetadataValue({ ...base, valueType: 'OBJECT', value: '{' })).toBe('{');
    expect(readMetadataValue(base)).toBe('oops');
  });
});

describe('changes', () => {
  it('keys upserts and removals by UUIDv5(subject:identifier, key)', () => {
    const upsert = metadataUpsert(conv, 'state', 'CLOSED', 10);
    const removal = metadataRemoval(conv, 'state');
    expect(upsert.id).toBe(metadataRecordId('conversation', 'c1', 'state'));
    expect(removal).toEqual({ id: upsert.id, record: null });
    expect(recordIdOf(upsert.record!)).toBe(upsert.id);
  });
});

describe('flattenMetadata', () => {
  it('flattens nested data under user_data with typed leaves', () => {
    expect(flattenMetadata({ a: 'x', b: { c: 1, d: { e: true } }, f: [1, 2], g: null, h: {} })).toEqual([
      { key: 'user_data.a', value: 'x' },
      { key: 'user_data.b.c', value: 1 },
      { key: 'user_data.b.d.e', value: true },
      { key: 'user_data.f', value: [1, 2] },
      { key: 'user_data.g', value: null },
    ]);
  });

  it('accepts another prefix or none', () => {
    expect(flattenMetadata({ a: { b: 1 } }, 'contact')).toEqual([{ key: 'contact.a.b', value: 1 }]);
    expect(flattenMetadata({ a: 1 }, '')).toEqual([{ key: 'a', value: 1 }]);
  });

  it('refuses keys that would not read back', () => {
    expect(() => flattenMetadata({ 'a.b': 1 })).toThrow(InvalidMetadataError);
    expect(() => flattenMetadata({ x: { '': 1 } })).toThrow('user_data.x');
  });
});
