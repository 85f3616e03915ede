import type { AbortedTransaction } from './fetch-protocol';
import { ABORT_MARKER, type BatchInfo } from './record-batch';

/**
 * read_committed filtering of one partition, kept across responses: a producer's transactional batches are
 * dropped from the first_offset of an aborted transaction (as the Fetch response lists them) until that
 * producer's ABORT control batch. Control batches themselves are always dropped.
 */
export class AbortFilter {
  /** Aborted transactions not reached yet, by ascending first offset. */
  private pending: AbortedTransaction[] = [];
  private readonly aborting = new Set<bigint>();
  /** Offset of the last ABORT marker seen per producer: older entries repeated by later responses are stale. */
  private readonly lastAbortMarker = new Map<bigint, bigint>();

  add(transactions: AbortedTransaction[] | null): void {
    if (!transactions || transactions.length === 0) return;
    for (const t of transactions) {
      if (!this.pending.some((p) => p.producerId === t.producerId && p.firstOffset === t.firstOffset)) this.pending.push(t);
    }
    this.pending.sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  }

  /** True when the batch's records are committed data to deliver. */
  accept(batch: BatchInfo): boolean {
    if (this.pending.length > 0) this.activate(batch.baseOffset + BigInt(batch.lastOffsetDelta));
    if (batch.isControl) {
      if (batch.controlType === ABORT_MARKER) {
        this.aborting.delete(batch.producerId);
        this.lastAbortMarker.set(batch.producerId, batch.baseOffset);
      }
      return false;
    }
    return !(batch.isTransactional && this.aborting.has(batch.producerId));
  }

  /** Forgets everything (the position jumped, e.g. to the log start). */
  reset(): void {
    this.pending = [];
    this.aborting.clear();
    this.lastAbortMarker.clear();
  }

  private activate(lastOffset: bigint): void {
    let taken = 0;
    while (taken < this.pending.length && this.pending[taken].firstOffset <= lastOffset) {
      const { producerId, firstOffset } = this.pending[taken++];
      const marker = this.lastAbortMarker.get(producerId);
      if (marker === undefined || marker < firstOffset) this.aborting.add(producerId);
    }
    if (taken > 0) this.pending = this.pending.slice(taken);
  }
}
