import type { Metadata } from '@platform/schemas';
import { jsonByteLength, maxChannelMetadataBytes, maxConversationMetadataBytes, maxMessageMetadataBytes, SizeLimitError } from './limits';
import type { MetadataChange } from './metadata';
import { applyMetadataEntry, type MetadataEntries } from './metadata-document';

/** Subjects whose facts a store keeps in one record (conversation state, message and channel metadata stores). */
export type BudgetedSubjectKind = 'conversation' | 'message' | 'channel';

/** The stored-size budget of one subject's facts (JSON of the facts by record id). */
export function metadataBudget(kind: BudgetedSubjectKind): number {
  switch (kind) {
    case 'conversation':
      return maxConversationMetadataBytes;
    case 'message':
      return maxMessageMetadataBytes;
    case 'channel':
      return maxChannelMetadataBytes;
  }
}

/** Bytes the facts take stored (their JSON text). */
export function metadataEntriesBytes(entries: MetadataEntries): number {
  return jsonByteLength(entries) ?? Number.POSITIVE_INFINITY;
}

/**
 * `applyMetadataEntry` within the subject's budget: a record that would grow the facts past
 * {@link metadataBudget} is refused with {@link SizeLimitError} (the processor's exception handler
 * dead-letters it) instead of growing the stored record. Removals and changes that do not grow the
 * facts always apply, so facts already over the budget can still shrink.
 */
export function applyBudgetedMetadataEntry(kind: BudgetedSubjectKind, subjectId: string, entries: MetadataEntries, recordId: string, record: Metadata | null): MetadataEntries {
  const next = applyMetadataEntry(entries, recordId, record);
  if (next === entries || record === null) return next;
  const limit = metadataBudget(kind);
  const after = metadataEntriesBytes(next);
  if (after > limit && after > metadataEntriesBytes(entries)) throw new SizeLimitError(`metadata of ${kind} ${subjectId}`, after, limit);
  return next;
}

/**
 * Checks at the request that a batch of changes (one `metadata.upsert`) keeps the subject's facts
 * within the budget, given the facts stored now; throws {@link SizeLimitError} (413) naming the
 * limit. The reducer checks again per record ({@link applyBudgetedMetadataEntry}).
 */
export function checkMetadataUpsert(kind: BudgetedSubjectKind, subjectId: string, entries: MetadataEntries, changes: readonly MetadataChange[]): void {
  let next = entries;
  for (const change of changes) next = applyMetadataEntry(next, change.id, change.record);
  if (next === entries) return;
  const limit = metadataBudget(kind);
  const after = metadataEntriesBytes(next);
  if (after > limit && after > metadataEntriesBytes(entries)) throw new SizeLimitError(`metadata of ${kind} ${subjectId} after this upsert`, after, limit);
}
