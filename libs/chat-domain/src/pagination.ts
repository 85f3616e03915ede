import { InvalidCursorError, InvalidPageSizeError } from './errors';

/**
 * Offset pagination with opaque cursors and Airy's page shape
 * (`{data, pagination_data: {previous_cursor, next_cursor, total}}`). Unlike Airy there is no
 * 2000-result cap: the offset walks the whole sorted result.
 */
export interface PageRequest {
  cursor?: string | null;
  pageSize?: number | null;
}

export interface PaginationData {
  /** Cursor of the previous page; null on the first page. */
  previous_cursor: string | null;
  /** Cursor of the next page; null on the last page. */
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

/** An offset window resolved from a request. */
export interface PageWindow {
  offset: number;
  pageSize: number;
}

const prefix = 'o:';

/** Opaque cursor of an offset. */
export function encodeCursor(offset: number): string {
  return Buffer.from(`${prefix}${offset}`, 'utf8').toString('base64url');
}

/**
 * Offset of a cursor issued by encodeCursor. Airy clients that still send Airy's plain
 * decimal offsets ("20") are accepted too. Anything else is an InvalidCursorError (400), never
 * a 500 as in Airy.
 */
export function decodeCursor(cursor: string): number {
  if (/^\d{1,15}$/.test(cursor)) return Number(cursor);
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError(cursor);
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(prefix) || !/^\d{1,15}$/.test(text.slice(prefix.length))) throw new InvalidCursorError(cursor);
  return Number(text.slice(prefix.length));
}

/** Validates a request into an offset window. */
export function resolvePageRequest(request: PageRequest, options: PaginationOptions = {}): PageWindow {
  const maxPageSize = options.maxPageSize ?? 1000;
  const pageSize = request.pageSize ?? options.defaultPageSize ?? 20;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) throw new InvalidPageSizeError(request.pageSize, maxPageSize);
  const offset = request.cursor === undefined || request.cursor === null || request.cursor === '' ? 0 : decodeCursor(request.cursor);
  return { offset, pageSize };
}

/** Pagination data of a window over `total` items. */
export function paginationData(window: PageWindow, total: number): PaginationData {
  const { offset, pageSize } = window;
  return {
    previous_cursor: offset === 0 ? null : encodeCursor(Math.max(0, Math.min(offset, total) - pageSize)),
    next_cursor: offset + pageSize < total ? encodeCursor(offset + pageSize) : null,
    total,
  };
}

/** One page of an already sorted list. */
export function paginate<T>(sorted: readonly T[], request: PageRequest, options: PaginationOptions = {}): Page<T> {
  const window = resolvePageRequest(request, options);
  return { data: sorted.slice(window.offset, window.offset + window.pageSize), pagination_data: paginationData(window, sorted.length) };
}

/** What one partition owner returns for a gathered list: its first `offset + pageSize` items in order, and its total. */
export interface PartialResult<T> {
  items: readonly T[];
  total: number;
}

/**
 * One page of a result spread over several owners (e.g. replicas owning different
 * partitions): each owner sorts its matches with the same `compare` and returns the first
 * `offset + pageSize` of them plus its total; this merges them and cuts the window. Equal
 * items are ordered by owner index, so `compare` should be total (break ties by id).
 */
export function mergePartialResults<T>(parts: Readonly<PartialResult<T>>[], compare: (a: T, b: T) => number, window: PageWindow): Page<T> {
  const total = parts.reduce((sum, p) => sum + p.total, 0);
  const want = window.offset + window.pageSize;
  const heads = parts.map(() => 0);
  const merged: T[] = [];
  while (merged.length < want) {
    let best = -1;
    for (let i = 0; i < parts.length; i++) {
      const item = parts[i]!.items[heads[i]!];
      if (item === undefined) continue;
      if (best < 0 || compare(item, parts[best]!.items[heads[best]!]!) < 0) best = i;
    }
    if (best < 0) break;
    merged.push(parts[best]!.items[heads[best]!]!);
    heads[best]!++;
  }
  return { data: merged.slice(window.offset, want), pagination_data: paginationData(window, total) };
}
