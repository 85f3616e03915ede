import { FilterSyntaxError } from '../errors';

export type TokenType = 'lparen' | 'rparen' | 'lbracket' | 'rbracket' | 'lbrace' | 'rbrace' | 'colon' | 'and' | 'or' | 'not' | 'plus' | 'minus' | 'term' | 'phrase' | 'eof';

export interface Token {
  type: TokenType;
  /** 0-based offset of the token's first character in the query. */
  position: number;
  /** Source text of the token. */
  raw: string;
  /** Terms and phrases: the value with escapes resolved. */
  value: string;
  /** Terms: the value as a glob (unescaped `*` / `?` are wildcards; literal ones escaped). */
  pattern: string;
  /** Terms: whether `pattern` holds an unescaped `*` or `?`. */
  wildcard: boolean;
}

const single: Record<string, TokenType> = {
  '(': 'lparen',
  ')': 'rparen',
  '[': 'lbracket',
  ']': 'rbracket',
  '{': 'lbrace',
  '}': 'rbrace',
  ':': 'colon',
};
const keywords: Record<string, TokenType> = { AND: 'and', OR: 'or', NOT: 'not' };
const termBreak = /[\s()[\]{}:"]/;

function token(type: TokenType, position: number, raw: string, value = raw): Token {
  return { type, position, raw, value, pattern: value, wildcard: false };
}

/**
 * Splits a filter query into tokens. Operators are Lucene's: `AND`/`&&`, `OR`/`||`,
 * `NOT`/`!` (upper-case words only, as in Lucene; `and` is a plain term), and the `+`/`-`
 * prefixes. A backslash escapes any character. Boosts (`^`) and fuzzy/proximity (`~`) are
 * refused rather than silently ignored.
 */
export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (single[c] !== undefined) {
      tokens.push(token(single[c]!, start, c));
      i++;
    } else if ((c === '&' || c === '|') && query[i + 1] === c) {
      tokens.push(token(c === '&' ? 'and' : 'or', start, c + c));
      i += 2;
    } else if (c === '!') {
      tokens.push(token('not', start, c));
      i++;
    } else if (c === '+' || c === '-') {
      tokens.push(token(c === '+' ? 'plus' : 'minus', start, c));
      i++;
    } else if (c === '"') {
      i = readPhrase(query, i, tokens);
    } else {
      i = readTerm(query, i, tokens);
    }
  }
  tokens.push(token('eof', query.length, ''));
  return tokens;
}

function readPhrase(query: string, start: number, tokens: Token[]): number {
  let value = '';
  let i = start + 1;
  while (i < query.length && query[i] !== '"') {
    if (query[i] === '\\') {
      if (i + 1 >= query.length) throw new FilterSyntaxError('escape character "\\" at end of query', i, query);
      value += query[i + 1];
      i += 2;
    } else {
      value += query[i];
      i++;
    }
  }
  if (i >= query.length) throw new FilterSyntaxError('unterminated quoted phrase', start, query);
  tokens.push({ ...token('phrase', start, query.slice(start, i + 1)), value, pattern: value });
  return i + 1;
}

function readTerm(query: string, start: number, tokens: Token[]): number {
  let value = '';
  let pattern = '';
  let wildcard = false;
  let i = start;
  while (i < query.length && !termBreak.test(query[i]!)) {
    const c = query[i]!;
    if (c === '\\') {
      if (i + 1 >= query.length) throw new FilterSyntaxError('escape character "\\" at end of query', i, query);
      const next = query[i + 1]!;
      value += next;
      pattern += next === '*' || next === '?' || next === '\\' ? `\\${next}` : next;
      i += 2;
      continue;
    }
    if (c === '^') throw new FilterSyntaxError('boosts ("^") are not supported; escape it as "\\^" to search for it', i, query);
    if (c === '~') throw new FilterSyntaxError('fuzzy and proximity searches ("~") are not supported; escape it as "\\~" to search for it', i, query);
    if (c === '*' || c === '?') wildcard = true;
    value += c;
    pattern += c;
    i++;
  }
  const raw = query.slice(start, i);
  const keyword = keywords[raw];
  if (keyword !== undefined) tokens.push(token(keyword, start, raw));
  else tokens.push({ type: 'term', position: start, raw, value, pattern, wildcard });
  return i;
}
