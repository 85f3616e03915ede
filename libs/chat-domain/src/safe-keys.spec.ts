import type { Metadata } from '@platform/schemas';
import { applyMessage, applyMetadata, emptyConversation } from './conversation';
import { conversationView } from './conversation-view';
import { FilterSyntaxError, InvalidMetadataError } from './errors';
import { compileFilter, matchesFilter } from './filter/evaluator';
import { parseFilter } from './filter/parser';
import { aMessage, aView } from './internals/fixtures';
import { flattenMetadata, metadataRecord, metadataRemoval, metadataUpsert, readMetadataValue, recordIdOf, splitKey, tagIdOfKey, type MetadataObject } from './metadata';
import { applyMetadataEntry, assembleMetadata, metadataAt, metadataLeaves } from './metadata-document';
import { channelPayload, conversationPayload } from './payloads';
import { checkKeysDeep, findReservedKey, ownValue, parseJsonSafely, ReservedKeyError, reservedKeys } from './safe-keys';

/**
 * The prototype-safety guard of the chat domain: every parser and reducer that takes user keys
 * (metadata.upsert `data`, dotted metadata keys, records replayed from Kafka, filter fields) is fed
 * `__proto__`, `constructor` and `prototype` at every level. Requests are refused with
 * ReservedKeyError (an InvalidMetadataError, 400) or FilterSyntaxError (400); records are skipped;
 * and Object.prototype never changes.
 */
const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();

function expectPrototypeUnchanged(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
  const probe: Record<string, unknown> = {};
  expect(probe.x).toBeUndefined();
  expect(probe.polluted).toBeUndefined();
  expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
}

afterEach(expectPrototypeUnchanged);

/** JSON text placing `{"<name>": {"x": "y", "polluted": true}}` at `depth` levels below the root (text, so JSON.parse makes `__proto__` an own key as a request body would). */
function hostileJson(name: string, depth: number, inArray = false): string {
  let inner = `{${JSON.stringify(name)}: {"x": "y", "polluted": true}}`;
  if (inArray) inner = `[1, ${inner}]`;
  for (let i = depth; i > 0; i--) inner = `{"level${i}": ${inner}, "ok${i}": "fine"}`;
  return inner;
}

const hostileBodies: Array<{ name: string; label: string; json: string }> = reservedKeys.flatMap((name) =>
  [0, 1, 2, 3].flatMap((depth) => [
    { name, label: `${name} at depth ${depth}`, json: hostileJson(name, depth) },
    { name, label: `${name} in an array at depth ${depth}`, json: `{"list": ${hostileJson(name, depth, true)}}` },
  ]),
);

function record(key: string, value: string, valueType: Metadata['valueType'] = 'TEXT', timestamp = 1): Metadata {
  return { subject: 'conversation', identifier: 'conv-1', key, value, valueType, timestamp };
}

/** Dotted keys with a reserved segment at each position. */
const hostileKeys = reservedKeys.flatMap((name) => [name, `${name}.x`, `user_data.${name}`, `user_data.${name}.x`, `a.b.${name}`, `tags.${name}`]);

describe('metadata.upsert data (flattenMetadata)', () => {
  it.each(hostileBodies)('refuses $label with ReservedKeyError (400)', ({ name, json }) => {
    const data = JSON.parse(json) as MetadataObject;
    let error: unknown;
    try {
      flattenMetadata(data);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ReservedKeyError);
    expect(error).toBeInstanceOf(InvalidMetadataError);
    expect((error as ReservedKeyError).key).toBe(name);
    expect((error as Error).message).toContain(`"${name}"`);
  });

  it('still flattens ordinary data, and names the path of a refused key', () => {
    expect(flattenMetadata({ a: { b: 1 }, list: [{ c: 2 }] })).toEqual([
      { key: 'user_data.a.b', value: 1 },
      { key: 'user_data.list', value: [{ c: 2 }] },
    ]);
    expect(() => flattenMetadata(JSON.parse('{"a": {"b": [0, {"__proto__": 1}]}}') as MetadataObject)).toThrow('metadata at "a.b[1].__proto__"');
  });
});

describe('dotted metadata keys (requests)', () => {
  it.each(hostileKeys)('refuses %s in splitKey, metadataRecord, metadataUpsert and metadataRemoval', (key) => {
    const subject = { kind: 'conversation' as const, id: 'conv-1' };
    expect(() => splitKey(key)).toThrow(ReservedKeyError);
    expect(() => metadataRecord(subject, key, 'v', 1)).toThrow(ReservedKeyError);
    expect(() => metadataUpsert(subject, key, { x: 'y' }, 1)).toThrow(ReservedKeyError);
    expect(() => metadataRemoval(subject, key)).toThrow(ReservedKeyError);
  });

  it('keeps reserved names out of tag ids', () => {
    for (const name of reservedKeys) expect(tagIdOfKey(`tags.${name}`)).toBeUndefined();
    expect(tagIdOfKey('tags.t1')).toBe('t1');
  });
});

describe('records replayed from Kafka (written by another producer)', () => {
  it.each(hostileKeys)('skips a fact keyed %s: no throw, no pollution, nothing stored', (key) => {
    const hostile = record(key, '{"x":"y","polluted":true}', 'OBJECT');
    const scalar = record(key, 'y', 'TEXT');
    const document = assembleMetadata([hostile, scalar, record('contact.display_name', 'Ada')]);
    expect(JSON.parse(JSON.stringify(document))).toEqual({ contact: { display_name: 'Ada' } });
    expect(applyMetadataEntry({}, 'id-1', hostile)).toEqual({});
    const state = applyMetadata(applyMessage(emptyConversation('conv-1'), aMessage({ id: 'm1', conversationId: 'conv-1' }), true), recordIdOf(hostile), hostile);
    expect(Object.keys(state.metadata)).toEqual([]);
    expect(conversationView(state)?.metadata.x).toBeUndefined();
  });

  it('ignores a reserved record id and drops reserved keys inside OBJECT and ARRAY values', () => {
    const fine = record('user_data.a', '{"b":1}', 'OBJECT');
    for (const name of reservedKeys) expect(applyMetadataEntry({}, name, fine)).toEqual({});
    const value = readMetadataValue(record('user_data.a', '{"__proto__":{"x":"y"},"constructor":{"prototype":{"x":1}},"b":[{"__proto__":{"x":"y"}}],"c":1}', 'OBJECT'));
    expect(value).toEqual({ b: [{}], c: 1 });
    expect(Object.keys(value as object)).toEqual(['b', 'c']);
    expect(findReservedKey(value)).toBeUndefined();
  });

  it('builds documents without prototypes and reads own properties only', () => {
    const document = assembleMetadata([record('user_data.tier', 'gold'), record('state', 'OPEN')]);
    expect(Object.getPrototypeOf(document)).toBeNull();
    expect(Object.getPrototypeOf(document.user_data)).toBeNull();
    for (const inherited of ['toString', 'hasOwnProperty', 'valueOf', 'constructor', '__proto__', 'user_data.toString', 'user_data.constructor.name']) {
      expect(metadataAt(document, inherited)).toBeUndefined();
      expect(metadataAt({ user_data: {} }, inherited)).toBeUndefined();
    }
    expect(metadataAt(document, 'user_data.tier')).toBe('gold');
    expect(Object.getPrototypeOf(metadataLeaves(JSON.parse('{"__proto__": {"x": 1}}') as MetadataObject))).toBeNull();
  });
});

describe('the reported attack, end to end in the domain', () => {
  it('refuses {"data": {"__proto__": {"x": "y"}}} and a filter on metadata.x matches nothing', () => {
    const body = JSON.parse('{"data": {"__proto__": {"x": "y"}}}') as { data: MetadataObject };
    expect(() => flattenMetadata(body.data)).toThrow(ReservedKeyError);
    // even if such facts reached the topic, views and filters stay clean
    const records = [record('user_data.__proto__.x', 'y'), record('__proto__.x', 'y'), record('constructor.prototype.x', 'y')];
    let state = applyMessage(emptyConversation('conv-1'), aMessage({ id: 'm1', conversationId: 'conv-1' }), true);
    for (const r of records) state = applyMetadata(state, recordIdOf(r), r);
    state = { ...state, metadata: Object.fromEntries(records.map((r, i) => [`forced-${i}`, r])) };
    const view = conversationView(state)!;
    expect(matchesFilter('metadata.x:y', view)).toBe(false);
    expect(matchesFilter('metadata.x:*', aView({ id: 'other' }))).toBe(false);
    const payload = conversationPayload(view, { channel: channelPayload({ id: 'c', source: 'chatplugin', sourceChannelId: 's', connectionState: 'CONNECTED', token: null, createdAt: 1 }, view.metadata) });
    expect(JSON.stringify(payload)).not.toContain('"x"');
  });
});

describe('filter fields', () => {
  it.each(reservedKeys.flatMap((name) => [`metadata.${name}`, `metadata.${name}.x`, `metadata.user_data.${name}`, `metadata.a.${name}.b`]))('refuses %s with FilterSyntaxError (400)', (field) => {
    expect(() => parseFilter(`${field}:y`)).toThrow(FilterSyntaxError);
    expect(() => parseFilter(`${field}:*`)).toThrow('reserved segment');
  });

  it('never matches inherited members of metadata objects', () => {
    const view = aView({ id: 'x', metadata: { user_data: { tier: 'gold' } } });
    for (const name of ['toString', 'valueOf', 'hasOwnProperty', 'user_data.toString', 'user_data.isPrototypeOf']) {
      expect(compileFilter(`metadata.${name}:*`)(view)).toBe(false);
    }
  });
});

describe('safe-keys helpers', () => {
  it('checkKeysDeep, ownValue and parseJsonSafely', () => {
    expect(() => checkKeysDeep(JSON.parse('[{"a": {"prototype": 1}}]'), 'body')).toThrow('body at "[0].a.prototype": key "prototype" is not allowed');
    expect(() => checkKeysDeep({ a: [1, { b: 'constructor' }] }, 'body')).not.toThrow();
    expect(ownValue({ a: 1 }, 'toString')).toBeUndefined();
    expect(ownValue({ a: 1 }, 'a')).toBe(1);
    expect(parseJsonSafely('{"__proto__": {"x": 1}, "a": {"constructor": 2, "b": 3}}')).toEqual({ a: { b: 3 } });
    // deep values are checked without recursion
    let deep = '1';
    for (let i = 0; i < 100_000; i++) deep = `[${deep}]`;
    expect(findReservedKey(JSON.parse(deep))).toBeUndefined();
  });
});
