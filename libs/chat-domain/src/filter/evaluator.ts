import type { ConversationView } from '../conversation-view';
import { isPlainObject, type MetadataValue } from '../metadata';
import { metadataAt } from '../metadata-document';
import { fieldKind, metadataFieldPrefix, type FilterNode, type RangeBound } from './ast';
import { compileGlob } from './glob';
import { parseFilter } from './parser';

/** A compiled filter: a predicate over conversation views. */
export type ConversationPredicate = (view: ConversationView) => boolean;

/**
 * Characters of a field searched by terms, wildcards and phrases (the values in order, the last
 * one cut): a conversation's metadata may hold tens of KB, and a filter runs over every
 * conversation. Lucene's analyzers likewise drop tokens over 255 characters.
 */
export const maxMatchedFieldLength = 1_024;

/**
 * Compiles a filter (query text or AST) into a predicate; wildcard patterns are compiled once
 * (to bit-parallel automata, linear in the value length, see glob.ts), and each field of a view
 * is read, lower-cased and split into words once per evaluation however many terms use it, so a
 * term costs at most O(maxMatchedFieldLength).
 *
 * Matching rules (case-insensitive throughout):
 * - keyword fields (id, channel_id, source) compare the whole value; `tag_ids` matches when
 *   any tag id matches;
 * - text fields (display_name, metadata.*) match a term against any whitespace-separated
 *   word or the whole value, a phrase against consecutive words;
 * - ranges compare numbers numerically; metadata ranges compare numerically when both sides
 *   are numbers and as strings otherwise;
 * - `field:*` matches when the field has a value; `NOT x` alone matches everything but x
 *   (Lucene matched nothing, which is why Airy's UI wrote `id:* AND NOT …`).
 */
export function compileFilter(filter: string | FilterNode): ConversationPredicate {
  const node = typeof filter === 'string' ? parseFilter(filter) : filter;
  const predicate = compile(node);
  return (view) => predicate(new ViewFields(view));
}

/** Evaluates a filter against one view (compiles on every call; prefer compileFilter for lists). */
export function matchesFilter(filter: string | FilterNode, view: ConversationView): boolean {
  return compileFilter(filter)(view);
}

type FieldsPredicate = (fields: ViewFields) => boolean;

function compile(node: FilterNode): FieldsPredicate {
  switch (node.type) {
    case 'all':
      return () => true;
    case 'and': {
      const children = node.children.map(compile);
      return (view) => children.every((child) => child(view));
    }
    case 'or': {
      const children = node.children.map(compile);
      return (view) => children.some((child) => child(view));
    }
    case 'not': {
      const child = compile(node.child);
      return (view) => !child(view);
    }
    case 'exists':
      return (fields) => fields.get(node.field).raw.length > 0;
    case 'term': {
      const text = isText(node.field);
      return (fields) => {
        const field = fields.get(node.field);
        return field.values.includes(node.value) || (text && field.words().some((w) => w.includes(node.value)));
      };
    }
    case 'wildcard': {
      const matches = compileGlob(node.pattern);
      const text = isText(node.field);
      return (fields) => {
        const field = fields.get(node.field);
        if (!matches.possibleIn(field.joined())) return false;
        return field.values.some(matches) || (text && field.words().some((w) => w.some(matches)));
      };
    }
    case 'phrase': {
      const text = isText(node.field);
      const joined = node.words.join(' ');
      const find = text ? sequenceFinder(node.words) : undefined;
      return (fields) => {
        const field = fields.get(node.field);
        if (node.words.length === 0 && field.values.includes('')) return true;
        return find !== undefined ? field.words().some(find) : field.values.includes(joined);
      };
    }
    case 'range':
      return (fields) => fields.get(node.field).raw.some((v) => inRange(v, node.lower, node.upper));
  }
}

/** A field of one view as the matchers need it; computed on first use within one evaluation. */
interface Field {
  /** Numbers for numeric fields, strings otherwise (ranges, `field:*`). */
  raw: Array<string | number>;
  /** Lower-cased, numbers in decimal, cut to maxMatchedFieldLength characters in total. */
  values: string[];
  /** Whitespace-separated words of each value. */
  words(): string[][];
  /** The values joined by a newline (for a quick necessary check before matching each word). */
  joined(): string;
}

/** The fields of one view, each read once per evaluation. */
class ViewFields {
  private readonly cache = new Map<string, Field>();

  constructor(private readonly view: ConversationView) {}

  get(name: string): Field {
    let field = this.cache.get(name);
    if (field === undefined) {
      field = readField(this.view, name);
      this.cache.set(name, field);
    }
    return field;
  }
}

function readField(view: ConversationView, name: string): Field {
  const raw = fieldRaw(view, name);
  const values: string[] = [];
  let budget = maxMatchedFieldLength;
  for (const v of raw) {
    if (budget <= 0) break;
    const text = typeof v === 'number' ? String(v) : v.length > budget ? v.slice(0, budget) : v;
    budget -= Math.max(text.length, 1);
    values.push(text.toLowerCase());
  }
  let split: string[][] | undefined;
  let joined: string | undefined;
  return { raw, values, words: () => (split ??= values.map(words)), joined: () => (joined ??= values.join('\n')) };
}

function isText(field: string): boolean {
  return fieldKind(field) === 'text';
}

/** Raw values of a field: numbers for numeric fields, strings otherwise. */
function fieldRaw(view: ConversationView, field: string): Array<string | number> {
  switch (field) {
    case 'id':
      return [view.id];
    case 'channel_id':
      return [view.channelId];
    case 'source':
      return [view.source];
    case 'display_name':
      return [view.displayName];
    case 'tag_ids':
      return view.tagIds;
    case 'unread_count':
      return [view.unreadCount];
    case 'created_at':
      return [view.createdAt];
    case 'last_message_at':
      return [view.lastMessageAt];
  }
  if (!field.startsWith(metadataFieldPrefix)) return [];
  const value = metadataAt(view.metadata, field.slice(metadataFieldPrefix.length));
  return metadataStrings(value);
}

/**
 * Metadata value as indexed strings: scalars as text, arrays element-wise (nested objects and
 * arrays as their JSON); objects exist but match no term. Elements are taken while they fit in
 * maxMatchedFieldLength characters (the first one always).
 */
function metadataStrings(value: MetadataValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (isPlainObject(value)) return Object.keys(value).length > 0 ? [''] : [];
  if (!Array.isArray(value)) return [String(value)];
  const out: string[] = [];
  let budget = maxMatchedFieldLength;
  for (const element of value) {
    if (budget <= 0) break;
    if (element === null) continue;
    const text = typeof element === 'object' ? JSON.stringify(element) : String(element);
    out.push(text);
    budget -= Math.max(text.length, 1);
  }
  return out;
}

function words(value: string): string[] {
  return value.split(/\s+/).filter((w) => w !== '');
}

/**
 * Whether `needle` occurs as consecutive words of a haystack: Knuth–Morris–Pratt over words, so
 * O(haystack + needle) word comparisons (a naive scan is O(haystack × needle) on repetitive text).
 */
function sequenceFinder(needle: string[]): (haystack: string[]) => boolean {
  const failure = new Array<number>(needle.length).fill(0);
  for (let i = 1, k = 0; i < needle.length; i++) {
    while (k > 0 && needle[i] !== needle[k]) k = failure[k - 1]!;
    if (needle[i] === needle[k]) k++;
    failure[i] = k;
  }
  return (haystack) => {
    if (needle.length === 0) return false;
    for (let i = 0, k = 0; i < haystack.length; i++) {
      while (k > 0 && haystack[i] !== needle[k]) k = failure[k - 1]!;
      if (haystack[i] === needle[k]) k++;
      if (k === needle.length) return true;
    }
    return false;
  };
}

function inRange(raw: string | number, lower: RangeBound | null, upper: RangeBound | null): boolean {
  return (lower === null || compareBound(raw, lower.value, lower.inclusive, 1)) && (upper === null || compareBound(raw, upper.value, upper.inclusive, -1));
}

/** direction 1: value must be above the bound; -1: below. */
function compareBound(raw: string | number, bound: string | number, inclusive: boolean, direction: 1 | -1): boolean {
  let cmp: number;
  const rawNumber = typeof raw === 'number' ? raw : numeric(raw);
  const boundNumber = typeof bound === 'number' ? bound : numeric(bound);
  if (rawNumber !== undefined && boundNumber !== undefined) cmp = rawNumber - boundNumber;
  else {
    const a = String(raw).toLowerCase();
    const b = String(bound);
    cmp = a < b ? -1 : a > b ? 1 : 0;
  }
  return cmp * direction > 0 || (inclusive && cmp === 0);
}

function numeric(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}
