import { jsonByteLength } from './limits';

/**
 * Request-body validation against a small schema description. Returns the first problem as
 * `{ok: false, field, message}` where `message` names the field (adapters answer
 * `400 {message}`), or `{ok: true, value}` with only the declared fields, typed. A field over a
 * size limit (`maxLength`, `maxItems`, `maxBytes`) also carries `tooLarge: true` (adapters answer
 * `413 {message}`, the message naming the limit). Unknown properties are ignored and `null` counts
 * as absent, as Airy's Jackson setup did.
 */
export type FieldRule =
  | { type: 'string'; required?: boolean; allowEmpty?: boolean; maxLength?: number; pattern?: RegExp; patternMessage?: string; oneOf?: readonly string[] }
  | { type: 'integer'; required?: boolean; min?: number; max?: number }
  | { type: 'number'; required?: boolean; min?: number; max?: number }
  | { type: 'boolean'; required?: boolean }
  /** A JSON object (not an array); `maxBytes` bounds the UTF-8 bytes of its JSON text, `sizeLabel` names it in the message. */
  | { type: 'object'; required?: boolean; maxBytes?: number; sizeLabel?: string }
  /** Any JSON value except null (message content, template content); `maxBytes` as for objects. */
  | { type: 'json'; required?: boolean; maxBytes?: number; sizeLabel?: string }
  | { type: 'string-array'; required?: boolean; maxItems?: number };

export type BodySchema = Readonly<Record<string, FieldRule>>;

type RuleValue<R extends FieldRule> = R extends { type: 'string'; oneOf: readonly (infer U)[] }
  ? U
  : R extends { type: 'string' }
    ? string
    : R extends { type: 'integer' | 'number' }
      ? number
      : R extends { type: 'boolean' }
        ? boolean
        : R extends { type: 'object' }
          ? Record<string, unknown>
          : R extends { type: 'string-array' }
            ? string[]
            : unknown;

type RequiredKeys<S extends BodySchema> = { [K in keyof S]: S[K] extends { required: true } ? K : never }[keyof S];

/** The typed body a schema describes. */
export type BodyOf<S extends BodySchema> = { [K in RequiredKeys<S>]: RuleValue<S[K]> } & { [K in Exclude<keyof S, RequiredKeys<S>>]?: RuleValue<S[K]> };

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; field: string; message: string; tooLarge?: true };

/** A field's problem: a message, or a message about its size (answered 413). */
type Problem = string | { tooLarge: string };

/** Declares a schema keeping its literal types (so BodyOf can see `required: true` and `oneOf`). */
export function bodySchema<const S extends BodySchema>(schema: S): S {
  return schema;
}

export function validateBody<S extends BodySchema>(body: unknown, schema: S): ValidationResult<BodyOf<S>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, field: '', message: 'request body must be a JSON object' };
  }
  const input = body as Record<string, unknown>;
  const value: Record<string, unknown> = {};
  for (const [field, rule] of Object.entries(schema)) {
    const raw = Object.prototype.hasOwnProperty.call(input, field) ? input[field] : undefined;
    if (raw === undefined || raw === null) {
      if (rule.required === true) return { ok: false, field, message: `${field} is required` };
      continue;
    }
    const problem = checkField(field, rule, raw);
    if (typeof problem === 'string') return { ok: false, field, message: problem };
    if (problem !== undefined) return { ok: false, field, message: problem.tooLarge, tooLarge: true };
    value[field] = raw;
  }
  return { ok: true, value: value as BodyOf<S> };
}

function checkField(field: string, rule: FieldRule, raw: unknown): Problem | undefined {
  switch (rule.type) {
    case 'string': {
      if (typeof raw !== 'string') return `${field} must be a string`;
      if (rule.oneOf !== undefined && !rule.oneOf.includes(raw)) return `${field} must be one of ${rule.oneOf.join(', ')}`;
      if (!(rule.allowEmpty ?? false) && raw.trim() === '') return `${field} must not be empty`;
      if (rule.maxLength !== undefined && raw.length > rule.maxLength) return { tooLarge: `${field} must be at most ${rule.maxLength} characters` };
      if (rule.pattern !== undefined && !rule.pattern.test(raw)) return `${field} ${rule.patternMessage ?? `must match ${rule.pattern}`}`;
      return undefined;
    }
    case 'integer':
    case 'number': {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return `${field} must be a number`;
      if (rule.type === 'integer' && !Number.isInteger(raw)) return `${field} must be an integer`;
      if (rule.min !== undefined && raw < rule.min) return `${field} must be at least ${rule.min}`;
      if (rule.max !== undefined && raw > rule.max) return `${field} must be at most ${rule.max}`;
      return undefined;
    }
    case 'boolean':
      return typeof raw === 'boolean' ? undefined : `${field} must be true or false`;
    case 'object':
      if (typeof raw !== 'object' || Array.isArray(raw)) return `${field} must be a JSON object`;
      return checkBytes(field, rule, raw);
    case 'json':
      return checkBytes(field, rule, raw);
    case 'string-array': {
      if (!Array.isArray(raw)) return `${field} must be an array of strings`;
      const bad = raw.findIndex((item) => typeof item !== 'string');
      if (bad >= 0) return `${field}[${bad}] must be a string`;
      if (rule.maxItems !== undefined && raw.length > rule.maxItems) return { tooLarge: `${field} must have at most ${rule.maxItems} items` };
      return undefined;
    }
  }
}

function checkBytes(field: string, rule: { maxBytes?: number; sizeLabel?: string }, raw: unknown): Problem | undefined {
  if (rule.maxBytes === undefined) return undefined;
  const bytes = jsonByteLength(raw);
  if (bytes === undefined) return `${field} cannot be written as JSON`;
  if (bytes > rule.maxBytes) return { tooLarge: `${rule.sizeLabel ?? field} is ${bytes} bytes, limit ${rule.maxBytes} bytes` };
  return undefined;
}
