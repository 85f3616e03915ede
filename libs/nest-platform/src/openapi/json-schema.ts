import type { BodySchema, FieldRule } from '@platform/chat-domain';

/** An OpenAPI 3.0 schema object (the subset this lib writes). */
export type JsonSchema = Record<string, unknown>;

/** The OpenAPI 3.0 schema of one field rule of `@platform/chat-domain`'s validation. */
export function fieldRuleSchema(rule: FieldRule): JsonSchema {
  switch (rule.type) {
    case 'string': {
      const schema: JsonSchema = { type: 'string' };
      if (rule.oneOf !== undefined) schema.enum = [...rule.oneOf];
      else if (!(rule.allowEmpty ?? false)) schema.minLength = 1;
      if (rule.maxLength !== undefined) schema.maxLength = rule.maxLength;
      if (rule.pattern !== undefined) schema.pattern = rule.pattern.source;
      if (rule.patternMessage !== undefined) schema.description = rule.patternMessage;
      return schema;
    }
    case 'integer':
    case 'number': {
      const schema: JsonSchema = { type: rule.type };
      if (rule.min !== undefined) schema.minimum = rule.min;
      if (rule.max !== undefined) schema.maximum = rule.max;
      return schema;
    }
    case 'boolean':
      return { type: 'boolean' };
    case 'object':
      return { type: 'object', additionalProperties: true };
    case 'json':
      return { description: 'any JSON value except null' };
    case 'string-array': {
      const schema: JsonSchema = { type: 'array', items: { type: 'string' } };
      if (rule.maxItems !== undefined) schema.maxItems = rule.maxItems;
      return schema;
    }
  }
}

/** The object schema of a request body (declared fields, `required` list; further properties are ignored). */
export function bodySchemaToJsonSchema(schema: BodySchema): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [field, rule] of Object.entries(schema)) {
    properties[field] = fieldRuleSchema(rule);
    if (rule.required === true) required.push(field);
  }
  return required.length > 0 ? { type: 'object', properties, required } : { type: 'object', properties };
}
