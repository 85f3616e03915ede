import type { KeyValue } from '../../api/record';
import type { SyncSerde } from '../../api/serde';
import { StoreError } from '../../errors';
import type { StoreFactory, TaskStore } from '../task/contract';
import type { StoreSpec } from '../topology/spec';

interface Entry {
  readonly keyBytes: Buffer;
  readonly valueBytes: Buffer;
}

/**
 * An in-memory `TaskStore`: keys and values are kept serialized (as in the SQLite store, so a value
 * read back is a fresh copy and a serde that cannot round-trip fails in tests too), sorted by key
 * bytes. Iterators walk a snapshot taken when they are created, so writes during iteration are
 * safe and never seen by that iterator. Not logged: `flush` has nothing to do.
 */
export class MemoryStore implements TaskStore {
  readonly name: string;
  private entries: Entry[] = [];
  private closed = false;

  constructor(private readonly spec: StoreSpec) {
    this.name = spec.name;
  }

  get(key: unknown): unknown {
    const index = this.search(this.keyBytes(key));
    return index >= 0 ? this.value(this.entries[index]) : undefined;
  }

  put(key: unknown, value: unknown): void {
    if (value === null || value === undefined) {
      this.delete(key);
      return;
    }
    const keyBytes = this.keyBytes(key);
    const entry = { keyBytes, valueBytes: this.bytes(this.spec.valueSerde, value) };
    const index = this.search(keyBytes);
    if (index >= 0) this.entries[index] = entry;
    else this.entries.splice(-index - 1, 0, entry);
  }

  putIfAbsent(key: unknown, value: unknown): unknown {
    const previous = this.get(key);
    if (previous === undefined) this.put(key, value);
    return previous;
  }

  delete(key: unknown): unknown {
    const index = this.search(this.keyBytes(key));
    if (index < 0) return undefined;
    const [removed] = this.entries.splice(index, 1);
    return this.value(removed);
  }

  range(from?: unknown, to?: unknown): IterableIterator<KeyValue<unknown, unknown>> {
    this.ensureOpen();
    const lo = from === undefined ? undefined : this.keyBytes(from);
    const hi = to === undefined ? undefined : this.keyBytes(to);
    return this.iterate(
      this.entries.filter((e) => (!lo || Buffer.compare(e.keyBytes, lo) >= 0) && (!hi || Buffer.compare(e.keyBytes, hi) <= 0)),
    );
  }

  prefixScan<P>(prefix: P, prefixSerde: SyncSerde<P>): IterableIterator<KeyValue<unknown, unknown>> {
    this.ensureOpen();
    const bytes = this.bytes(prefixSerde, prefix);
    return this.iterate(this.entries.filter((e) => e.keyBytes.subarray(0, bytes.length).equals(bytes)));
  }

  all(): IterableIterator<KeyValue<unknown, unknown>> {
    this.ensureOpen();
    return this.iterate([...this.entries]);
  }

  approximateNumEntries(): number {
    return this.entries.length;
  }

  flush(): void {
    this.ensureOpen();
  }

  close(): void {
    this.closed = true;
  }

  private *iterate(snapshot: Entry[]): IterableIterator<KeyValue<unknown, unknown>> {
    for (const entry of snapshot) {
      this.ensureOpen();
      yield { key: this.spec.keySerde.deserialize(this.name, entry.keyBytes), value: this.value(entry) };
    }
  }

  private value(entry: Entry): unknown {
    return this.spec.valueSerde.deserialize(this.name, entry.valueBytes);
  }

  private keyBytes(key: unknown): Buffer {
    if (key === null || key === undefined) throw new StoreError('null keys are not allowed', this.name);
    return this.bytes(this.spec.keySerde, key);
  }

  private bytes<T>(serde: SyncSerde<T>, value: T): Buffer {
    this.ensureOpen();
    const bytes: unknown = serde.serialize(this.name, value);
    if (!Buffer.isBuffer(bytes)) throw new StoreError('store serdes must be synchronous and return a Buffer', this.name);
    return bytes;
  }

  /** Index of `key`, or `-(insertion point) - 1` when absent. */
  private search(key: Buffer): number {
    let lo = 0;
    let hi = this.entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = Buffer.compare(this.entries[mid].keyBytes, key);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  private ensureOpen(): void {
    if (this.closed) throw new StoreError('store is closed', this.name);
  }
}

/** A `StoreFactory` giving every task its own empty in-memory store. */
export const memoryStoreFactory: StoreFactory = (spec) => new MemoryStore(spec);
