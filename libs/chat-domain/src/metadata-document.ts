import type { Metadata } from '@platform/schemas';
import { isPlainObject, readMetadataValue, safeKeySegments, type MetadataObject, type MetadataValue } from './metadata';
import { isReservedKey, nullObject, ownValue } from './safe-keys';

/**
 * The facts of one subject, by record id (the Kafka key). Kept as a plain object so the whole
 * thing serializes to JSON in a state store.
 */
export type MetadataEntries = Record<string, Metadata>;

/**
 * Applies one record (or tombstone) to a subject's facts. A record older than the one already
 * held for the same id is ignored, so a re-delivered or out-of-order record never rolls a fact
 * back; an equal timestamp replaces (last delivery wins, as compaction would). Returns the same
 * object when nothing changed. A record this library would not write (a key with an empty or
 * reserved segment, or a reserved record id) is ignored, so a hostile record replayed from Kafka
 * changes nothing.
 */
export function applyMetadataEntry(entries: MetadataEntries, recordId: string, record: Metadata | null): MetadataEntries {
  if (isReservedKey(recordId) || (record !== null && safeKeySegments(record.key) === undefined)) return entries;
  const current = ownValue(entries, recordId);
  if (record === null) {
    if (current === undefined) return entries;
    const next = { ...entries };
    delete next[recordId];
    return next;
  }
  if (current !== undefined && current.timestamp > record.timestamp) return entries;
  if (current !== undefined && sameRecord(current, record)) return entries;
  return { ...entries, [recordId]: record };
}

function sameRecord(a: Metadata, b: Metadata): boolean {
  return a.key === b.key && a.value === b.value && (a.valueType ?? 'TEXT') === (b.valueType ?? 'TEXT') && a.timestamp === b.timestamp;
}

/**
 * Nested document of a subject's facts: `contact.display_name` → `{contact: {display_name}}`.
 * Facts apply in timestamp order (key order breaks ties, so the result does not depend on the
 * order records arrived in): a later fact wins; writing below a path that holds a scalar turns it
 * into an object, and writing a scalar over an object replaces the object. The document's objects
 * have no prototype (user keys cannot reach Object.prototype); facts whose key has an empty or
 * reserved segment are skipped.
 */
export function assembleMetadata(records: Iterable<Metadata>): MetadataObject {
  const sorted = [...records].sort((a, b) => a.timestamp - b.timestamp || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const root = nullObject<MetadataValue>();
  for (const record of sorted) {
    const path = safeKeySegments(record.key);
    if (path !== undefined) setPath(root, path, readMetadataValue(record));
  }
  return root;
}

function setPath(root: MetadataObject, path: string[], value: MetadataValue): void {
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    const child = ownValue(node, segment);
    if (isPlainObject(child)) {
      node = child;
    } else {
      const created = nullObject<MetadataValue>();
      node[segment] = created;
      node = created;
    }
  }
  node[path[path.length - 1]!] = value;
}

/**
 * Inverse view used by the filter: every leaf of a nested document by dotted path
 * (`{contact: {display_name: 'x'}}` → `{'contact.display_name': 'x'}`). Arrays are leaves.
 */
export function metadataLeaves(document: MetadataObject): Record<string, MetadataValue> {
  const out = nullObject<MetadataValue>();
  const walk = (node: MetadataObject, prefix: string) => {
    for (const [name, value] of Object.entries(node)) {
      const path = prefix === '' ? name : `${prefix}.${name}`;
      if (isPlainObject(value) && Object.keys(value).length > 0) walk(value, path);
      else out[path] = value;
    }
  };
  walk(document, '');
  return out;
}

/** Reads a dotted path from a nested document: own properties only (undefined when absent or reserved). */
export function metadataAt(document: MetadataObject, key: string): MetadataValue | undefined {
  let node: MetadataValue | undefined = document;
  for (const segment of key.split('.')) {
    if (!isPlainObject(node) || isReservedKey(segment)) return undefined;
    node = ownValue(node, segment);
  }
  return node;
}
