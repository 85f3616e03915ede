import { bodySchema, validateBody, type BodyOf } from './validation';

const schema = bodySchema({
  id: { type: 'string', required: true, maxLength: 5 },
  color: { type: 'string', oneOf: ['a', 'b'] },
  note: { type: 'string', allowEmpty: true },
  url: { type: 'string', pattern: /^https?:/, patternMessage: 'must be an http(s) URL' },
  size: { type: 'integer', min: 1, max: 10 },
  ratio: { type: 'number', min: 0 },
  flag: { type: 'boolean' },
  data: { type: 'object' },
  content: { type: 'json', maxBytes: 12, sizeLabel: 'content text' },
  meta: { type: 'object', maxBytes: 7 },
  list: { type: 'string-array', maxItems: 2 },
});

describe('validateBody', () => {
  it('returns only declared fields, typed', () => {
    const result = validateBody({ id: 'x', color: 'a', size: 3, extra: 'ignored', content: [1] }, schema);
    expect(result).toEqual({ ok: true, value: { id: 'x', color: 'a', size: 3, content: [1] } });
    if (result.ok) {
      const body: BodyOf<typeof schema> = result.value;
      const id: string = body.id;
      const color: 'a' | 'b' | undefined = body.color;
      expect([id, color]).toEqual(['x', 'a']);
    }
  });

  it('treats null as absent', () => {
    expect(validateBody({ id: 'x', size: null }, schema)).toEqual({ ok: true, value: { id: 'x' } });
    expect(validateBody({ id: null }, schema)).toEqual({ ok: false, field: 'id', message: 'id is required' });
  });

  it.each<[unknown, string, string]>([
    [null, '', 'request body must be a JSON object'],
    [[], '', 'request body must be a JSON object'],
    ['x', '', 'request body must be a JSON object'],
    [{}, 'id', 'id is required'],
    [{ id: 5 }, 'id', 'id must be a string'],
    [{ id: ' ' }, 'id', 'id must not be empty'],
    [{ id: 'x', color: 'c' }, 'color', 'color must be one of a, b'],
    [{ id: 'x', url: 'ftp://x' }, 'url', 'url must be an http(s) URL'],
    [{ id: 'x', size: '3' }, 'size', 'size must be a number'],
    [{ id: 'x', size: 2.5 }, 'size', 'size must be an integer'],
    [{ id: 'x', size: 0 }, 'size', 'size must be at least 1'],
    [{ id: 'x', size: 11 }, 'size', 'size must be at most 10'],
    [{ id: 'x', ratio: -1 }, 'ratio', 'ratio must be at least 0'],
    [{ id: 'x', flag: 'true' }, 'flag', 'flag must be true or false'],
    [{ id: 'x', data: [1] }, 'data', 'data must be a JSON object'],
    [{ id: 'x', data: 'x' }, 'data', 'data must be a JSON object'],
    [{ id: 'x', list: 'a' }, 'list', 'list must be an array of strings'],
    [{ id: 'x', list: ['a', 1] }, 'list', 'list[1] must be a string'],
    [{ id: 'x', meta: [] }, 'meta', 'meta must be a JSON object'],
  ])('%j → %s: %s', (body, field, message) => {
    expect(validateBody(body, schema)).toEqual({ ok: false, field, message });
  });

  it.each<[unknown, string, string]>([
    [{ id: '123456' }, 'id', 'id must be at most 5 characters'],
    [{ id: 'x', list: ['a', 'b', 'c'] }, 'list', 'list must have at most 2 items'],
    [{ id: 'x', content: 'éééééé' }, 'content', 'content text is 14 bytes, limit 12 bytes'],
    [{ id: 'x', content: { a: 'bcdef' } }, 'content', 'content text is 13 bytes, limit 12 bytes'],
    [{ id: 'x', meta: { a: 'bc' } }, 'meta', 'meta is 10 bytes, limit 7 bytes'],
  ])('%j is too large → %s: %s', (body, field, message) => {
    expect(validateBody(body, schema)).toEqual({ ok: false, field, message, tooLarge: true });
  });

  it('accepts sizes exactly at their limits', () => {
    expect(validateBody({ id: '12345', list: ['a', 'b'], content: 'ééééé', meta: { a: 1 } }, schema).ok).toBe(true);
    expect(validateBody({ id: 'x', content: { a: 'bcde' } }, schema).ok).toBe(true);
    expect(validateBody({ id: 'x', meta: { b: 2 } }, schema).ok).toBe(true);
    expect(validateBody({ id: 'x', meta: { ab: 1 } }, schema)).toMatchObject({ ok: false, tooLarge: true });
  });

  it('answers 400 (not too large) for content that cannot be written as JSON', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(validateBody({ id: 'x', content: deep }, schema)).toEqual({ ok: false, field: 'content', message: 'content cannot be written as JSON' });
  });

  it('allows empty strings when asked', () => {
    expect(validateBody({ id: 'x', note: '' }, schema)).toEqual({ ok: true, value: { id: 'x', note: '' } });
  });
});
