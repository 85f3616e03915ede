import { FilterSyntaxError } from '../errors';
import { tokenize } from './tokenizer';

const types = (q: string) => tokenize(q).map((t) => t.type);

describe('tokenize', () => {
  it('recognizes punctuation, operators and terms with positions', () => {
    const tokens = tokenize('tag_ids:(a AND b) || !x');
    expect(tokens.map((t) => [t.type, t.raw, t.position])).toEqual([
      ['term', 'tag_ids', 0],
      ['colon', ':', 7],
      ['lparen', '(', 8],
      ['term', 'a', 9],
      ['and', 'AND', 11],
      ['term', 'b', 15],
      ['rparen', ')', 16],
      ['or', '||', 18],
      ['not', '!', 21],
      ['term', 'x', 22],
      ['eof', '', 23],
    ]);
  });

  it('treats lower-case and/or/not as terms (Lucene)', () => {
    expect(types('a and b or not c')).toEqual(['term', 'term', 'term', 'term', 'term', 'term', 'eof']);
    expect(types('a && b')).toEqual(['term', 'and', 'term', 'eof']);
  });

  it('reads ranges', () => {
    expect(types('unread_count:[1 TO *}')).toEqual(['term', 'colon', 'lbracket', 'term', 'term', 'term', 'rbrace', 'eof']);
  });

  it('keeps dashes inside terms and treats leading +/- as operators', () => {
    expect(tokenize('id:3f1b-0c2e').map((t) => t.raw)).toEqual(['id', ':', '3f1b-0c2e', '']);
    expect(types('-a +b')).toEqual(['minus', 'term', 'plus', 'term', 'eof']);
  });

  it('marks wildcards and keeps escaped ones literal', () => {
    const [star] = tokenize('*foo?');
    expect(star).toMatchObject({ value: '*foo?', pattern: '*foo?', wildcard: true });
    const [escaped] = tokenize('a\\*b');
    expect(escaped).toMatchObject({ value: 'a*b', pattern: 'a\\*b', wildcard: false });
    const [colon] = tokenize('a\\:b');
    expect(colon).toMatchObject({ type: 'term', value: 'a:b' });
  });

  it('reads quoted phrases with escapes', () => {
    const [phrase] = tokenize('"Grace \\"Amazing\\" Hopper"');
    expect(phrase).toMatchObject({ type: 'phrase', value: 'Grace "Amazing" Hopper', position: 0 });
  });

  it('reports unterminated phrases, trailing escapes, boosts and fuzzy', () => {
    const cases: Array<[string, number, string]> = [
      ['display_name:"grace', 13, 'unterminated quoted phrase'],
      ['abc\\', 3, 'escape character'],
      ['"abc\\', 4, 'escape character'],
      ['foo^2', 3, 'boosts'],
      ['foo~', 3, 'fuzzy'],
    ];
    for (const [query, position, message] of cases) {
      let error: unknown;
      try {
        tokenize(query);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FilterSyntaxError);
      expect((error as FilterSyntaxError).position).toBe(position);
      expect((error as FilterSyntaxError).message).toContain(message);
    }
  });
});
