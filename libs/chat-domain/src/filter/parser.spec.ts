import { PlatformError } from '@platform/common';
import { ChatDomainError, FilterSyntaxError } from '../errors';
import { maxFilterDepth, maxFilterTermLength, maxFilterTerms, maxFilterWildcards, parseDate, parseFilter } from './parser';

describe('parseFilter: AST', () => {
  it('parses the empty query as match-all', () => {
    expect(parseFilter('')).toEqual({ type: 'all' });
    expect(parseFilter('   ')).toEqual({ type: 'all' });
    expect(parseFilter('*:*')).toEqual({ type: 'all' });
  });

  it('parses terms, lower-casing values and field names', () => {
    expect(parseFilter('Source:FaceBook')).toEqual({ type: 'term', field: 'source', value: 'facebook' });
    expect(parseFilter('abc')).toEqual({ type: 'term', field: 'id', value: 'abc' });
    expect(parseFilter('metadata.State:CLOSED')).toEqual({ type: 'term', field: 'metadata.state', value: 'closed' });
  });

  it('parses wildcards and exists', () => {
    expect(parseFilter('display_name:*Foo*')).toEqual({ type: 'wildcard', field: 'display_name', pattern: '*foo*' });
    expect(parseFilter('id:*')).toEqual({ type: 'exists', field: 'id' });
    expect(parseFilter('display_name:a\\*b')).toEqual({ type: 'term', field: 'display_name', value: 'a*b' });
  });

  it('parses ranges with inclusive/exclusive and open bounds', () => {
    expect(parseFilter('unread_count:[1 TO *]')).toEqual({ type: 'range', field: 'unread_count', lower: { value: 1, inclusive: true }, upper: null });
    expect(parseFilter('created_at:{100 TO 200]')).toEqual({
      type: 'range',
      field: 'created_at',
      lower: { value: 100, inclusive: false },
      upper: { value: 200, inclusive: true },
    });
    expect(parseFilter('unread_count:[-5 TO -1]')).toMatchObject({ lower: { value: -5 }, upper: { value: -1 } });
  });

  it('turns numeric terms and comparisons into ranges', () => {
    expect(parseFilter('unread_count:0')).toEqual({ type: 'range', field: 'unread_count', lower: { value: 0, inclusive: true }, upper: { value: 0, inclusive: true } });
    expect(parseFilter('unread_count:>2')).toEqual({ type: 'range', field: 'unread_count', lower: { value: 2, inclusive: false }, upper: null });
    expect(parseFilter('unread_count:<=2')).toEqual({ type: 'range', field: 'unread_count', lower: null, upper: { value: 2, inclusive: true } });
  });

  it('accepts ISO dates for date fields', () => {
    expect(parseFilter('created_at:[2024-01-01 TO "2024-01-02T12:00:00Z"]')).toEqual({
      type: 'range',
      field: 'created_at',
      lower: { value: Date.UTC(2024, 0, 1), inclusive: true },
      upper: { value: Date.UTC(2024, 0, 2, 12), inclusive: true },
    });
    expect(parseDate('1700000000000')).toBe(1_700_000_000_000);
    expect(parseDate('yesterday')).toBeUndefined();
    expect(parseDate('2024-13-45')).toBeUndefined();
  });

  it('applies precedence NOT > AND > OR, juxtaposition as AND', () => {
    expect(parseFilter('a OR b AND NOT c')).toEqual({
      type: 'or',
      children: [
        { type: 'term', field: 'id', value: 'a' },
        { type: 'and', children: [{ type: 'term', field: 'id', value: 'b' }, { type: 'not', child: { type: 'term', field: 'id', value: 'c' } }] },
      ],
    });
    expect(parseFilter('+a -b')).toEqual({ type: 'and', children: [{ type: 'term', field: 'id', value: 'a' }, { type: 'not', child: { type: 'term', field: 'id', value: 'b' } }] });
    expect(parseFilter('(a OR b) c')).toEqual({
      type: 'and',
      children: [{ type: 'or', children: [{ type: 'term', field: 'id', value: 'a' }, { type: 'term', field: 'id', value: 'b' }] }, { type: 'term', field: 'id', value: 'c' }],
    });
  });

  it('applies a field to its group', () => {
    expect(parseFilter('tag_ids:(a AND b)')).toEqual({
      type: 'and',
      children: [{ type: 'term', field: 'tag_ids', value: 'a' }, { type: 'term', field: 'tag_ids', value: 'b' }],
    });
    expect(parseFilter('unread_count:(0 OR [5 TO *])')).toEqual({
      type: 'or',
      children: [
        { type: 'range', field: 'unread_count', lower: { value: 0, inclusive: true }, upper: { value: 0, inclusive: true } },
        { type: 'range', field: 'unread_count', lower: { value: 5, inclusive: true }, upper: null },
      ],
    });
  });

  it('parses phrases', () => {
    expect(parseFilter('display_name:"Grace  Hopper"')).toEqual({ type: 'phrase', field: 'display_name', words: ['grace', 'hopper'] });
    expect(parseFilter('source:"twilio.sms"')).toEqual({ type: 'term', field: 'source', value: 'twilio.sms' });
    expect(parseFilter('unread_count:"3"')).toMatchObject({ type: 'range', lower: { value: 3 } });
  });
});

describe('parseFilter: errors', () => {
  const cases: Array<[string, number, string]> = [
    ['foo:bar', 0, 'unknown field "foo"'],
    ['metadata.:x', 0, 'unknown field'],
    ['metadata.a..b:x', 0, 'metadata fields are'],
    ['disp*:x', 0, 'wildcards are not allowed in field names'],
    ['"source":x', 0, 'cannot be quoted'],
    ['source:', 7, 'expected a value after "source:"'],
    ['source:)', 7, 'expected a value after "source:"'],
    ['a AND', 5, 'expected a term after AND'],
    ['a OR', 4, 'expected a term after OR'],
    ['NOT', 3, 'expected a term after NOT'],
    ['a ) b', 2, '")" without matching "("'],
    ['(a OR b', 7, 'missing ")" for "(" at position 0'],
    ['()', 1, 'empty group'],
    ['tag_ids:(source:x)', 9, 'inside the group of field "tag_ids"'],
    ['unread_count:[1 TO', 18, 'expected the upper bound'],
    ['unread_count:[1 5]', 16, 'expected TO'],
    ['unread_count:[1 TO 5', 20, 'missing "]" or "}"'],
    ['unread_count:[1 TO 5)', 20, 'expected "]" or "}"'],
    ['unread_count:[TO 5]', 14, 'expected the lower bound'],
    ['unread_count:[1* TO 5]', 14, 'wildcards are not allowed in range bounds'],
    ['unread_count:abc', 13, 'expected an integer'],
    ['unread_count:1.5', 13, 'expected an integer'],
    ['unread_count:1*', 13, 'wildcards are not supported on unread_count'],
    ['created_at:[yesterday TO *]', 12, 'expected epoch milliseconds or an ISO-8601 date'],
    ['unread_count:>x', 14, 'expected an integer'],
    ['a:b', 0, 'unknown field "a"'],
    ['source:x:y', 8, 'unexpected ":"'],
  ];

  it.each(cases)('%s → position %d: %s', (query, position, message) => {
    let error: unknown;
    try {
      parseFilter(query);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FilterSyntaxError);
    const syntax = error as FilterSyntaxError;
    expect(syntax.reason).toContain(message);
    expect(syntax.position).toBe(position);
    expect(syntax.query).toBe(query);
    expect(syntax.message).toBe(`${syntax.reason} at position ${position}`);
  });

  it('derives from ChatDomainError and PlatformError and is not retriable', () => {
    let error: unknown;
    try {
      parseFilter('(');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChatDomainError);
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).retriable).toBe(false);
    expect((error as Error).name).toBe('FilterSyntaxError');
  });

  it('limits nesting depth and length instead of overflowing the stack', () => {
    const deep = '('.repeat(maxFilterDepth + 1) + 'a' + ')'.repeat(maxFilterDepth + 1);
    expect(() => parseFilter(deep)).toThrow('nested deeper');
    expect(() => parseFilter('NOT '.repeat(maxFilterDepth + 1) + 'a')).toThrow('nested deeper');
    expect(() => parseFilter('a '.repeat(6_000))).toThrow('longer than');
    expect(parseFilter('('.repeat(10) + 'a' + ')'.repeat(10))).toEqual({ type: 'term', field: 'id', value: 'a' });
  });

  it('caps wildcards per term, naming the cap (escaped ones do not count)', () => {
    expect(parseFilter(`display_name:${'*'.repeat(maxFilterWildcards)}z`)).toEqual({ type: 'wildcard', field: 'display_name', pattern: `${'*'.repeat(maxFilterWildcards)}z` });
    expect(parseFilter(`a?${'*'.repeat(maxFilterWildcards - 1)}`)).toMatchObject({ type: 'wildcard' });
    expect(() => parseFilter(`display_name:${'*'.repeat(maxFilterWildcards + 1)}z`)).toThrow(`term has more than ${maxFilterWildcards} wildcards ("*" or "?") at position 13`);
    expect(() => parseFilter(`${'?'.repeat(maxFilterWildcards + 1)}`)).toThrow(`more than ${maxFilterWildcards} wildcards`);
    expect(parseFilter(`${'\\*'.repeat(maxFilterWildcards + 1)}*`)).toMatchObject({ type: 'wildcard' });
  });

  it('caps the length of a term or phrase and the number of terms', () => {
    expect(parseFilter('a'.repeat(maxFilterTermLength))).toMatchObject({ type: 'term' });
    expect(() => parseFilter('a'.repeat(maxFilterTermLength + 1))).toThrow(`term longer than ${maxFilterTermLength} characters at position 0`);
    expect(() => parseFilter(`display_name:"${'a'.repeat(maxFilterTermLength + 1)}"`)).toThrow(`term longer than ${maxFilterTermLength}`);
    expect(() => parseFilter(`unread_count:[${'1'.repeat(maxFilterTermLength + 1)} TO *]`)).toThrow(`term longer than ${maxFilterTermLength}`);
    const many = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`).join(' OR ');
    expect(parseFilter(many(maxFilterTerms))).toMatchObject({ type: 'or' });
    expect(() => parseFilter(many(maxFilterTerms + 1))).toThrow(`filter has more than ${maxFilterTerms} terms`);
    expect(() => parseFilter(`unread_count:[1 TO 2] ${many(maxFilterTerms - 1)}`)).toThrow(`more than ${maxFilterTerms} terms`);
  });
});
