import { maxIdLength, maxMessageContentBytes, maxMetadataUpsertBytes, maxNameLength, maxSourceLength, maxStateLength, maxTagNameLength, maxTemplateContentBytes } from './limits';
import { requestSchemas, validateRequest, type RequestBody } from './requests';

describe('validateRequest', () => {
  it('accepts the bodies Airy clients send', () => {
    expect(validateRequest('conversations.list', { filters: 'unread_count:[1 TO *]', cursor: null, page_size: 10 })).toEqual({
      ok: true,
      value: { filters: 'unread_count:[1 TO *]', page_size: 10 },
    });
    expect(validateRequest('conversations.list', {}).ok).toBe(true);
    expect(validateRequest('conversations.list', { filters: '' }).ok).toBe(true);
    expect(validateRequest('tags.create', { name: 'VIP', color: 'tag-red' })).toEqual({ ok: true, value: { name: 'VIP', color: 'tag-red' } });
    expect(validateRequest('metadata.upsert', { subject: 'conversation', id: 'c', data: { a: 1 } }).ok).toBe(true);
    expect(validateRequest('templates.create', { name: 'n', source: 'chatplugin', content: { text: 'x' } }).ok).toBe(true);
    expect(validateRequest('tags.list', {}).ok).toBe(true);
  });

  it('names the failing field', () => {
    expect(validateRequest('conversations.info', {})).toEqual({ ok: false, field: 'conversation_id', message: 'conversation_id is required' });
    expect(validateRequest('conversations.list', { page_size: 0 })).toEqual({ ok: false, field: 'page_size', message: 'page_size must be at least 1' });
    expect(validateRequest('tags.create', { name: 'VIP', color: 'pink' })).toEqual({ ok: false, field: 'color', message: 'color must be one of tag-blue, tag-red, tag-green, tag-purple' });
    expect(validateRequest('tags.create', { name: 'VIP' })).toEqual({ ok: false, field: 'color', message: 'color is required' });
    expect(validateRequest('metadata.upsert', { subject: 'user', id: 'x', data: {} })).toMatchObject({ ok: false, field: 'subject' });
    expect(validateRequest('channels.chatplugin.connect', { name: 'Site', image_url: 'javascript:alert(1)' })).toEqual({
      ok: false,
      field: 'image_url',
      message: 'image_url must be an http(s) URL',
    });
    expect(validateRequest('conversations.set-state', { conversation_id: 'c' })).toEqual({ ok: false, field: 'state', message: 'state is required' });
  });

  it('applies the messages.send forms', () => {
    expect(validateRequest('messages.send', { conversation_id: 'c', message: { text: 'hi' } }).ok).toBe(true);
    expect(validateRequest('messages.send', { channel_id: 'ch', source_recipient_id: '+49', message: { text: 'hi' } }).ok).toBe(true);
    expect(validateRequest('messages.send', { conversation_id: 'c' })).toEqual({ ok: false, field: 'message', message: 'message is required' });
    expect(validateRequest('messages.send', { message: {} })).toMatchObject({ ok: false, field: 'conversation_id' });
    expect(validateRequest('messages.send', { channel_id: 'ch', message: {} })).toMatchObject({ ok: false, field: 'source_recipient_id' });
    expect(validateRequest('messages.send', { conversation_id: 'c', channel_id: 'ch', message: {} })).toMatchObject({ ok: false, field: 'conversation_id' });
  });

  it('applies the chatplugin forms', () => {
    expect(validateRequest('chatplugin.authenticate', { channel_id: 'ch' }).ok).toBe(true);
    expect(validateRequest('chatplugin.authenticate', { resume_token: 't' }).ok).toBe(true);
    expect(validateRequest('chatplugin.authenticate', {})).toMatchObject({ ok: false, field: 'channel_id' });
    expect(validateRequest('chatplugin.authenticate', { channel_id: 'ch', resume_token: 't' })).toMatchObject({ ok: false });
    expect(validateRequest('chatplugin.resumeToken', {}).ok).toBe(true);
    expect(validateRequest('chatplugin.resumeToken', { channel_id: 'ch' })).toMatchObject({ ok: false, field: 'conversation_id' });
  });

  it('types bodies per endpoint', () => {
    const result = validateRequest('conversations.tag', { conversation_id: 'c', tag_id: 't' });
    expect(result.ok).toBe(true);
    if (result.ok) {
      const body: RequestBody<'conversations.tag'> = result.value;
      const ids: [string, string] = [body.conversation_id, body.tag_id];
      expect(ids).toEqual(['c', 't']);
    }
    expect(Object.keys(requestSchemas).length).toBeGreaterThanOrEqual(29);
  });
});

describe('size limits of the chat endpoints (limits.ts)', () => {
  /** A JSON value whose JSON text is exactly `bytes` long (multi-byte characters included). */
  const json = (bytes: number) => {
    const overhead = Buffer.byteLength(JSON.stringify({ text: '' }));
    const euros = Math.floor((bytes - overhead) / 3);
    return { text: '€'.repeat(euros) + 'x'.repeat(bytes - overhead - 3 * euros) };
  };
  const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

  it.each([
    ['messages.send', (content: unknown) => ({ conversation_id: 'c', message: content }), maxMessageContentBytes, 'message content'],
    ['chatplugin.send', (content: unknown) => ({ message: content }), maxMessageContentBytes, 'message content'],
    ['templates.create', (content: unknown) => ({ name: 'n', source: 'chatplugin', content }), maxTemplateContentBytes, 'template content'],
    ['templates.update', (content: unknown) => ({ id: 't', content }), maxTemplateContentBytes, 'template content'],
    ['metadata.upsert', (data: unknown) => ({ subject: 'conversation', id: 'c', data }), maxMetadataUpsertBytes, 'metadata data'],
  ] as const)('%s accepts %s bytes exactly at the limit and refuses one more as too large', (endpoint, body, limit, label) => {
    expect(size(json(limit))).toBe(limit);
    expect(validateRequest(endpoint, body(json(limit))).ok).toBe(true);
    expect(validateRequest(endpoint, body(json(limit + 1)))).toMatchObject({ ok: false, tooLarge: true, message: `${label} is ${limit + 1} bytes, limit ${limit} bytes` });
  });

  it.each([
    ['tags.create', (v: string) => ({ name: v, color: 'tag-red' }), 'name', maxTagNameLength],
    ['tags.update', (v: string) => ({ id: 't', name: v }), 'name', maxTagNameLength],
    ['channels.chatplugin.connect', (v: string) => ({ name: v }), 'name', maxNameLength],
    ['channels.update', (v: string) => ({ channel_id: 'c', name: v }), 'name', maxNameLength],
    ['templates.create', (v: string) => ({ name: v, source: 's', content: {} }), 'name', maxNameLength],
    ['templates.create', (v: string) => ({ name: 'n', source: v, content: {} }), 'source', maxSourceLength],
    ['conversations.update-contact', (v: string) => ({ conversation_id: 'c', display_name: v }), 'display_name', maxNameLength],
    ['conversations.set-state', (v: string) => ({ conversation_id: 'c', state: v }), 'state', maxStateLength],
    ['messages.send', (v: string) => ({ conversation_id: v, message: {} }), 'conversation_id', maxIdLength],
    ['metadata.upsert', (v: string) => ({ subject: 'message', id: v, data: {} }), 'id', maxIdLength],
  ] as const)('%s: %s of %s characters is accepted, one more is too large', (endpoint, body, field, limit) => {
    expect(validateRequest(endpoint, body('a'.repeat(limit))).ok).toBe(true);
    expect(validateRequest(endpoint, body('a'.repeat(limit + 1)))).toEqual({ ok: false, field, message: `${field} must be at most ${limit} characters`, tooLarge: true });
  });
});
