import type { KeyValue } from './record';
import type { SyncSerde } from './serde';

/**
 * Read side of a key-value store. Ranges and scans follow the byte order of the serialized keys.
 *
 * Iteration contract: every iterating method returns a fresh `IterableIterator` that releases its
 * underlying cursor when it is exhausted, when the consuming loop exits early (`break`, `return`,
 * throw — i.e. when `return()` is called), and at the latest when the task commits. An iterator
 * cannot leak a database cursor beyond the current processing step.
 */
export interface ReadOnlyKeyValueStore<K, V> {
  get(key: K): V | undefined;
  /** Inclusive `from`, inclusive `to`; either bound may be omitted. */
  range(from?: K, to?: K): IterableIterator<KeyValue<K, V>>;
  /** All entries whose serialized key starts with the serialized `prefix`. */
  prefixScan<P>(prefix: P, prefixSerde: SyncSerde<P>): IterableIterator<KeyValue<K, V>>;
  all(): IterableIterator<KeyValue<K, V>>;
  approximateNumEntries(): number;
}

/**
 * A key-value store owned by one task. Single-threaded: only the task's processing step (or its
 * punctuators) calls it. Writes become durable, and reach the changelog, when the task commits.
 */
export interface KeyValueStore<K, V> extends ReadOnlyKeyValueStore<K, V> {
  readonly name: string;
  put(key: K, value: V): void;
  putIfAbsent(key: K, value: V): V | undefined;
  /** Returns the previous value. */
  delete(key: K): V | undefined;
}
