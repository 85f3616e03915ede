import { InvalidCursorError, InvalidPageSizeError } from './errors';
import { decodeCursor, encodeCursor, mergePartialResults, paginate, resolvePageRequest, type Page } from './pagination';

const items = Array.from({ length: 45 }, (_, i) => i);

describe('cursors', () => {
  it('round-trips offsets through opaque cursors', () => {
    for (const offset of [0, 1, 20, 2000, 123_456_789]) expect(decodeCursor(encodeCursor(offset))).toBe(offset);
    expect(encodeCursor(20)).not.toContain('20');
  });

  it("accepts Airy's plain decimal offsets", () => {
    expect(decodeCursor('40')).toBe(40);
  });

  it('rejects forged cursors with InvalidCursorError', () => {
    for (const bad of ['-1', 'abc', '1.5', '%%%', Buffer.from('x:5').toString('base64url'), Buffer.from('o:-5').toString('base64url'), '9'.repeat(20)]) {
      expect(() => decodeCursor(bad)).toThrow(InvalidCursorError);
    }
  });
});

describe('resolvePageRequest', () => {
  it('defaults to the first page of 20', () => {
    expect(resolvePageRequest({})).toEqual({ offset: 0, pageSize: 20 });
    expect(resolvePageRequest({ cursor: null, pageSize: null })).toEqual({ offset: 0, pageSize: 20 });
    expect(resolvePageRequest({ cursor: '' }, { defaultPageSize: 5 })).toEqual({ offset: 0, pageSize: 5 });
  });

  it('validates page_size', () => {
    for (const pageSize of [0, -1, 1.5, 1001, Number.NaN]) expect(() => resolvePageRequest({ pageSize })).toThrow(InvalidPageSizeError);
    expect(() => resolvePageRequest({ pageSize: 51 }, { maxPageSize: 50 })).toThrow('page_size must be an integer between 1 and 50');
    expect(resolvePageRequest({ pageSize: 1000 }).pageSize).toBe(1000);
  });
});

describe('paginate', () => {
  it('walks the whole list page by page with next/previous cursors', () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    const pages: Page<number>[] = [];
    do {
      const page: Page<number> = paginate(items, { cursor, pageSize: 20 });
      pages.push(page);
      seen.push(...page.data);
      cursor = page.pagination_data.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual(items);
    expect(pages.map((p) => p.data.length)).toEqual([20, 20, 5]);
    expect(pages.map((p) => p.pagination_data.total)).toEqual([45, 45, 45]);
    expect(pages[0]!.pagination_data.previous_cursor).toBeNull();
    expect(decodeCursor(pages[1]!.pagination_data.previous_cursor!)).toBe(0);
    expect(decodeCursor(pages[2]!.pagination_data.previous_cursor!)).toBe(20);
  });

  it('has no result cap (Airy stopped at 2000)', () => {
    const many = Array.from({ length: 5_000 }, (_, i) => i);
    const page = paginate(many, { cursor: encodeCursor(4_990), pageSize: 20 });
    expect(page.data).toEqual(many.slice(4_990));
    expect(page.pagination_data).toMatchObject({ next_cursor: null, total: 5_000 });
  });

  it('answers an empty page past the end with a way back', () => {
    const page = paginate(items, { cursor: encodeCursor(100), pageSize: 20 });
    expect(page.data).toEqual([]);
    expect(page.pagination_data.next_cursor).toBeNull();
    expect(decodeCursor(page.pagination_data.previous_cursor!)).toBe(25);
  });

  it('handles the empty list', () => {
    expect(paginate([], {})).toEqual({ data: [], pagination_data: { previous_cursor: null, next_cursor: null, total: 0 } });
  });
});

describe('mergePartialResults', () => {
  const compare = (a: number, b: number) => a - b;

  it('equals paginating the union of all owners', () => {
    const all = Array.from({ length: 60 }, (_, i) => (i * 7919) % 1000).sort(compare);
    const owners = [all.filter((n) => n % 3 === 0), all.filter((n) => n % 3 === 1), all.filter((n) => n % 3 === 2)];
    for (const offset of [0, 10, 50, 70]) {
      const window = { offset, pageSize: 10 };
      const parts = owners.map((o) => ({ items: o.slice(0, offset + 10), total: o.length }));
      expect(mergePartialResults(parts, compare, window)).toEqual(paginate(all, { cursor: encodeCursor(offset), pageSize: 10 }));
    }
  });

  it('copes with no owners', () => {
    expect(mergePartialResults([], compare, { offset: 0, pageSize: 5 })).toEqual({ data: [], pagination_data: { previous_cursor: null, next_cursor: null, total: 0 } });
  });
});
