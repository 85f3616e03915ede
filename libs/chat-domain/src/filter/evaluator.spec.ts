import { aView } from '../internals/fixtures';
import { compileFilter, matchesFilter, maxMatchedFieldLength } from './evaluator';
import { parseFilter } from './parser';

const views = [
  aView({
    id: 'conv-a',
    channelId: 'chan-fb',
    source: 'facebook',
    displayName: 'Grace Hopper',
    unreadCount: 3,
    createdAt: Date.UTC(2024, 0, 1),
    lastMessageAt: Date.UTC(2024, 0, 5),
    tagIds: ['t1', 't2'],
    state: 'OPEN',
    metadata: { state: 'OPEN', tags: { t1: '', t2: '' }, user_data: { tier: 'Gold Plus', score: 7, langs: ['de', 'EN'] } },
  }),
  aView({
    id: 'conv-b',
    channelId: 'chan-sms',
    source: 'twilio.sms',
    displayName: 'Ada Lovelace',
    unreadCount: 0,
    createdAt: Date.UTC(2024, 1, 1),
    tagIds: ['t1'],
    state: 'CLOSED',
    metadata: { state: 'CLOSED', tags: { t1: '' }, user_data: { score: 12 } },
  }),
  aView({ id: 'conv-c', channelId: 'chan-chat', source: 'chatplugin', displayName: 'Chatplugin v-c', unreadCount: 1, createdAt: Date.UTC(2024, 2, 1) }),
];

const ids = (query: string) => views.filter(compileFilter(query)).map((v) => v.id);

describe('filter evaluation', () => {
  it.each<[string, string[]]>([
    ['', ['conv-a', 'conv-b', 'conv-c']],
    ['*:*', ['conv-a', 'conv-b', 'conv-c']],
    // queries the Airy inbox builds
    ['unread_count:[1 TO *]', ['conv-a', 'conv-c']],
    ['unread_count:0', ['conv-b']],
    ['display_name:*hop*', ['conv-a']],
    ['tag_ids:(t1 AND t2)', ['conv-a']],
    ['tag_ids:(t1 OR t2)', ['conv-a', 'conv-b']],
    ['channel_id:(chan-fb OR chan-chat)', ['conv-a', 'conv-c']],
    ['source:(facebook OR twilio.sms)', ['conv-a', 'conv-b']],
    ['id:* AND NOT metadata.state:CLOSED', ['conv-a', 'conv-c']],
    ['unread_count:[1 TO *] AND display_name:*a* AND NOT metadata.state:CLOSED', ['conv-a', 'conv-c']],
    // case-insensitivity
    ['SOURCE:FACEBOOK', ['conv-a']],
    ['display_name:grace', ['conv-a']],
    ['display_name:GRACE', ['conv-a']],
    ['id:CONV-B', ['conv-b']],
    ['metadata.state:closed', ['conv-b']],
    // text fields: words, whole value, phrases, leading wildcards
    ['display_name:"grace hopper"', ['conv-a']],
    ['display_name:"hopper grace"', []],
    ['display_name:*lace', ['conv-b']],
    ['display_name:?da', ['conv-b']],
    ['display_name:grace*hopper', ['conv-a']],
    ['metadata.user_data.tier:gold', ['conv-a']],
    ['metadata.user_data.tier:"gold plus"', ['conv-a']],
    ['metadata.user_data.langs:en', ['conv-a']],
    // keyword fields compare the whole value
    ['source:twilio', []],
    ['source:twilio.*', ['conv-b']],
    ['conv-a', ['conv-a']],
    ['conv-*', ['conv-a', 'conv-b', 'conv-c']],
    // exists
    ['metadata.state:*', ['conv-a', 'conv-b']],
    ['metadata.tags.t2:*', ['conv-a']],
    ['NOT metadata.state:*', ['conv-c']],
    ['metadata.user_data:*', ['conv-a', 'conv-b']],
    // NOT alone (Lucene matched nothing), -, !
    ['NOT source:facebook', ['conv-b', 'conv-c']],
    ['-source:facebook', ['conv-b', 'conv-c']],
    ['!source:facebook', ['conv-b', 'conv-c']],
    ['+tag_ids:t1 -tag_ids:t2', ['conv-b']],
    ['NOT NOT source:facebook', ['conv-a']],
    // ranges and comparisons
    ['unread_count:{0 TO 3}', ['conv-c']],
    ['unread_count:[0 TO 3}', ['conv-b', 'conv-c']],
    ['unread_count:>=1', ['conv-a', 'conv-c']],
    ['unread_count:<1', ['conv-b']],
    [`created_at:[${Date.UTC(2024, 1, 1)} TO *]`, ['conv-b', 'conv-c']],
    ['created_at:[2024-01-15 TO 2024-02-15]', ['conv-b']],
    ['created_at:<2024-02-01', ['conv-a']],
    [`created_at:${Date.UTC(2024, 2, 1)}`, ['conv-c']],
    ['last_message_at:>2024-01-02', ['conv-a']],
    ['metadata.user_data.score:[5 TO 10]', ['conv-a']],
    ['metadata.user_data.score:>10', ['conv-b']],
    // precedence and grouping
    ['source:facebook OR source:chatplugin AND unread_count:0', ['conv-a']],
    ['(source:facebook OR source:chatplugin) AND unread_count:1', ['conv-c']],
    ['source:facebook || (tag_ids:t1 && metadata.state:closed)', ['conv-a', 'conv-b']],
    ['tag_ids:t1 unread_count:0', ['conv-b']],
    // absent values
    ['tag_ids:missing', []],
    ['metadata.nothing:x', []],
  ])('%s', (query, expected) => {
    expect(ids(query)).toEqual(expected);
  });

  it('accepts a pre-parsed AST', () => {
    const ast = parseFilter('unread_count:0');
    expect(views.filter(compileFilter(ast)).map((v) => v.id)).toEqual(['conv-b']);
    expect(matchesFilter(ast, views[1]!)).toBe(true);
    expect(matchesFilter('source:facebook', views[1]!)).toBe(false);
  });

  it('matches escaped wildcard characters literally', () => {
    const star = aView({ id: 'x', displayName: 'a*b' });
    const plain = aView({ id: 'y', displayName: 'axxb' });
    expect([star, plain].filter(compileFilter('display_name:a\\*b')).map((v) => v.id)).toEqual(['x']);
    expect([star, plain].filter(compileFilter('display_name:a*b')).map((v) => v.id)).toEqual(['x', 'y']);
    expect([star, plain].filter(compileFilter('display_name:a\\**')).map((v) => v.id)).toEqual(['x']);
  });

  it('matches regex metacharacters literally', () => {
    const view = aView({ id: 'x', displayName: 'a.b (c) [d] $e^ +f' });
    expect(matchesFilter('display_name:a.b', view)).toBe(true);
    expect(matchesFilter('display_name:axb', view)).toBe(false);
    expect(matchesFilter('display_name:*\\(c\\)*', view)).toBe(true);
    expect(matchesFilter('display_name:\\[d\\]', view)).toBe(true);
  });

  it('handles non-ASCII names case-insensitively', () => {
    const view = aView({ id: 'x', displayName: 'Zoë Ünal' });
    expect(matchesFilter('display_name:zoë', view)).toBe(true);
    expect(matchesFilter('display_name:ÜNAL', view)).toBe(true);
    expect(matchesFilter('display_name:zo?', view)).toBe(true);
  });
});

describe('bounded work', () => {
  it('searches the first maxMatchedFieldLength characters of a field, across its values', () => {
    const head = 'a'.repeat(maxMatchedFieldLength - 8); // "far-beyond" is cut after "fa"
    const view = aView({ id: 'x', metadata: { user_data: { note: `${head} near far-beyond`, list: ['one', 'two'] } } });
    expect(matchesFilter('metadata.user_data.note:near', view)).toBe(true);
    expect(matchesFilter('metadata.user_data.note:far*', view)).toBe(false);
    expect(matchesFilter('metadata.user_data.note:*', view)).toBe(true);
    expect(matchesFilter('metadata.user_data.list:two', view)).toBe(true);
  });

  it('finds phrases in repetitive text (word-level KMP)', () => {
    const view = aView({ id: 'x', metadata: { user_data: { note: `${'a '.repeat(500)}a b` } } });
    expect(matchesFilter('metadata.user_data.note:"a a a b"', view)).toBe(true);
    expect(matchesFilter('metadata.user_data.note:"a b a"', view)).toBe(false);
    expect(matchesFilter('metadata.user_data.note:"a a"', view)).toBe(true);
  });

  it('reads each field once per evaluation however many terms use it', () => {
    let reads = 0;
    const view = aView({ id: 'x', displayName: 'Ada Lovelace' });
    Object.defineProperty(view, 'displayName', {
      get: () => {
        reads++;
        return 'Ada Lovelace';
      },
    });
    expect(compileFilter('display_name:ada AND display_name:love* AND display_name:"ada lovelace" AND NOT display_name:bob')(view)).toBe(true);
    expect(reads).toBe(1);
  });
});
