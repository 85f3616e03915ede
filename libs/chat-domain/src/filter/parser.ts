import { FilterSyntaxError } from '../errors';
import { defaultFilterField, fieldKind, filterFields, metadataFieldPrefix, type FieldKind, type FilterNode, type RangeBound } from './ast';
import { isReservedKey, reservedKeys } from '../safe-keys';
import { tokenize, type Token, type TokenType } from './tokenizer';

/** Limits that keep a hostile query from exhausting the stack or CPU. */
export const maxFilterLength = 2_000;
export const maxFilterDepth = 64;
/** Terms, phrases and range bounds in one filter (each one is evaluated against every conversation). */
export const maxFilterTerms = 16;
/** Characters of one term or phrase. */
export const maxFilterTermLength = 256;
/** Unescaped `*` and `?` in one term. */
export const maxFilterWildcards = 10;

/**
 * Parses a `conversations.list` filter into an AST. Grammar (precedence NOT > AND > OR;
 * juxtaposition means AND, so `+a -b` is "a and not b" as in Lucene):
 *
 *   query   := [or] EOF                          empty query matches everything
 *   or      := and (OR and)*
 *   and     := unary ([AND] unary)*
 *   unary   := (NOT | '!' | '-') unary | '+' unary | primary
 *   primary := '(' or ')' | field ':' value | value   (value alone searches `id`)
 *   value   := '(' or ')' | range | phrase | term | ('>'|'>='|'<'|'<=')term
 *   range   := ('[' | '{') bound TO bound (']' | '}')    bound: term, phrase or *
 *
 * Throws FilterSyntaxError with the 0-based position of the offending token.
 */
export function parseFilter(query: string): FilterNode {
  if (query.length > maxFilterLength) throw new FilterSyntaxError(`filter longer than ${maxFilterLength} characters`, maxFilterLength, query);
  return new Parser(query).parse();
}

const tokenNames: Record<TokenType, string> = {
  lparen: '"("',
  rparen: '")"',
  lbracket: '"["',
  rbracket: '"]"',
  lbrace: '"{"',
  rbrace: '"}"',
  colon: '":"',
  and: 'AND',
  or: 'OR',
  not: 'NOT',
  plus: '"+"',
  minus: '"-"',
  term: 'term',
  phrase: 'phrase',
  eof: 'end of filter',
};

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;
  private terms = 0;

  constructor(private readonly query: string) {
    this.tokens = tokenize(query);
  }

  parse(): FilterNode {
    if (this.peek().type === 'eof') return { type: 'all' };
    const node = this.or(null);
    const rest = this.peek();
    if (rest.type !== 'eof') throw this.unexpected(rest, rest.type === 'rparen' ? '")" without matching "("' : undefined);
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.type !== 'eof') this.index++;
    return t;
  }

  private error(message: string, position: number): FilterSyntaxError {
    return new FilterSyntaxError(message, position, this.query);
  }

  private unexpected(t: Token, message?: string): FilterSyntaxError {
    return this.error(message ?? (t.type === 'eof' ? 'unexpected end of filter' : `unexpected ${t.type === 'term' ? `"${t.raw}"` : tokenNames[t.type]}`), t.position);
  }

  /** Counts a term, phrase or range bound against maxFilterTerms and checks its length and wildcards. */
  private checkTerm(t: Token): void {
    if (++this.terms > maxFilterTerms) throw this.error(`filter has more than ${maxFilterTerms} terms`, t.position);
    if (t.value.length > maxFilterTermLength) throw this.error(`term longer than ${maxFilterTermLength} characters`, t.position);
    if (t.type === 'term' && t.wildcard) {
      let wildcards = 0;
      for (let i = 0; i < t.pattern.length; i++) {
        const c = t.pattern[i];
        if (c === '\\') i++;
        else if (c === '*' || c === '?') wildcards++;
      }
      if (wildcards > maxFilterWildcards) throw this.error(`term has more than ${maxFilterWildcards} wildcards ("*" or "?")`, t.position);
    }
  }

  private nested<T>(at: Token, body: () => T): T {
    if (++this.depth > maxFilterDepth) throw this.error(`filter nested deeper than ${maxFilterDepth} levels`, at.position);
    try {
      return body();
    } finally {
      this.depth--;
    }
  }

  private or(field: string | null): FilterNode {
    const children = [this.and(field)];
    while (this.peek().type === 'or') {
      const op = this.next();
      if (this.startsOperand()) children.push(this.and(field));
      else throw this.error(`expected a term after ${op.raw}`, this.peek().position);
    }
    return children.length === 1 ? children[0]! : { type: 'or', children };
  }

  private and(field: string | null): FilterNode {
    const children = [this.unary(field)];
    for (;;) {
      if (this.peek().type === 'and') {
        const op = this.next();
        if (!this.startsOperand()) throw this.error(`expected a term after ${op.raw}`, this.peek().position);
      } else if (!this.startsOperand()) {
        break;
      }
      children.push(this.unary(field));
    }
    return children.length === 1 ? children[0]! : { type: 'and', children };
  }

  private startsOperand(): boolean {
    const type = this.peek().type;
    return type === 'lparen' || type === 'term' || type === 'phrase' || type === 'not' || type === 'plus' || type === 'minus' || type === 'lbracket' || type === 'lbrace';
  }

  private unary(field: string | null): FilterNode {
    const t = this.peek();
    if (t.type === 'not' || t.type === 'minus') {
      this.next();
      if (!this.startsOperand()) throw this.error(`expected a term after ${t.raw}`, this.peek().position);
      return this.nested(t, () => ({ type: 'not', child: this.unary(field) }));
    }
    if (t.type === 'plus') {
      this.next();
      if (!this.startsOperand()) throw this.error('expected a term after "+"', this.peek().position);
      return this.nested(t, () => this.unary(field));
    }
    return this.primary(field);
  }

  private primary(field: string | null): FilterNode {
    const t = this.peek();
    if (t.type === 'lparen') return this.group(field);
    if (t.type === 'term' && this.peek(1).type === 'colon') {
      if (field !== null) throw this.error(`field "${t.raw}" inside the group of field "${field}"`, t.position);
      this.next();
      const colon = this.next();
      if (t.raw === '*' && this.peek().type === 'term' && this.peek().raw === '*') {
        this.next();
        return { type: 'all' };
      }
      const name = this.fieldName(t);
      if (this.peek().type === 'lparen') return this.group(name);
      return this.value(name, colon);
    }
    if (t.type === 'phrase' && this.peek(1).type === 'colon') throw this.error('a field name cannot be quoted', t.position);
    return this.value(field ?? defaultFilterField, null);
  }

  private group(field: string | null): FilterNode {
    const open = this.next();
    return this.nested(open, () => {
      if (this.peek().type === 'rparen') throw this.error('empty group "()"', this.peek().position);
      const node = this.or(field);
      const close = this.peek();
      if (close.type !== 'rparen') {
        throw this.error(close.type === 'eof' ? `missing ")" for "(" at position ${open.position}` : `expected ")" but found ${describe(close)}`, close.position);
      }
      this.next();
      return node;
    });
  }

  private fieldName(t: Token): string {
    const name = t.value.toLowerCase();
    if (t.wildcard) throw this.error(`wildcards are not allowed in field names ("${t.raw}")`, t.position);
    if (name.startsWith(metadataFieldPrefix) && name.split('.').some(isReservedKey)) {
      throw this.error(`field "${t.raw}" has a reserved segment (${reservedKeys.join(', ')})`, t.position);
    }
    if (fieldKind(name) === undefined) {
      const hint = name.startsWith(metadataFieldPrefix) ? 'metadata fields are "metadata.<dotted key>"' : `known fields: ${Object.keys(filterFields).join(', ')}, metadata.<key>`;
      throw this.error(`unknown field "${t.raw}" (${hint})`, t.position);
    }
    return name;
  }

  private value(field: string, colon: Token | null): FilterNode {
    const kind = fieldKind(field)!;
    const t = this.peek();
    if (t.type === 'lbracket' || t.type === 'lbrace') return this.range(field, kind);
    if (t.type === 'phrase') {
      this.checkTerm(t);
      this.next();
      if (kind === 'integer' || kind === 'date') return exact(field, this.bound(kind, t));
      if (kind === 'text') return { type: 'phrase', field, words: words(t.value) };
      return { type: 'term', field, value: t.value.toLowerCase() };
    }
    if (t.type === 'minus' && this.peek(1).type === 'term' && this.peek(1).position === t.position + 1) {
      this.next();
      const term = this.next();
      this.checkTerm(term);
      return this.termValue(field, kind, { ...term, position: t.position, raw: `-${term.raw}`, value: `-${term.value}`, pattern: `-${term.pattern}` });
    }
    if (t.type !== 'term') {
      throw this.error(colon !== null ? `expected a value after "${field}:"` : `expected a term but found ${describe(t)}`, t.position);
    }
    this.checkTerm(t);
    this.next();
    return this.termValue(field, kind, t);
  }

  private termValue(field: string, kind: FieldKind, t: Token): FilterNode {
    if (t.raw === '*') return { type: 'exists', field };
    const comparison = /^(>=|<=|>|<)(.+)$/.exec(t.value);
    if (comparison !== null && !t.wildcard) {
      const [, op, text] = comparison;
      const bound = this.bound(kind, { ...t, value: text!, position: t.position + op!.length });
      const inclusive = op!.length === 2;
      return op!.startsWith('>') ? { type: 'range', field, lower: { value: bound, inclusive }, upper: null } : { type: 'range', field, lower: null, upper: { value: bound, inclusive } };
    }
    if (kind === 'integer' || kind === 'date') {
      if (t.wildcard) throw this.error(`wildcards are not supported on ${field} (use a range such as ${field}:[1 TO *])`, t.position);
      return exact(field, this.bound(kind, t));
    }
    if (t.wildcard) return { type: 'wildcard', field, pattern: t.pattern.toLowerCase() };
    return { type: 'term', field, value: t.value.toLowerCase() };
  }

  private range(field: string, kind: FieldKind): FilterNode {
    const open = this.next();
    const lower = this.rangeBound(kind, 'lower');
    const to = this.next();
    if (to.type !== 'term' || to.raw !== 'TO') throw this.error(`expected TO in range but found ${describe(to)}`, to.position);
    const upper = this.rangeBound(kind, 'upper');
    const close = this.next();
    if (close.type !== 'rbracket' && close.type !== 'rbrace') {
      throw this.error(close.type === 'eof' ? `missing "]" or "}" for range at position ${open.position}` : `expected "]" or "}" but found ${describe(close)}`, close.position);
    }
    return {
      type: 'range',
      field,
      lower: lower === null ? null : { value: lower, inclusive: open.type === 'lbracket' },
      upper: upper === null ? null : { value: upper, inclusive: close.type === 'rbracket' },
    };
  }

  private rangeBound(kind: FieldKind, which: string): RangeBound['value'] | null {
    let t = this.next();
    if (t.type === 'minus' && this.peek().type === 'term' && this.peek().position === t.position + 1) {
      const term = this.next();
      t = { ...term, position: t.position, raw: `-${term.raw}`, value: `-${term.value}` };
    }
    if (t.type === 'term' && t.raw === '*') return null;
    if (t.type === 'term' || t.type === 'phrase') this.checkTerm(t);
    if (t.type !== 'term' && t.type !== 'phrase') throw this.error(`expected the ${which} bound of the range but found ${describe(t)}`, t.position);
    if (t.type === 'term' && t.raw === 'TO') throw this.error(`expected the ${which} bound of the range but found TO`, t.position);
    if (t.type === 'term' && t.wildcard) throw this.error('wildcards are not allowed in range bounds (use * for an open bound)', t.position);
    return this.bound(kind, t);
  }

  private bound(kind: FieldKind, t: Token): number | string {
    if (kind === 'integer') {
      if (!/^-?\d+$/.test(t.value)) throw this.error(`expected an integer but found "${t.value}"`, t.position);
      return Number(t.value);
    }
    if (kind === 'date') {
      const millis = parseDate(t.value);
      if (millis === undefined) throw this.error(`expected epoch milliseconds or an ISO-8601 date but found "${t.value}"`, t.position);
      return millis;
    }
    return t.value.toLowerCase();
  }
}

function exact(field: string, value: number | string): FilterNode {
  return { type: 'range', field, lower: { value, inclusive: true }, upper: { value, inclusive: true } };
}

function words(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter((w) => w !== '');
}

function describe(t: Token): string {
  return t.type === 'term' ? `"${t.raw}"` : tokenNames[t.type];
}

/** Epoch millis from digits, or from an ISO-8601 date / date-time (a bare date is midnight UTC). */
export function parseDate(text: string): number | undefined {
  if (/^-?\d+$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/i.test(text)) return undefined;
  const millis = Date.parse(text);
  return Number.isNaN(millis) ? undefined : millis;
}
