import type { KeyValue } from '../../api/record';
import { bytesKey } from './bytes';
import type { BytesStore } from './bytes-store';
import type { BufferedWrite } from './merge-iterator';

/**
 * Records every write for the store's compacted changelog topic, keyed by the serialized key, with
 * a tombstone (null value) for a delete. Writes are deduplicated per commit (the last write of a
 * key wins); the runtime drains them at commit, produces them, awaits the acks and only then
 * flushes the stores together with the changelog offsets the produce returned.
 */
export class ChangeloggingStore implements BytesStore {
  private pending = new Map<string, BufferedWrite>();

  constructor(
    private readonly inner: BytesStore,
    readonly changelogTopic: string,
    readonly changelogPartition: number,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get(key: Buffer): Buffer | undefined {
    return this.inner.get(key);
  }

  put(key: Buffer, value: Buffer): void {
    this.inner.put(key, value);
    this.pending.set(bytesKey(key), { key: Buffer.from(key), value: Buffer.from(value) });
  }

  delete(key: Buffer): Buffer | undefined {
    const previous = this.inner.delete(key);
    this.pending.set(bytesKey(key), { key: Buffer.from(key), value: null });
    return previous;
  }

  range(from?: Buffer, to?: Buffer): IterableIterator<KeyValue<Buffer, Buffer>> {
    return this.inner.range(from, to);
  }

  prefixScan(prefix: Buffer): IterableIterator<KeyValue<Buffer, Buffer>> {
    return this.inner.prefixScan(prefix);
  }

  all(): IterableIterator<KeyValue<Buffer, Buffer>> {
    return this.inner.all();
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  /** Takes the changelog records accumulated since the last drain. */
  drain(): BufferedWrite[] {
    const records = [...this.pending.values()];
    this.pending = new Map();
    return records;
  }

  /** Flushes the inner store. Records not drained before are dropped with a flush: the runtime
   * always drains (and produces) first. */
  flush(): void {
    this.inner.flush();
  }

  close(): void {
    this.pending = new Map();
    this.inner.close();
  }
}
