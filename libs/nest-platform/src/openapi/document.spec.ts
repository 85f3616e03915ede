import { requestSchemas, type RequestName } from '@platform/chat-domain';
import { buildOpenApiDocument, requestSchemaName } from './document';
import { fieldRuleSchema } from './json-schema';

describe('OpenAPI from request schemas', () => {
  it('converts every kind of field rule', () => {
    expect(fieldRuleSchema({ type: 'string', maxLength: 5, pattern: /^a+$/, patternMessage: 'must be a run of a' })).toEqual({
      type: 'string',
      minLength: 1,
      maxLength: 5,
      pattern: '^a+$',
      description: 'must be a run of a',
    });
    expect(fieldRuleSchema({ type: 'string', allowEmpty: true })).toEqual({ type: 'string' });
    expect(fieldRuleSchema({ type: 'string', oneOf: ['x', 'y'] })).toEqual({ type: 'string', enum: ['x', 'y'] });
    expect(fieldRuleSchema({ type: 'number', min: 0 })).toEqual({ type: 'number', minimum: 0 });
    expect(fieldRuleSchema({ type: 'boolean' })).toEqual({ type: 'boolean' });
    expect(fieldRuleSchema({ type: 'object' })).toEqual({ type: 'object', additionalProperties: true });
    expect(fieldRuleSchema({ type: 'json' })).toEqual({ description: 'any JSON value except null' });
    expect(fieldRuleSchema({ type: 'string-array', maxItems: 3 })).toEqual({ type: 'array', items: { type: 'string' }, maxItems: 3 });
  });

  it('names request schemas after their endpoint', () => {
    expect(requestSchemaName('conversations.mark-read')).toBe('ConversationsMarkReadRequest');
    expect(requestSchemaName('chatplugin.resumeToken')).toBe('ChatpluginResumeTokenRequest');
    const names = (Object.keys(requestSchemas) as RequestName[]).map(requestSchemaName);
    expect(new Set(names).size).toBe(names.length);
  });

  it('describes every chat endpoint as POST with its body and required fields', () => {
    const endpoints = (Object.keys(requestSchemas) as RequestName[]).map((name) => ({ name }));
    const doc = buildOpenApiDocument({ title: 'All', version: '1', endpoints });
    expect(Object.keys(doc.paths)).toHaveLength(endpoints.length);
    const update = doc.components.schemas.ChannelsUpdateRequest as { properties: Record<string, { pattern?: string }>; required: string[] };
    expect(update.required).toEqual(['channel_id']);
    expect(new RegExp(update.properties.image_url.pattern ?? '').test('https://x.example/a.png')).toBe(true);
    expect(doc.components.schemas.TagsListRequest).toEqual({ type: 'object', properties: {} });
    const send = doc.paths['/messages.send'].post as { requestBody: unknown; responses: Record<string, unknown> };
    expect(send.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/MessagesSendRequest' } } },
    });
    expect(send.responses['503']).toMatchObject({ headers: { 'Retry-After': { schema: { type: 'integer' } } } });
  });
});
