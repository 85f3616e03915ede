import fc from 'fast-check';
import type { SchemaObject } from './openapi-endpoints';

/** Ids that exist on the stack under test, so generated bodies reach past the 404s. */
export interface KnownIds {
  readonly conversationIds: readonly string[];
  readonly channelIds: readonly string[];
  readonly tagIds: readonly string[];
  readonly templateIds: readonly string[];
  readonly messageIds: readonly string[];
}

/** One body to send: its kind (for the tally), the exact text and the content type (undefined: none). */
export interface BodyCase {
  readonly label: string;
  readonly body: string;
  readonly contentType?: string;
}

/**
 * The metadata key only a prototype-polluting body writes (`{"__proto__": {"fuzz_polluted": …}}`
 * at any level): a `conversations.list` filter on it must match nothing afterwards.
 */
export const pollutionMarker = 'fuzz_polluted';

const json = 'application/json';
const protoKeys = ['__proto__', 'constructor', 'prototype'] as const;

// Placeholders replaced in the serialized text: raw number literals JSON.stringify cannot write
// (1e400, -0) and nesting deeper than JSON.stringify's own recursion allows.
const rawNumber = (literal: string) => `@@num:${literal}@@`;
const deepValue = (depth: number, kind: 'array' | 'object') => `@@deep:${depth}:${kind}@@`;
const placeholder = /"@@(num|deep):([^@"]*)@@"/g;

/** `depth` nested arrays or objects around a 1, as text (no recursion anywhere). */
export function nestedJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** JSON text of a generated value, with the placeholders expanded. */
export function serialize(value: unknown): string {
  return JSON.stringify(value).replace(placeholder, (_all, kind: string, argument: string) => {
    if (kind === 'num') return argument;
    const [depth, shape] = argument.split(':');
    return nestedJson(Number(depth), shape === 'array' ? 'array' : 'object');
  });
}

/** A copy of `target` with `key` as an own enumerable property (works for `__proto__` too, so JSON.stringify writes it). */
function withOwn(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(target)) Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Puts `key: payload` into the object and every object nested in it (arrays included). */
function injectEverywhere(value: unknown, key: string, payload: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => injectEverywhere(item, key, payload));
  if (typeof value !== 'object' || value === null) return value;
  const inner: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) Object.defineProperty(inner, k, { value: injectEverywhere(v, key, payload), enumerable: true, writable: true, configurable: true });
  return withOwn(inner, key, payload);
}

const anyString = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\u202e\u200b', 'null', 'undefined', '../../etc/passwd', "' OR 1=1 --", '<script>alert(1)</script>', '${7*7}', '%00', '\ud800'),
);

const jsonLeaf = fc.oneof(anyString, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const jsonAny = fc.jsonValue({ maxDepth: 3 });

/** Values of a field as its schema allows them. */
function fromSchema(schema: SchemaObject): fc.Arbitrary<unknown> {
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string':
      if (schema.pattern !== undefined && schema.pattern.includes('http')) return fc.webUrl();
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 200, 200) });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum, max: schema.maximum, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'object':
      return fc.dictionary(fc.string({ maxLength: 20 }), jsonAny, { maxKeys: 6 });
    case 'array':
      return fc.array(schema.items ? fromSchema(schema.items) : jsonAny, { maxLength: Math.min(schema.maxItems ?? 10, 10) });
    default:
      return jsonAny;
  }
}

/** Generators for the fields the chat endpoints share, where the schema alone is too loose (ids that exist, the filter language, message content). */
function knownFields(known: KnownIds): Record<string, fc.Arbitrary<unknown>> {
  const pick = (ids: readonly string[]) => (ids.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...ids), weight: 3 }, fc.uuid(), anyString) : fc.uuid());
  const metadataKey = fc.constantFrom('note', 'contact.display_name', 'state', 'a.b.c', pollutionMarker, '__proto__.x', 'constructor.prototype.x');
  const filterTerm = fc.oneof(
    pick(known.conversationIds).map((id) => `id:${String(id)}`),
    fc.tuple(metadataKey, fc.string({ maxLength: 12 })).map(([k, v]) => `metadata.${k}:${JSON.stringify(v)}`),
    fc.tuple(fc.integer({ min: -5, max: 50 }), fc.integer({ min: -5, max: 50 })).map(([a, b]) => `unread_count:[${a} TO ${b}]`),
    pick(known.tagIds).map((id) => `tag_ids:${String(id)}`),
    fc.constantFrom('source:chatplugin', 'display_name:*', 'NOT id:x', '(a OR b) AND -c', 'channel_id:?*', '"unterminated', '(((', 'a:b:c', '[1 TO', '\\*'),
    fc.string({ maxLength: 40 }),
  );
  const message = fc.oneof(
    fc.record({ text: anyString }),
    fc.record({ text: fc.string({ maxLength: 2000 }) }),
    fc.record({ attachment: fc.record({ type: fc.constantFrom('image', 'file', 'x'), payload: fc.record({ url: fc.webUrl() }) }) }),
    jsonAny,
  );
  return {
    conversation_id: pick(known.conversationIds),
    channel_id: pick(known.channelIds),
    tag_id: pick(known.tagIds),
    message_id: pick(known.messageIds),
    id: pick([...known.tagIds, ...known.templateIds, ...known.conversationIds]),
    source_recipient_id: fc.oneof(fc.uuid(), anyString),
    filters: fc.oneof(fc.array(filterTerm, { maxLength: 4 }).map((terms) => terms.join(' ')), fc.constant('')),
    message,
    content: message,
    data: fc.oneof(
      fc.record({ note: fc.string({ maxLength: 200 }) }),
      fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('a.b', '', ' ', '__proto__', 'constructor', 'prototype')), jsonAny, { maxKeys: 5 }),
    ),
    source: fc.constantFrom('chatplugin', 'facebook', 'twilio.sms', ''),
    color: fc.constantFrom('tag-red', 'tag-blue', 'tag-green', 'tag-purple', 'red'),
    resume_token: fc.oneof(anyString, fc.base64String({ maxLength: 200 })),
    cursor: fc.oneof(anyString, fc.base64String({ maxLength: 80 })),
  };
}

/** Bodies the schema allows (fields the schema declares, with known ids mixed in). */
function validBody(schema: SchemaObject, known: KnownIds): fc.Arbitrary<Record<string, unknown>> {
  const fields = knownFields(known);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [field, property] of Object.entries(schema.properties ?? {})) {
    const generic = fromSchema(property);
    model[field] = fields[field] === undefined || property.enum !== undefined ? generic : fc.oneof({ arbitrary: fields[field]!, weight: 3 }, generic);
  }
  return fc.record(model, { requiredKeys: [...(schema.required ?? [])] }) as fc.Arbitrary<Record<string, unknown>>;
}

const edgeNumbers = ['0', '-0', '-1', '1.5', '1e308', '-1e308', '1e400', '-1e400', '1e-400', '9007199254740993', '2147483648', '1000', '1001', '123456789012345678901234567890'];

/** A valid body changed in one hostile way; `fieldNames` are the schema's fields (the mutation picks among them). */
function mutated(base: fc.Arbitrary<Record<string, unknown>>, fieldNames: readonly string[], required: readonly string[], maxLengths: Record<string, number>): fc.Arbitrary<BodyCase> {
  const field = fieldNames.length > 0 ? fc.constantFrom(...fieldNames) : fc.constant('x');
  const setField = (label: string, value: fc.Arbitrary<unknown>, contentType = json) =>
    fc.tuple(base, field, value).map(([body, name, v]): BodyCase => ({ label, body: serialize(withOwn(body, name, v)), contentType }));
  return fc.oneof(
    setField('wrong-type', fc.oneof(jsonLeaf, fc.array(jsonLeaf, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), jsonLeaf, { maxKeys: 3 }))),
    required.length > 0
      ? fc.tuple(base, fc.constantFrom(...required)).map(([body, name]): BodyCase => {
          const copy = { ...body };
          delete copy[name];
          return { label: 'missing-required', body: serialize(copy), contentType: json };
        })
      : base.map((body): BodyCase => ({ label: 'missing-required', body: serialize({ ...body, [fieldNames[0] ?? 'x']: null }), contentType: json })),
    fc
      .tuple(base, fc.dictionary(fc.string({ maxLength: 30 }), jsonAny, { minKeys: 1, maxKeys: 8 }))
      .map(([body, extra]): BodyCase => ({ label: 'extra-fields', body: serialize({ ...extra, ...body }), contentType: json })),
    // At the field's limit, one over, and far over it (the body limit is about 1 MiB).
    fc.tuple(base, field, fc.constantFrom(0, 1, 65_536, 600_000), fc.constantFrom('x', 'é', '😀')).map(([body, name, extra, char]): BodyCase => {
      const length = (maxLengths[name] ?? 1000) + extra;
      return { label: `huge-string:+${extra}`, body: serialize(withOwn(body, name, char.repeat(Math.ceil(length / char.length)))), contentType: json };
    }),
    setField('deep-nesting', fc.tuple(fc.constantFrom(64, 65, 500, 2_000, 10_000), fc.constantFrom('array' as const, 'object' as const)).map(([d, k]) => deepValue(d, k))),
    fc
      .tuple(base, fc.constantFrom(...protoKeys), fc.constantFrom('x', pollutionMarker, 'clockToleranceSeconds', 'isAdmin', 'length', 'toString'))
      .map(([body, key, inner]): BodyCase => ({ label: `proto-keys:${key}`, body: serialize(injectEverywhere(body, key, key === 'constructor' ? { prototype: { [inner]: 'y' } } : { [inner]: key === '__proto__' && inner === 'clockToleranceSeconds' ? 1e12 : 'y' })), contentType: json })),
    setField('unicode', fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }), fc.constantFrom('\u0000', '\ud800', '\udfff\ud800', '\u202e', '\ufeff', 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇'))),
    fc.tuple(base, field, fc.constantFrom(...edgeNumbers)).map(([body, name, literal]): BodyCase => ({ label: 'edge-number', body: serialize(withOwn(body, name, rawNumber(literal))), contentType: json })),
    fc.oneof(
      base.map((body): BodyCase => ({ label: 'array-for-object', body: serialize([body]), contentType: json })),
      fc.tuple(base, field).map(([body, name]): BodyCase => ({ label: 'array-for-object', body: serialize(withOwn(body, name, [body[name] ?? {}])), contentType: json })),
      fc.constantFrom('null', '[]', '"text"', '42', 'true', '{}').map((body): BodyCase => ({ label: 'array-for-object', body, contentType: json })),
    ),
    fc.oneof(
      base.map((body) => serialize(body)).chain((text) => fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((at): BodyCase => ({ label: 'invalid-json', body: text.slice(0, at), contentType: json }))),
      fc.constantFrom('{', '{"a":}', "{'a':1}", '{"a":1,}', '{"a":1}}', 'NaN', '{"a":undefined}', '\u0000', '{"a":"\\x41"}', '{"a":1} trailing', '{"a": 0x10}', '\ufeff{}').map((body): BodyCase => ({ label: 'invalid-json', body, contentType: json })),
    ),
    fc
      .tuple(base, fc.constantFrom<string | undefined>(undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/merge-patch+json', '*/*', 'application/json, text/plain'))
      .map(([body, contentType]): BodyCase => ({ label: `content-type:${contentType ?? 'none'}`, body: contentType?.startsWith('application/x-www-form') ? 'a=1&__proto__[x]=y' : serialize(body), contentType })),
  );
}

/**
 * Request bodies for an endpoint, from its OpenAPI request schema: schema-valid bodies (a quarter)
 * and hostile mutations of them (wrong types, missing and extra fields, strings at and over the
 * limits, deep nesting, `__proto__`/`constructor`/`prototype` keys at every level, unicode, edge
 * numbers, arrays for objects, invalid JSON, wrong content types).
 */
export function bodyCases(schema: SchemaObject, known: KnownIds): fc.Arbitrary<BodyCase> {
  const base = validBody(schema, known);
  const fieldNames = Object.keys(schema.properties ?? {});
  const maxLengths: Record<string, number> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) if (property.maxLength !== undefined) maxLengths[name] = property.maxLength;
  return fc.oneof(
    { arbitrary: base.map((body): BodyCase => ({ label: 'schema-valid', body: serialize(body), contentType: json })), weight: 1 },
    { arbitrary: mutated(base, fieldNames, schema.required ?? [], maxLengths), weight: 3 },
  );
}
