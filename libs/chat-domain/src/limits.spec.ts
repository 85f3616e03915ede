import { applyMessage, applyMetadata, emptyConversation, unreadCount, upgradeConversationState, type ConversationState } from './conversation';
import { aMessage, Folding } from './internals/fixtures';
import {
  changelogRecordLimitBytes,
  checkSize,
  jsonByteLength,
  maxConversationMetadataBytes,
  maxConversationRecordBytes,
  maxMessageContentBytes,
  maxMessageIdJsonBytes,
  maxMetadataUpsertBytes,
  maxStoredMessageBytes,
  maxUnreadRecount,
  SizeLimitError,
  utf8ByteLength,
} from './limits';
import { flattenMetadata, metadataUpsert, type MetadataObject } from './metadata';
import { validateRequest } from './requests';

/** A JSON value whose JSON text is exactly `bytes` long, made of characters that escape worst when written again. */
function contentOfBytes(bytes: number): { text: string } {
  // {"text":"…"} is 11 bytes around the text; `\"` is 2 bytes of content and 4 once the content is a JSON string.
  const overhead = jsonByteLength({ text: '' })!;
  const quotes = Math.floor((bytes - overhead) / 2);
  const text = '"'.repeat(quotes) + 'x'.repeat(bytes - overhead - 2 * quotes);
  return { text };
}

describe('utf8ByteLength and jsonByteLength', () => {
  it('count UTF-8 bytes like Buffer does, surrogate pairs and lone surrogates included', () => {
    for (const text of ['', 'abc', 'é', '€', '😀', 'a😀b', '\ud800', 'x\udc00y', '\u2028', '"\\\u0001']) {
      expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, 'utf8'));
    }
  });

  it('measure the JSON text; unwritable values give undefined', () => {
    expect(jsonByteLength({ text: 'é' })).toBe(Buffer.byteLength(JSON.stringify({ text: 'é' })));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(jsonByteLength(cyclic)).toBeUndefined();
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonByteLength(deep)).toBeUndefined();
  });

  it('checkSize names what, the size and the limit', () => {
    expect(() => checkSize('message content', 10, 10)).not.toThrow();
    expect(() => checkSize('message content', 11, 10)).toThrow(new SizeLimitError('message content', 11, 10));
    expect(new SizeLimitError('message content', 70_000, 65_536).message).toBe('message content is 70000 bytes, limit 65536 bytes');
  });
});

describe('the budget arithmetic', () => {
  it('keeps the worst conversation record under the changelog limit with margin', () => {
    expect(maxConversationRecordBytes).toBe(403_456);
    expect(maxConversationRecordBytes).toBeLessThan(changelogRecordLimitBytes * 0.6);
  });

  it('the largest accepted message plus the largest allowed metadata and a full unread map fit the conversation record', () => {
    const conversationId = 'c'.repeat(200);
    const content = contentOfBytes(maxMessageContentBytes);
    expect(validateRequest('chatplugin.send', { message: content }).ok).toBe(true);
    expect(validateRequest('chatplugin.send', { message: contentOfBytes(maxMessageContentBytes + 1) })).toMatchObject({ ok: false, tooLarge: true });

    let state: ConversationState = emptyConversation(conversationId);
    // Unread contact messages, each with the longest id a record may carry: the state holds a count, not the ids.
    const longId = (i: number) => `${i}`.padStart(maxMessageIdJsonBytes - 2, 'm');
    for (let i = 0; i < maxUnreadRecount + 5; i++) {
      state = applyMessage(state, aMessage({ id: longId(i), conversationId, channelId: 'h'.repeat(200), source: 's'.repeat(100), sentAt: -9_007_199_254_740 + i }), true);
    }
    // The largest message written as messages.send would write it (every id at its request limit).
    state = applyMessage(
      state,
      aMessage({ id: 'z'.repeat(36), conversationId, channelId: 'h'.repeat(200), source: 's'.repeat(100), senderId: 'u'.repeat(200), sourceRecipientId: 'r'.repeat(200), content: JSON.stringify(content), sentAt: Number.MAX_SAFE_INTEGER }),
      true,
    );
    expect(state.lastMessage?.content).toBe(JSON.stringify(content));
    // Metadata filled with upserts as metadata.upsert accepts them, until the budget refuses one.
    let refused = 0;
    for (let round = 0; refused === 0; round++) {
      const data: MetadataObject = { [`note${round}`]: '\u0001'.repeat(Math.floor((maxMetadataUpsertBytes - 40) / 6)) };
      expect(validateRequest('metadata.upsert', { subject: 'conversation', id: conversationId, data }).ok).toBe(true);
      for (const fact of flattenMetadata(data)) {
        const change = metadataUpsert({ kind: 'conversation', id: conversationId }, fact.key, fact.value, round);
        try {
          state = applyMetadata(state, change.id, change.record);
        } catch (error) {
          expect(error).toBeInstanceOf(SizeLimitError);
          refused++;
        }
      }
    }
    expect(jsonByteLength(state.metadata)).toBeLessThanOrEqual(maxConversationMetadataBytes);
    expect(unreadCount(state)).toBe(maxUnreadRecount + 6);
    // Stored as the conversations store does (Serdes.json: JSON text as UTF-8).
    const recordBytes = Buffer.byteLength(JSON.stringify(state), 'utf8');
    expect(recordBytes).toBeGreaterThan(maxStoredMessageBytes);
    expect(recordBytes).toBeLessThanOrEqual(maxConversationRecordBytes);
    expect(recordBytes).toBeLessThan(changelogRecordLimitBytes);
  });
});

describe('reducer bounds', () => {
  const conv = { kind: 'conversation', id: 'conv-1' } as const;

  it('refuses a message over the stored size or with an over-long id, leaving the state alone', () => {
    const state = applyMessage(emptyConversation('conv-1'), aMessage({ id: 'm1' }), true);
    const atLimit = aMessage({ id: 'm2', sentAt: 2_000, content: '' });
    atLimit.content = 'x'.repeat(maxStoredMessageBytes - jsonByteLength(atLimit)!);
    expect(jsonByteLength(atLimit)).toBe(maxStoredMessageBytes);
    expect(applyMessage(state, atLimit, true).lastMessage?.id).toBe('m2');
    const over = { ...atLimit, content: `${atLimit.content}x` };
    expect(() => applyMessage(state, over, true)).toThrow(`message m2 is ${maxStoredMessageBytes + 1} bytes, limit ${maxStoredMessageBytes} bytes`);
    expect(() => applyMessage(state, aMessage({ id: 'i'.repeat(maxMessageIdJsonBytes - 1) }), true)).toThrow(SizeLimitError);
    expect(unreadCount(applyMessage(state, aMessage({ id: 'i'.repeat(maxMessageIdJsonBytes - 2) }), true))).toBe(2);
  });

  it('measures escaped content exactly: control characters take 6 bytes each as JSON', () => {
    const units = Math.ceil(maxStoredMessageBytes / 6);
    const escaped = aMessage({ id: 'm1', content: '\u0001'.repeat(units) });
    expect(escaped.content.length).toBeLessThan(maxStoredMessageBytes);
    expect(() => applyMessage(emptyConversation('conv-1'), escaped, true)).toThrow(SizeLimitError);
    expect(() => applyMessage(emptyConversation('conv-1'), { ...escaped, content: 'x'.repeat(units) }, true)).not.toThrow();
  });

  it('counts every new unread message exactly; a read receipt recounts what is left, at most maxUnreadRecount', () => {
    const folding = new Folding();
    let state = emptyConversation('conv-1');
    for (let i = 1; i <= maxUnreadRecount + 10; i++) state = folding.message(state, aMessage({ id: `m${i}`, sentAt: i }));
    expect(unreadCount(state)).toBe(maxUnreadRecount + 10);
    // A re-delivered message is not new to the processor: counted once.
    expect(folding.message(state, aMessage({ id: 'm3', sentAt: 3 }))).toEqual(state);
    expect(unreadCount(folding.receipt(state, { conversationId: 'conv-1', readDate: maxUnreadRecount }))).toBe(10);
    // A receipt before most of them: the recount stops at the bound ("that many or more").
    expect(unreadCount(folding.receipt(state, { conversationId: 'conv-1', readDate: 5 }))).toBe(maxUnreadRecount);
  });

  it('upgrades a state stored with unread ids (an earlier version) to the count and newest time', () => {
    const stored = { ...emptyConversation('conv-1'), unreadCount: undefined, newestUnreadAt: undefined, unread: JSON.parse('{"__proto__": 5, "m2": 9}') as unknown } as unknown as ConversationState;
    const upgraded = upgradeConversationState(JSON.parse(JSON.stringify(stored)) as ConversationState);
    expect(upgraded).toEqual({ ...emptyConversation('conv-1'), unreadCount: 2, newestUnreadAt: 9 });
    expect(upgradeConversationState(upgraded)).toBe(upgraded);
    const none = upgradeConversationState({ ...emptyConversation('conv-1'), unreadCount: undefined, newestUnreadAt: undefined, unread: {} } as unknown as ConversationState);
    expect(none).toMatchObject({ unreadCount: 0, newestUnreadAt: null });
  });

  it('refuses a conversation metadata record that would pass the budget, accepts removals', () => {
    const fact = (key: string, value: string, timestamp = 1) => metadataUpsert(conv, key, value, timestamp);
    const big = fact('user_data.a', 'x'.repeat(maxConversationMetadataBytes - 400));
    let state = applyMetadata(emptyConversation('conv-1'), big.id, big.record);
    const size = jsonByteLength(state.metadata)!;
    const room = maxConversationMetadataBytes - size;
    const exact = fact('user_data.b', '');
    const exactBytes = jsonByteLength(applyMetadata(state, exact.id, exact.record).metadata)! - size;
    const filler = fact('user_data.b', 'y'.repeat(room - exactBytes));
    state = applyMetadata(state, filler.id, filler.record);
    expect(jsonByteLength(state.metadata)).toBe(maxConversationMetadataBytes);
    const more = fact('user_data.c', 'z');
    expect(() => applyMetadata(state, more.id, more.record)).toThrow(/^metadata of conversation conv-1 is \d+ bytes, limit 262144 bytes$/);
    const smaller = fact('user_data.b', 'y', 2);
    expect(jsonByteLength(applyMetadata(state, smaller.id, smaller.record).metadata)).toBeLessThan(maxConversationMetadataBytes);
    expect(applyMetadata(state, filler.id, null).metadata).not.toHaveProperty(filler.id);
  });
});
