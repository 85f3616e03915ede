import type { KeyValue } from '../../api/record';

/**
 * The byte-level store every layer of the store stack implements (SQLite at the bottom, then
 * changelogging, then the typed store that applies the serdes). Single-threaded, like the task.
 */
export interface BytesStore {
  readonly name: string;
  get(key: Buffer): Buffer | undefined;
  /** Keeps its own copies of `key` and `value` (the caller may reuse its buffers). */
  put(key: Buffer, value: Buffer): void;
  /**
   * `put` of buffers the caller made for this write and never changes again: the store may keep them
   * as they are (the changelogging layer shares its one copy with the store below, instead of two).
   */
  putOwned?(key: Buffer, value: Buffer): void;
  /** Returns the previous value. */
  delete(key: Buffer): Buffer | undefined;
  /** Inclusive bounds, either may be omitted; ascending byte order. */
  range(from?: Buffer, to?: Buffer): IterableIterator<KeyValue<Buffer, Buffer>>;
  prefixScan(prefix: Buffer): IterableIterator<KeyValue<Buffer, Buffer>>;
  all(): IterableIterator<KeyValue<Buffer, Buffer>>;
  approximateNumEntries(): number;
  /** Writes buffered changes to the database (inside the caller's transaction, if any). */
  flush(): void;
  /** Discards unflushed changes and releases resources. */
  close(): void;
}
