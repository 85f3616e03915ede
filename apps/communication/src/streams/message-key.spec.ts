import { conversationPrefix, messageKey } from './message-key';

describe('messageKey', () => {
  it('sorts one conversation newest first, then by id, under its prefix', () => {
    const keys = [messageKey('c', 5, 'b'), messageKey('c', 1_700_000_000_000, 'a'), messageKey('c', 5, 'a'), messageKey('c', 0, 'z')];
    expect([...keys].sort()).toEqual([messageKey('c', 1_700_000_000_000, 'a'), messageKey('c', 5, 'a'), messageKey('c', 5, 'b'), messageKey('c', 0, 'z')]);
    for (const key of keys) expect(key.startsWith(conversationPrefix('c'))).toBe(true);
  });

  it('clamps times outside the key range', () => {
    expect(messageKey('c', -5, 'a')).toBe(messageKey('c', 0, 'a'));
    expect(messageKey('c', 1e20, 'a')).toBe(messageKey('c', 1e15 - 1, 'a'));
  });
});
