import { listConversations, listConversationsCooperatively } from './conversation-list';
import { FilterSyntaxError, InvalidCursorError } from './errors';
import { aView } from './internals/fixtures';

const views = Array.from({ length: 50 }, (_, i) => aView({ id: `c${String(i).padStart(2, '0')}`, lastMessageAt: 1_000 + (i % 10), unreadCount: i % 2 }));

describe('listConversations', () => {
  it('filters, sorts by last message desc then id, and pages', () => {
    const page = listConversations(views, { filters: 'unread_count:[1 TO *]', pageSize: 3 });
    expect(page.data.map((v) => v.id)).toEqual(['c09', 'c19', 'c29']);
    expect(page.pagination_data.total).toBe(25);
    const next = listConversations(views, { filters: 'unread_count:[1 TO *]', pageSize: 3, cursor: page.pagination_data.next_cursor });
    expect(next.data.map((v) => v.id)).toEqual(['c39', 'c49', 'c07']);
    expect(listConversations(views, { filters: 'unread_count:[1 TO *]', pageSize: 3, cursor: next.pagination_data.previous_cursor }).data).toEqual(page.data);
  });

  it('lists everything without a filter and visits every item exactly once', () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = listConversations(views, { cursor, pageSize: 7 });
      seen.push(...page.data.map((v) => v.id));
      cursor = page.pagination_data.next_cursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(50);
    expect(new Set(seen).size).toBe(50);
  });

  it('fails on bad filters and cursors', () => {
    expect(() => listConversations(views, { filters: 'unread_count:[' })).toThrow(FilterSyntaxError);
    expect(() => listConversations(views, { cursor: 'nope!' })).toThrow(InvalidCursorError);
  });
});

describe('listConversationsCooperatively', () => {
  it('answers what listConversations answers', async () => {
    for (const filters of ['unread_count:[1 TO *]', 'id:c1*', '']) {
      expect(await listConversationsCooperatively(views, { filters, pageSize: 7 })).toEqual(listConversations(views, { filters, pageSize: 7 }));
    }
  });

  it('lets the event loop run while a costly filter scans many conversations', async () => {
    const many = Array.from({ length: 2_000 }, (_, i) => aView({ id: `conv-${i}`, displayName: `${'a '.repeat(500)}${i}` }));
    const filters = Array.from({ length: 8 }, (_, i) => `display_name:"${'a '.repeat(40)}b${i}"`).join(' OR ');
    let ranMeanwhile = false;
    setImmediate(() => (ranMeanwhile = true));
    const page = await listConversationsCooperatively(many, { filters, pageSize: 5 });
    expect(page.pagination_data.total).toBe(0);
    expect(ranMeanwhile).toBe(true);
  });
});
