import { InvalidCursorError, InvalidPageSizeError } from './errors';

/**
 * Keyset pagination with opaque cursors and Airy's page shape
 * (`{data, pagination_data: {previous_cursor, next_cursor, total}}`). Lists are ordered by a sort key
 * `[time, id]` (time descending, then id ascending: newest first, ties broken by id), and a cursor is
 * a position in that order, not an offset: items arriving or moving while a client pages neither
 * shift its pages nor appear twice. Unlike Airy there is no 2000-result cap. Airy's plain decimal
 * offsets ("20") are still accepted as a starting point.
 */
export interface PageRequest {
  cursor?: string | null;
  pageSize?: number | null;
}

export interface PaginationData {
  /** Cursor of the page before this one; null when nothing comes before it. */
  previous_cursor: string | null;
  /** Cursor of the page after this one; null on the last page. */
  next_cursor: string | null;
  /** Number of items in the whole (filtered) result. */
  total: number;
}

export interface Page<T> {
  data: T[];
  pagination_data: PaginationData;
}

export interface PaginationOptions {
  /** Page size when the request has none (Airy: 20). */
  defaultPageSize?: number;
  /** Largest page a client may ask for (default 1000). */
  maxPageSize?: number;
}

/** A position in list order: `[time, id]`, time descending, then id ascending. */
export type SortKey = readonly [time: number, id: string];

/** Where a page starts: an offset (the first page, Airy's decimal cursors) or just after / just before a key. */
export type PageStart = { readonly kind: 'offset'; readonly offset: number } | { readonly kind: 'after' | 'before'; readonly key: SortKey };

/** A page request resolved: where it starts and how many items it holds. */
export interface PageWindow {
  readonly start: PageStart;
  readonly pageSize: number;
}

/** List order of two sort keys (negative: `a` comes first). */
export function compareSortKeys(a: SortKey, b: SortKey): number {
  return b[0] - a[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
}

const KEY_PREFIX = 'k';
/** Longest id a cursor may carry (ids are UUIDs or provider ids, far shorter). */
const MAX_CURSOR_ID = 257;
const MAX_CURSOR_LENGTH = 512;

/** Opaque cursor of a keyset position. */
export function encodeCursor(direction: 'after' | 'before', key: SortKey): string {
  return Buffer.from(JSON.stringify([KEY_PREFIX, direction === 'after' ? 'a' : 'b', key[0], key[1]]), 'utf8').toString('base64url');
}

/**
 * The start a cursor names: one issued by encodeCursor, or Airy's plain decimal offset ("20").
 * Anything else is an InvalidCursorError (400), never a 500 as in Airy.
 */
export function decodeCursor(cursor: string): PageStart {
  if (/^\d{1,15}$/.test(cursor)) return { kind: 'offset', offset: Number(cursor) };
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError(cursor.slice(0, 64));
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError(cursor.slice(0, 64));
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw new InvalidCursorError(cursor.slice(0, 64));
  const [prefix, direction, time, id] = parsed as unknown[];
  const valid =
    prefix === KEY_PREFIX &&
    (direction === 'a' || direction === 'b') &&
    typeof time === 'number' &&
    Number.isSafeInteger(time) &&
    typeof id === 'string' &&
    id.length <= MAX_CURSOR_ID;
  if (!valid) throw new InvalidCursorError(cursor.slice(0, 64));
  return { kind: direction === 'a' ? 'after' : 'before', key: [time as number, id as string] };
}

/** Validates a request into a window. */
export function resolvePageRequest(request: PageRequest, options: PaginationOptions = {}): PageWindow {
  const maxPageSize = options.maxPageSize ?? 1000;
  const pageSize = request.pageSize ?? options.defaultPageSize ?? 20;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) throw new InvalidPageSizeError(request.pageSize, maxPageSize);
  const start: PageStart = request.cursor === undefined || request.cursor === null || request.cursor === '' ? { kind: 'offset', offset: 0 } : decodeCursor(request.cursor);
  return { start, pageSize };
}

/** What one owner of part of a list returns: the items around the window's start, and how many of its matches lie outside them. */
export interface PartialResult<T> {
  /** In list order: up to pageSize + 1 from the start (up to offset + pageSize + 1 for an offset), or the pageSize + 1 just before a `before` key. */
  items: readonly T[];
  /** Matches of this owner that sort before `items`. */
  before: number;
  /** Matches of this owner that sort after `items`. */
  after: number;
  /** All matches of this owner. */
  total: number;
}

/** An owner's part of the window over its own matches, `sorted` in list order. */
export function partialResult<T>(sorted: readonly T[], keyOf: (item: T) => SortKey, window: PageWindow): PartialResult<T> {
  const { start, pageSize } = window;
  let from: number;
  let to: number;
  if (start.kind === 'offset') {
    from = 0;
    to = Math.min(sorted.length, start.offset + pageSize + 1);
  } else if (start.kind === 'after') {
    from = firstIndex(sorted, (item) => compareSortKeys(keyOf(item), start.key) > 0);
    to = Math.min(sorted.length, from + pageSize + 1);
  } else {
    to = firstIndex(sorted, (item) => compareSortKeys(keyOf(item), start.key) >= 0);
    from = Math.max(0, to - pageSize - 1);
  }
  return { items: sorted.slice(from, to), before: from, after: sorted.length - to, total: sorted.length };
}

/**
 * One page of a result spread over several owners (replicas owning different partitions), each having
 * answered `partialResult` with the same window and order: merges their items, cuts the page and
 * derives the cursors from the first and last item shown. `compare` must be total (ties broken by id).
 */
export function mergePartialResults<T>(parts: readonly Readonly<PartialResult<T>>[], compare: (a: T, b: T) => number, keyOf: (item: T) => SortKey, window: PageWindow): Page<T> {
  const { start, pageSize } = window;
  const merged = parts.flatMap((p) => p.items).sort(compare);
  const total = parts.reduce((sum, p) => sum + p.total, 0);
  const before = parts.reduce((sum, p) => sum + p.before, 0);
  const after = parts.reduce((sum, p) => sum + p.after, 0);
  let data: T[];
  let hasPrevious: boolean;
  let hasNext: boolean;
  if (start.kind === 'before') {
    data = merged.slice(Math.max(0, merged.length - pageSize));
    hasPrevious = before > 0 || merged.length > pageSize;
    hasNext = after > 0;
  } else {
    const offset = start.kind === 'offset' ? start.offset : 0;
    data = merged.slice(offset, offset + pageSize);
    hasPrevious = before > 0 || offset > 0;
    hasNext = after > 0 || merged.length > offset + pageSize;
  }
  const first = data[0];
  const last = data[data.length - 1];
  // An empty page (past the end) still leads back: to the page ending with the last item before it.
  const lastMerged = merged[merged.length - 1];
  const backFrom =
    first !== undefined
      ? keyOf(first)
      : start.kind === 'before'
        ? start.key
        : start.kind === 'after'
          ? justAfter(start.key)
          : lastMerged !== undefined
            ? justAfter(keyOf(lastMerged))
            : undefined;
  return {
    data,
    pagination_data: {
      previous_cursor: hasPrevious && backFrom !== undefined ? encodeCursor('before', backFrom) : null,
      next_cursor: hasNext && last !== undefined ? encodeCursor('after', keyOf(last)) : null,
      total,
    },
  };
}

/** The smallest key after `key` (same time, the next id), so `before` it includes `key`. */
function justAfter(key: SortKey): SortKey {
  return [key[0], `${key[1]}\u0000`];
}

/** One page of an already sorted list (one owner). */
export function paginate<T>(sorted: readonly T[], keyOf: (item: T) => SortKey, request: PageRequest, options: PaginationOptions = {}): Page<T> {
  const window = resolvePageRequest(request, options);
  const compare = (a: T, b: T) => compareSortKeys(keyOf(a), keyOf(b));
  return mergePartialResults([partialResult(sorted, keyOf, window)], compare, keyOf, window);
}

/** Index of the first item for which `test` holds, in a list where it holds from some point on. */
function firstIndex<T>(sorted: readonly T[], test: (item: T) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (test(sorted[mid]!)) high = mid;
    else low = mid + 1;
  }
  return low;
}
