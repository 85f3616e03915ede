import { InvalidCursorError, InvalidPageSizeError } from './errors';
import { compareSortKeys, decodeCursor, encodeCursor, mergePartialResults, paginate, partialResult, resolvePageRequest, type Page, type SortKey } from './pagination';

interface Item {
  readonly id: string;
  readonly at: number;
}
const keyOf = (item: Item): SortKey => [item.at, item.id];
const compare = (a: Item, b: Item) => compareSortKeys(keyOf(a), keyOf(b));
/** 45 items, newest first; some share a time so ids break ties. */
const items: Item[] = Array.from({ length: 45 }, (_, i) => ({ id: `id-${String(i).padStart(2, '0')}`, at: 1_000 - Math.floor(i / 2) })).sort(compare);
const ids = (list: readonly Item[]) => list.map((i) => i.id);

/** Every page from the first one on, following next_cursor. */
function walk(list: () => readonly Item[], pageSize: number, between?: (page: number) => void): Page<Item>[] {
  const pages: Page<Item>[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Item> = paginate(list(), keyOf, { cursor, pageSize });
    pages.push(page);
    between?.(pages.length);
    cursor = page.pagination_data.next_cursor;
  } while (cursor !== null && pages.length < 100);
  return pages;
}

describe('cursors', () => {
  it('round-trips keyset positions through opaque cursors', () => {
    const start = decodeCursor(encodeCursor('after', [1_700_000_000_000, 'conv-1']));
    expect(start).toEqual({ kind: 'after', key: [1_700_000_000_000, 'conv-1'] });
    expect(decodeCursor(encodeCursor('before', [0, '']))).toEqual({ kind: 'before', key: [0, ''] });
    expect(encodeCursor('after', [5, 'conv-1'])).not.toContain('conv-1');
  });

  it("accepts Airy's plain decimal offsets", () => {
    expect(decodeCursor('40')).toEqual({ kind: 'offset', offset: 40 });
  });

  it('rejects forged cursors with InvalidCursorError', () => {
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of [
      '-1',
      'abc',
      '1.5',
      '%%%',
      '9'.repeat(20),
      forged(['k', 'a', 1]),
      forged(['k', 'x', 1, 'a']),
      forged(['o', 'a', 1, 'a']),
      forged(['k', 'a', 1.5, 'a']),
      forged(['k', 'a', '1', 'a']),
      forged(['k', 'a', 1, 'x'.repeat(300)]),
      forged({ __proto__: { k: 1 } }),
      'A'.repeat(600),
    ]) {
      expect(() => decodeCursor(bad)).toThrow(InvalidCursorError);
    }
  });
});

describe('resolvePageRequest', () => {
  it('defaults to the first page of 20', () => {
    expect(resolvePageRequest({})).toEqual({ start: { kind: 'offset', offset: 0 }, pageSize: 20 });
    expect(resolvePageRequest({ cursor: null, pageSize: null })).toEqual({ start: { kind: 'offset', offset: 0 }, pageSize: 20 });
    expect(resolvePageRequest({ cursor: '' }, { defaultPageSize: 5 })).toEqual({ start: { kind: 'offset', offset: 0 }, pageSize: 5 });
  });

  it('validates page_size', () => {
    for (const pageSize of [0, -1, 1.5, 1001, Number.NaN]) expect(() => resolvePageRequest({ pageSize })).toThrow(InvalidPageSizeError);
    expect(() => resolvePageRequest({ pageSize: 51 }, { maxPageSize: 50 })).toThrow('page_size must be an integer between 1 and 50');
    expect(resolvePageRequest({ pageSize: 1000 }).pageSize).toBe(1000);
  });
});

describe('paginate', () => {
  it('walks the whole list page by page, and back with previous cursors', () => {
    const pages = walk(() => items, 20);
    expect(pages.flatMap((p) => ids(p.data))).toEqual(ids(items));
    expect(pages.map((p) => p.data.length)).toEqual([20, 20, 5]);
    expect(pages.map((p) => p.pagination_data.total)).toEqual([45, 45, 45]);
    expect(pages[0]!.pagination_data.previous_cursor).toBeNull();
    const back = paginate(items, keyOf, { cursor: pages[2]!.pagination_data.previous_cursor, pageSize: 20 });
    expect(ids(back.data)).toEqual(ids(pages[1]!.data));
    const first = paginate(items, keyOf, { cursor: back.pagination_data.previous_cursor, pageSize: 20 });
    expect(ids(first.data)).toEqual(ids(pages[0]!.data));
    expect(first.pagination_data.previous_cursor).toBeNull();
  });

  it('neither repeats nor skips an item when items arrive at the top while a client pages', () => {
    const list = [...items];
    let n = 0;
    // Before each next page, three newer items arrive (as new conversations or messages do).
    const pages = walk(
      () => list,
      10,
      () => {
        for (let i = 0; i < 3; i++) list.unshift({ id: `new-${n++}`, at: 2_000 + n });
      },
    );
    expect(pages.flatMap((p) => ids(p.data))).toEqual(ids(items));
  });

  it('does not repeat an item that moves to the top (a conversation with a new message) while paging', () => {
    const list = [...items];
    const pages = walk(
      () => list,
      10,
      (page) => {
        if (page !== 1) return;
        // The 5th item of the first page gets a new message: it moves to the top.
        const moved = list.splice(4, 1)[0]!;
        list.unshift({ ...moved, at: 5_000 });
      },
    );
    const seen = pages.flatMap((p) => ids(p.data));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(ids(items));
  });

  it("starts from Airy's decimal offsets, then continues with keyset cursors", () => {
    const page = paginate(items, keyOf, { cursor: '40', pageSize: 20 });
    expect(ids(page.data)).toEqual(ids(items.slice(40)));
    expect(page.pagination_data.next_cursor).toBeNull();
    expect(ids(paginate(items, keyOf, { cursor: page.pagination_data.previous_cursor, pageSize: 20 }).data)).toEqual(ids(items.slice(20, 40)));
  });

  it('has no result cap (Airy stopped at 2000)', () => {
    const many = Array.from({ length: 5_000 }, (_, i) => ({ id: `m-${String(i).padStart(5, '0')}`, at: 10_000 - i }));
    const page = paginate(many, keyOf, { cursor: encodeCursor('after', keyOf(many[4_979]!)), pageSize: 20 });
    expect(ids(page.data)).toEqual(ids(many.slice(4_980)));
    expect(page.pagination_data).toMatchObject({ next_cursor: null, total: 5_000 });
  });

  it('answers an empty page past the end with a way back to the last page', () => {
    const page = paginate(items, keyOf, { cursor: encodeCursor('after', keyOf(items[44]!)), pageSize: 20 });
    expect(page.data).toEqual([]);
    expect(page.pagination_data.next_cursor).toBeNull();
    expect(ids(paginate(items, keyOf, { cursor: page.pagination_data.previous_cursor, pageSize: 20 }).data)).toEqual(ids(items.slice(25)));
    const pastOffset = paginate(items, keyOf, { cursor: '100', pageSize: 20 });
    expect(ids(paginate(items, keyOf, { cursor: pastOffset.pagination_data.previous_cursor, pageSize: 20 }).data)).toEqual(ids(items.slice(25)));
  });

  it('handles the empty list', () => {
    expect(paginate([], keyOf, {})).toEqual({ data: [], pagination_data: { previous_cursor: null, next_cursor: null, total: 0 } });
  });
});

describe('mergePartialResults', () => {
  it('equals paginating the union of all owners, in both directions', () => {
    const owners = [items.filter((_, i) => i % 3 === 0), items.filter((_, i) => i % 3 === 1), items.filter((_, i) => i % 3 === 2)];
    const cursors = [null, '10', encodeCursor('after', keyOf(items[7]!)), encodeCursor('before', keyOf(items[30]!)), encodeCursor('before', keyOf(items[3]!)), encodeCursor('after', keyOf(items[44]!))];
    for (const cursor of cursors) {
      const window = resolvePageRequest({ cursor, pageSize: 10 });
      const parts = owners.map((o) => partialResult(o, keyOf, window));
      expect(mergePartialResults(parts, compare, keyOf, window)).toEqual(paginate(items, keyOf, { cursor, pageSize: 10 }));
    }
  });

  it('copes with no owners', () => {
    expect(mergePartialResults([], compare, keyOf, resolvePageRequest({ pageSize: 5 }))).toEqual({ data: [], pagination_data: { previous_cursor: null, next_cursor: null, total: 0 } });
  });
});
