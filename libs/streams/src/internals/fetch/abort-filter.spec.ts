import { AbortFilter } from './abort-filter';
import { ABORT_MARKER, COMMIT_MARKER, type BatchInfo } from './record-batch';

const data = (offset: number, producerId: number, isTransactional = true): BatchInfo => ({
  baseOffset: BigInt(offset),
  lastOffsetDelta: 0,
  producerId: BigInt(producerId),
  isTransactional,
  isControl: false,
  compression: 0,
  baseTimestamp: 0,
  maxTimestamp: 0,
  logAppendTime: false,
  controlType: -1,
});
const marker = (offset: number, producerId: number, controlType: number): BatchInfo => ({ ...data(offset, producerId), isControl: true, controlType });

describe('AbortFilter', () => {
  it('drops a producer from its aborted first offset until its ABORT marker, across responses', () => {
    const filter = new AbortFilter();
    filter.add([{ producerId: 1n, firstOffset: 2n }]);
    expect([data(0, 1), data(1, 2, false), data(2, 1), data(3, 2)].map((b) => filter.accept(b))).toEqual([true, true, false, true]);
    // The next response repeats the still-open transaction; the marker closes it.
    filter.add([{ producerId: 1n, firstOffset: 2n }]);
    expect([data(4, 1), marker(5, 1, ABORT_MARKER), data(6, 1)].map((b) => filter.accept(b))).toEqual([false, false, true]);
    // A stale repeat after the marker does not abort the producer's next (committed) transaction.
    filter.add([{ producerId: 1n, firstOffset: 2n }]);
    expect([data(7, 1), marker(8, 1, COMMIT_MARKER)].map((b) => filter.accept(b))).toEqual([true, false]);
  });

  it('forgets its state on reset', () => {
    const filter = new AbortFilter();
    filter.add([{ producerId: 3n, firstOffset: 0n }]);
    expect(filter.accept(data(0, 3))).toBe(false);
    filter.reset();
    expect(filter.accept(data(1, 3))).toBe(true);
  });
});
