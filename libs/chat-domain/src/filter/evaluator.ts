import type { ConversationView } from '../conversation-view';
import { isPlainObject, type MetadataValue } from '../metadata';
import { metadataAt } from '../metadata-document';
import { fieldKind, metadataFieldPrefix, type FilterNode, type RangeBound } from './ast';
import { parseFilter } from './parser';

/** A compiled filter: a predicate over conversation views. */
export type ConversationPredicate = (view: ConversationView) => boolean;

/**
 * Compiles a filter (query text or AST) into a predicate; wildcard patterns become regular
 * expressions once, so filtering a long list costs one call per conversation.
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
  return compile(node);
}

/** Evaluates a filter against one view (compiles on every call; prefer compileFilter for lists). */
export function matchesFilter(filter: string | FilterNode, view: ConversationView): boolean {
  return compileFilter(filter)(view);
}

function compile(node: FilterNode): ConversationPredicate {
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
      return (view) => fieldRaw(view, node.field).length > 0;
    case 'term': {
      const text = isText(node.field);
      return (view) => fieldValues(view, node.field).some((v) => (text ? words(v).includes(node.value) : false) || v === node.value);
    }
    case 'wildcard': {
      const regex = globToRegExp(node.pattern);
      const text = isText(node.field);
      return (view) => fieldValues(view, node.field).some((v) => regex.test(v) || (text && words(v).some((w) => regex.test(w))));
    }
    case 'phrase': {
      const text = isText(node.field);
      const joined = node.words.join(' ');
      return (view) => fieldValues(view, node.field).some((v) => (text ? containsSequence(words(v), node.words) : v === joined) || (node.words.length === 0 && v === ''));
    }
    case 'range':
      return (view) => fieldRaw(view, node.field).some((v) => inRange(v, node.lower, node.upper));
  }
}

function isText(field: string): boolean {
  return fieldKind(field) === 'text';
}

/** Values of a field, lower-cased strings (numbers rendered in decimal). */
function fieldValues(view: ConversationView, field: string): string[] {
  return fieldRaw(view, field).map((v) => (typeof v === 'number' ? String(v) : v.toLowerCase()));
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

/** Metadata value as indexed strings: scalars as text, arrays element-wise; objects exist but match no term. */
function metadataStrings(value: MetadataValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v) => (isPlainObject(v) || Array.isArray(v) ? [JSON.stringify(v)] : metadataStrings(v)));
  if (isPlainObject(value)) return Object.keys(value).length > 0 ? [''] : [];
  return [String(value)];
}

function words(value: string): string[] {
  return value.split(/\s+/).filter((w) => w !== '');
}

function containsSequence(haystack: string[], needle: string[]): boolean {
  if (needle.length === 0) return false;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
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

/** Glob (with `\*`, `\?`, `\\` escapes) → anchored RegExp. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i]!);
    } else if (c === '*') {
      source += '[\\s\\S]*';
    } else if (c === '?') {
      source += '[\\s\\S]';
    } else {
      source += escapeRegExp(c);
    }
  }
  return new RegExp(`^${source}$`, 'u');
}

function escapeRegExp(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
