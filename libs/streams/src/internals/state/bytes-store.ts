import type { KeyValue } from '../../api/record';

/**
 * The byte-level store every layer of the store stack implements (SQLite at the bottom, then
 * changelogging, then the typed store that applies the serdes). Single-threaded, like the task.
 */
export interface BytesStore {
  readonly name: string;
  get(key: Buffer): Buffer | undefined;
  put(key: Buffer, value: Buffer): void;
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
