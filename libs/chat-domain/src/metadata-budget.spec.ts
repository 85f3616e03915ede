import { jsonByteLength, maxChannelMetadataBytes, maxConversationMetadataBytes, maxMessageMetadataBytes, SizeLimitError } from './limits';
import { metadataUpsert, type MetadataSubject } from './metadata';
import { applyBudgetedMetadataEntry, checkMetadataUpsert, metadataBudget, metadataEntriesBytes } from './metadata-budget';
import type { MetadataEntries } from './metadata-document';

describe('metadata budgets', () => {
  it('give each subject kind its budget', () => {
    expect(metadataBudget('conversation')).toBe(maxConversationMetadataBytes);
    expect(metadataBudget('message')).toBe(maxMessageMetadataBytes);
    expect(metadataBudget('channel')).toBe(maxChannelMetadataBytes);
    expect(metadataEntriesBytes({})).toBe(2);
  });

  /** Facts of `subject` stored at exactly `bytes`, and a change adding `extra` bytes to them. */
  function filledTo(subject: MetadataSubject, bytes: number): MetadataEntries {
    const probe = metadataUpsert(subject, 'user_data.fill', '', 1);
    const base = jsonByteLength({ [probe.id]: probe.record })!;
    const fill = metadataUpsert(subject, 'user_data.fill', 'f'.repeat(bytes - base), 1);
    const entries: MetadataEntries = { [fill.id]: fill.record! };
    expect(metadataEntriesBytes(entries)).toBe(bytes);
    return entries;
  }

  it.each(['conversation', 'message', 'channel'] as const)('%s: a record filling the budget exactly applies, one byte more is refused', (kind) => {
    const subject = { kind, id: 'x1' };
    const limit = metadataBudget(kind);
    const probe = metadataUpsert(subject, 'user_data.fill', '', 1);
    const base = jsonByteLength({ [probe.id]: probe.record })!;
    const exact = metadataUpsert(subject, 'user_data.fill', 'f'.repeat(limit - base), 1);
    expect(metadataEntriesBytes(applyBudgetedMetadataEntry(kind, 'x1', {}, exact.id, exact.record))).toBe(limit);
    const over = metadataUpsert(subject, 'user_data.fill', 'f'.repeat(limit - base + 1), 1);
    expect(() => applyBudgetedMetadataEntry(kind, 'x1', {}, over.id, over.record)).toThrow(new SizeLimitError(`metadata of ${kind} x1`, limit + 1, limit));
  });

  it('lets facts already over the budget shrink or be removed', () => {
    const subject = { kind: 'message', id: 'm1' } as const;
    const entries = filledTo(subject, maxMessageMetadataBytes + 100);
    const [id] = Object.keys(entries);
    const smaller = metadataUpsert(subject, 'user_data.fill', 'small', 2);
    expect(metadataEntriesBytes(applyBudgetedMetadataEntry('message', 'm1', entries, smaller.id, smaller.record))).toBeLessThan(200);
    expect(applyBudgetedMetadataEntry('message', 'm1', entries, id!, null)).toEqual({});
  });

  it('checks a whole upsert against the current facts at the request, naming the limit', () => {
    const subject = { kind: 'conversation', id: 'c1' } as const;
    const entries = filledTo(subject, maxConversationMetadataBytes - 1_000);
    const fits = [metadataUpsert(subject, 'user_data.a', 'x', 5)];
    expect(() => checkMetadataUpsert('conversation', 'c1', entries, fits)).not.toThrow();
    const many = Array.from({ length: 10 }, (_, i) => metadataUpsert(subject, `user_data.k${i}`, 'x', 5));
    expect(() => checkMetadataUpsert('conversation', 'c1', entries, many)).toThrow(/^metadata of conversation c1 after this upsert is \d+ bytes, limit 262144 bytes$/);
    expect(() => checkMetadataUpsert('conversation', 'c1', {}, many)).not.toThrow();
  });
});
