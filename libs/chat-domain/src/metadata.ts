import type { Metadata, MetadataValueType } from '@platform/schemas';
import { InvalidMetadataError, InvalidSubjectError } from './errors';
import { metadataRecordId } from './ids';
import { checkKey, checkKeysDeep, isReservedKey, parseJsonSafely } from './safe-keys';

/**
 * The metadata model: a fact is (subject, identifier, dotted key) → typed value. The Avro record
 * keeps subject kind and identifier apart; Airy's wire form `<kind>:<id>` is what
 * `formatSubject` / `parseSubject` speak. Facts are assembled into a nested object per subject
 * (see metadata-document.ts); a tombstone (null record under the record id) deletes a fact.
 */
export const metadataSubjectKinds = ['conversation', 'message', 'channel', 'contact', 'component'] as const;
export type MetadataSubjectKind = (typeof metadataSubjectKinds)[number];

export interface MetadataSubject {
  kind: MetadataSubjectKind;
  id: string;
}

/** Any JSON value: what a metadata fact holds once read. */
export type MetadataValue = string | number | boolean | null | MetadataValue[] | { [key: string]: MetadataValue };
export type MetadataObject = { [key: string]: MetadataValue };

/** A write to the metadata topic: `record` null is a tombstone. `id` is the Kafka key. */
export interface MetadataChange {
  id: string;
  record: Metadata | null;
}

/** Well-known keys (Airy §3.3). Conversation keys unless noted. */
export const MetadataKeys = {
  contactDisplayName: 'contact.display_name',
  contactAvatarUrl: 'contact.avatar_url',
  state: 'state',
  unreadCount: 'unread_count',
  tags: 'tags',
  userData: 'user_data',
  /** Message: provider message id. */
  sourceId: 'source.id',
  /** Message: provider-side receipt (delivered, seen). */
  sourceDeliveryState: 'source.delivery_state',
  /** Message: why sending failed. */
  error: 'error',
  /** Message: raw provider error payload. */
  sourceError: 'source.error',
  /** Channel: display name and picture. */
  name: 'name',
  imageUrl: 'image_url',
} as const;

export function isSubjectKind(value: string): value is MetadataSubjectKind {
  return (metadataSubjectKinds as readonly string[]).includes(value);
}

/** `conversation:<id>` */
export function formatSubject(subject: MetadataSubject): string {
  return `${subject.kind}:${subject.id}`;
}

/** Parses Airy's `<kind>:<id>`; the id may itself contain colons (e.g. `component:a:b`). */
export function parseSubject(text: string): MetadataSubject {
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const id = colon < 0 ? '' : text.slice(colon + 1);
  if (!isSubjectKind(kind)) {
    throw new InvalidSubjectError(`unknown metadata subject "${kind}" (expected ${metadataSubjectKinds.join(', ')})`);
  }
  if (id === '') throw new InvalidSubjectError(`metadata subject "${text}" has no id`);
  return { kind, id };
}

/** The subject of a record, validated. */
export function subjectOf(record: Metadata): MetadataSubject {
  if (!isSubjectKind(record.subject)) {
    throw new InvalidSubjectError(`unknown metadata subject "${record.subject}"`);
  }
  return { kind: record.subject, id: record.identifier };
}

/**
 * Segments of a dotted key; every segment must be non-empty and none may be a reserved name
 * (`__proto__`, `constructor`, `prototype`: ReservedKeyError).
 */
export function splitKey(key: string): string[] {
  const segments = key.split('.');
  if (segments.some((s) => s === '')) throw new InvalidMetadataError(`invalid metadata key "${key}": empty segment`);
  for (const segment of segments) checkKey(segment, `invalid metadata key "${key}"`);
  return segments;
}

/**
 * Segments of a record's key, or undefined when the key is not one this library would write
 * (empty or reserved segment). For records read from Kafka: such a fact is skipped, never thrown
 * over and never walked into an object.
 */
export function safeKeySegments(key: string): string[] | undefined {
  const segments = key.split('.');
  return segments.every((s) => s !== '' && !isReservedKey(s)) ? segments : undefined;
}

/** Value type of a JSON value as stored in a record. */
export function valueTypeOf(value: MetadataValue): MetadataValueType {
  if (value === null) return 'NULL';
  if (Array.isArray(value)) return 'ARRAY';
  switch (typeof value) {
    case 'string':
      return 'TEXT';
    case 'number':
      return 'NUMBER';
    case 'boolean':
      return 'BOOLEAN';
    default:
      return 'OBJECT';
  }
}

/** Builds a record (value serialized by type). Numbers must be finite; keys must be dotted paths. */
export function metadataRecord(subject: MetadataSubject, key: string, value: MetadataValue, timestamp: number): Metadata {
  splitKey(key);
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new InvalidMetadataError(`metadata ${key}: ${value} is not a finite number`);
  }
  const valueType = valueTypeOf(value);
  const text = valueType === 'TEXT' ? (value as string) : valueType === 'NULL' ? '' : JSON.stringify(value);
  return { subject: subject.kind, identifier: subject.id, key, value: text, valueType, timestamp };
}

/** An upsert of one fact, keyed for the metadata topic. */
export function metadataUpsert(subject: MetadataSubject, key: string, value: MetadataValue, timestamp: number): MetadataChange {
  const record = metadataRecord(subject, key, value, timestamp);
  return { id: metadataRecordId(subject.kind, subject.id, key), record };
}

/** The tombstone deleting one fact. */
export function metadataRemoval(subject: MetadataSubject, key: string): MetadataChange {
  splitKey(key);
  return { id: metadataRecordId(subject.kind, subject.id, key), record: null };
}

/** Kafka key of an existing record. */
export function recordIdOf(record: Metadata): string {
  return metadataRecordId(record.subject, record.identifier, record.key);
}

/**
 * The JSON value of a record. Unparsable NUMBER/BOOLEAN/OBJECT/ARRAY values (written by some
 * other producer) are returned as their raw text rather than failing the whole document.
 */
export function readMetadataValue(record: Metadata): MetadataValue {
  const { value } = record;
  switch (record.valueType ?? 'TEXT') {
    case 'TEXT':
      return value;
    case 'NULL':
      return null;
    case 'NUMBER': {
      const n = Number(value);
      return value.trim() !== '' && Number.isFinite(n) ? n : value;
    }
    case 'BOOLEAN':
      return value === 'true' ? true : value === 'false' ? false : value;
    default:
      try {
        return parseJsonSafely(value) as MetadataValue;
      } catch {
        return value;
      }
  }
}

/** `tags.<tagId>` */
export function tagKey(tagId: string): string {
  return `${MetadataKeys.tags}.${tagId}`;
}

/** The tag id of a `tags.<tagId>` key, else undefined (also for a reserved name as tag id). */
export function tagIdOfKey(key: string): string | undefined {
  const prefix = `${MetadataKeys.tags}.`;
  return key.startsWith(prefix) && key.length > prefix.length && !isReservedKey(key.slice(prefix.length)) ? key.slice(prefix.length) : undefined;
}

/**
 * Flattens a JSON object (the `data` of `metadata.upsert`) into dotted keys under `prefix`
 * (Airy: `user_data`). Nested objects recurse; arrays, scalars and null are single facts; an
 * empty object produces no fact. Keys containing dots or empty keys are refused (they would not
 * read back as the same object), and so are `__proto__`, `constructor` and `prototype` anywhere in
 * `data`, arrays included (ReservedKeyError, 400).
 */
export function flattenMetadata(data: MetadataObject, prefix: string = MetadataKeys.userData): Array<{ key: string; value: MetadataValue }> {
  checkKeysDeep(data, 'metadata');
  const out: Array<{ key: string; value: MetadataValue }> = [];
  const walk = (object: MetadataObject, path: string) => {
    for (const [name, value] of Object.entries(object)) {
      if (name === '' || name.includes('.')) {
        throw new InvalidMetadataError(`invalid metadata key "${name}" under "${path}": keys must be non-empty and contain no dots`);
      }
      const key = path === '' ? name : `${path}.${name}`;
      if (isPlainObject(value)) walk(value, key);
      else out.push({ key, value });
    }
  };
  walk(data, prefix);
  return out;
}

export function isPlainObject(value: unknown): value is MetadataObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
