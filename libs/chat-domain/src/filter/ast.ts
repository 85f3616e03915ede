import { isReservedKey } from '../safe-keys';

/**
 * AST of the `conversations.list` filter language (a Lucene query-string subset, see README).
 * Field names are normalized to lower case; term values are lower-cased (matching is
 * case-insensitive); numeric and date bounds are numbers (epoch millis for dates).
 */
export type FilterNode =
  | { type: 'all' }
  | { type: 'and'; children: FilterNode[] }
  | { type: 'or'; children: FilterNode[] }
  | { type: 'not'; child: FilterNode }
  /** `field:*` — the field has a value. */
  | { type: 'exists'; field: string }
  /** `field:value` — exact token (text fields) or exact value (keyword fields). */
  | { type: 'term'; field: string; value: string }
  /** `field:*foo?` — `*` any run, `?` one char; literal `*`, `?`, `\` are backslash-escaped in `pattern`. */
  | { type: 'wildcard'; field: string; pattern: string }
  /** `field:"two words"` — consecutive tokens on text fields, the exact value on keyword fields. */
  | { type: 'phrase'; field: string; words: string[] }
  /** `field:[a TO b]`, `{a TO b}`, `>a`, `<=b`; a null bound is open. */
  | { type: 'range'; field: string; lower: RangeBound | null; upper: RangeBound | null };

export interface RangeBound {
  value: number | string;
  inclusive: boolean;
}

/** How a field is matched. */
export type FieldKind = 'keyword' | 'keywords' | 'text' | 'integer' | 'date';

/** Fields of the conversation index (Airy's Lucene document) plus `last_message_at`. */
export const filterFields: Readonly<Record<string, FieldKind>> = {
  id: 'keyword',
  channel_id: 'keyword',
  source: 'keyword',
  display_name: 'text',
  tag_ids: 'keywords',
  unread_count: 'integer',
  created_at: 'date',
  last_message_at: 'date',
};

/** Prefix of the dynamic `metadata.<dotted key>` fields (text). */
export const metadataFieldPrefix = 'metadata.';

/** Field used for a value without `field:` (Lucene default field in Airy). */
export const defaultFilterField = 'id';

/** Kind of a normalized field name, or undefined when unknown. */
export function fieldKind(field: string): FieldKind | undefined {
  if (field.startsWith(metadataFieldPrefix)) {
    const key = field.slice(metadataFieldPrefix.length);
    return key !== '' && key.split('.').every((segment) => segment !== '' && !isReservedKey(segment)) ? 'text' : undefined;
  }
  return Object.prototype.hasOwnProperty.call(filterFields, field) ? filterFields[field] : undefined;
}
