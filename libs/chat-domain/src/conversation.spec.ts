import type { Message, Metadata, ReadReceipt } from '@platform/schemas';
import { applyMessage, applyMetadata, applyReadReceipt, emptyConversation, hasMessages, unreadCount, type ConversationState } from './conversation';
import { conversationView } from './conversation-view';
import { ChatDomainError } from './errors';
import { aMessage, Folding } from './internals/fixtures';
import { metadataRemoval, metadataUpsert, tagKey } from './metadata';
import { withDeliveryState } from './message';

const conv = { kind: 'conversation', id: 'conv-1' } as const;
type Event = { message: Message } | { metadata: { id: string; record: Metadata | null } } | { receipt: ReadReceipt };

/** Folds `events` as a processor does (with its message history, `folding`: a new one unless given). */
function fold(events: Event[], state: ConversationState = emptyConversation('conv-1'), folding = new Folding()): ConversationState {
  return events.reduce((s, e) => {
    if ('message' in e) return folding.message(s, e.message);
    if ('metadata' in e) return applyMetadata(s, e.metadata.id, e.metadata.record);
    return folding.receipt(s, e.receipt);
  }, state);
}

describe('conversation reducer', () => {
  it('starts empty and appears with its first message', () => {
    const empty = emptyConversation('conv-1');
    expect(hasMessages(empty)).toBe(false);
    expect(conversationView(empty)).toBeNull();
    const state = applyMessage(empty, aMessage({ id: 'm1', sentAt: 100 }), true);
    expect(hasMessages(state)).toBe(true);
    expect(state).toMatchObject({ channelId: 'chan-1', source: 'chatplugin', createdAt: 100 });
    expect(state.lastMessage?.id).toBe('m1');
  });

  it('created_at is the earliest message, last_message the latest, in any arrival order', () => {
    const messages = [aMessage({ id: 'm2', sentAt: 200 }), aMessage({ id: 'm3', sentAt: 300, isFromContact: false }), aMessage({ id: 'm1', sentAt: 100 })];
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 2, 0], [1, 0, 2]]) {
      const state = fold(order.map((i) => ({ message: messages[i]! })));
      expect(state.createdAt).toBe(100);
      expect(state.lastMessage?.id).toBe('m3');
      expect(unreadCount(state)).toBe(2);
    }
  });

  it('breaks equal sentAt by id so the last message does not depend on arrival order', () => {
    const a = aMessage({ id: 'a', sentAt: 5 });
    const b = aMessage({ id: 'b', sentAt: 5 });
    expect(fold([{ message: a }, { message: b }]).lastMessage?.id).toBe('b');
    expect(fold([{ message: b }, { message: a }]).lastMessage?.id).toBe('b');
  });

  it('does not double count a re-delivered message (the processor knows it is not new)', () => {
    const m = aMessage({ id: 'm1', sentAt: 100 });
    const once = fold([{ message: m }]);
    const twice = fold([{ message: m }, { message: m }, { message: { ...m } }]);
    expect(twice).toEqual(once);
    expect(unreadCount(twice)).toBe(1);
    expect(applyMessage(once, m, false)).toEqual(once);
    expect(unreadCount(applyMessage(once, aMessage({ id: 'm2', sentAt: 90 }), true))).toBe(2);
  });

  it('replaces the last message with its later delivery-state version, never the reverse', () => {
    const pending = aMessage({ id: 'out', sentAt: 500, isFromContact: false, deliveryState: 'PENDING' });
    const delivered = withDeliveryState(pending, 'DELIVERED', 600);
    const forward = fold([{ message: pending }, { message: delivered }]);
    expect(forward.lastMessage).toEqual(delivered);
    const replayed = applyMessage(forward, pending, false);
    expect(replayed.lastMessage).toEqual(delivered);
  });

  it('counts only contact messages after the last read', () => {
    const state = fold([
      { message: aMessage({ id: 'c1', sentAt: 100 }) },
      { message: aMessage({ id: 'c2', sentAt: 200 }) },
      { message: aMessage({ id: 'agent', sentAt: 250, isFromContact: false }) },
      { receipt: { conversationId: 'conv-1', readDate: 200 } },
      { message: aMessage({ id: 'c3', sentAt: 300 }) },
      { message: aMessage({ id: 'late-but-old', sentAt: 150 }) },
    ]);
    expect(state).toMatchObject({ unreadCount: 1, newestUnreadAt: 300 });
    expect(unreadCount(state)).toBe(1);
    // Everything read: no recount of the history is asked for.
    const recount = jest.fn(() => ({ count: 7, newestAt: 1 }));
    expect(applyReadReceipt(state, { conversationId: 'conv-1', readDate: 1_000 }, recount)).toMatchObject({ unreadCount: 0, newestUnreadAt: null, lastReadAt: 1_000 });
    expect(recount).not.toHaveBeenCalled();
    // Some left unread: the count is what the processor recounts from its history.
    expect(applyReadReceipt(state, { conversationId: 'conv-1', readDate: 250 }, recount)).toMatchObject({ unreadCount: 7, newestUnreadAt: 1 });
    expect(recount).toHaveBeenCalledWith(250);
  });

  it('ignores an older read receipt (receipts only move forward)', () => {
    const folding = new Folding();
    const state = fold([{ message: aMessage({ id: 'c1', sentAt: 100 }) }, { receipt: { conversationId: 'conv-1', readDate: 50 } }], undefined, folding);
    expect(unreadCount(state)).toBe(1);
    const read = folding.receipt(state, { conversationId: 'conv-1', readDate: 200 });
    expect(folding.receipt(read, { conversationId: 'conv-1', readDate: 60 })).toBe(read);
    expect(unreadCount(read)).toBe(0);
  });

  it('applies metadata upserts and tombstones', () => {
    const tag = metadataUpsert(conv, tagKey('t1'), '', 10);
    const state = fold([
      { message: aMessage({ id: 'm1' }) },
      { metadata: metadataUpsert(conv, 'contact.display_name', 'Grace', 5) },
      { metadata: tag },
      { metadata: metadataUpsert(conv, 'state', 'OPEN', 11) },
    ]);
    expect(conversationView(state)?.tagIds).toEqual(['t1']);
    const untagged = applyMetadata(state, metadataRemoval(conv, tagKey('t1')).id, null);
    expect(conversationView(untagged)?.tagIds).toEqual([]);
    expect(applyMetadata(untagged, tag.id, null)).toBe(untagged);
  });

  it('refuses records of another conversation or subject', () => {
    const state = emptyConversation('conv-1');
    expect(() => applyMessage(state, aMessage({ id: 'm', conversationId: 'other' }), true)).toThrow(ChatDomainError);
    expect(() => applyReadReceipt(state, { conversationId: 'other', readDate: 1 }, () => ({ count: 0, newestAt: null }))).toThrow(ChatDomainError);
    const foreign = metadataUpsert({ kind: 'conversation', id: 'other' }, 'state', 'OPEN', 1);
    expect(() => applyMetadata(state, foreign.id, foreign.record)).toThrow(ChatDomainError);
    const channel = metadataUpsert({ kind: 'channel', id: 'conv-1' }, 'name', 'x', 1);
    expect(() => applyMetadata(state, channel.id, channel.record)).toThrow('subject channel');
  });

  it('keeps state JSON-serializable', () => {
    const state = fold([{ message: aMessage({ id: 'm1' }) }, { metadata: metadataUpsert(conv, 'user_data.n', 1, 1) }]);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('reaches the same state for every arrival order of the same records (seeded shuffles)', () => {
    const pending = aMessage({ id: 'out', sentAt: 450, isFromContact: false, deliveryState: 'PENDING' });
    const events: Event[] = [
      { message: aMessage({ id: 'c1', sentAt: 100 }) },
      { message: aMessage({ id: 'c2', sentAt: 200 }) },
      { message: aMessage({ id: 'c3', sentAt: 400 }) },
      { message: pending },
      { message: withDeliveryState(pending, 'DELIVERED', 460) },
      { message: aMessage({ id: 'c2', sentAt: 200 }) },
      { receipt: { conversationId: 'conv-1', readDate: 250 } },
      { receipt: { conversationId: 'conv-1', readDate: 150 } },
      { metadata: metadataUpsert(conv, 'state', 'OPEN', 1) },
      { metadata: metadataUpsert(conv, 'state', 'CLOSED', 2) },
      { metadata: metadataUpsert(conv, tagKey('t'), '', 3) },
    ];
    const expected = fold(events);
    expect(expected).toMatchObject({ unreadCount: 1, newestUnreadAt: 400 });
    expect(expected.lastMessage?.deliveryState).toBe('DELIVERED');
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const shuffled = [...events];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      const state = fold(shuffled);
      expect(state).toEqual(expected);
      expect(conversationView(state)).toEqual(conversationView(expected));
    }
  });
});
