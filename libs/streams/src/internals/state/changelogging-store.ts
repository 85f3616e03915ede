import type { KeyValue } from '../../api/record';
import { bytesKey } from './bytes';
import type { BytesStore } from './bytes-store';
import type { BufferedWrite } from './merge-iterator';
import type { WriteJournal } from './write-journal';
import { RecordProductionError } from '../runtime/errors';
import { recordBatchBytes } from '../runtime/topic-limits';

/**
 * Records every write for the store's compacted changelog topic, keyed by the serialized key, with
 * a tombstone (null value) for a delete. Writes are deduplicated per commit (the last write of a
 * key wins); the runtime drains them at commit, produces them, awaits the acks and only then
 * flushes the stores together with the changelog offsets the produce returned.
 *
 * With a `maxRecordBytes` (the changelog's `max.message.bytes`), a put whose changelog record
 * would not fit is refused before anything changes, with a {@link RecordProductionError}: the
 * input record that made it is dead-lettered or retried instead of failing the commit later.
 */
export class ChangeloggingStore implements BytesStore {
  private pending = new Map<string, BufferedWrite>();

  constructor(
    private readonly inner: BytesStore,
    readonly changelogTopic: string,
    readonly changelogPartition: number,
    private readonly limit?: { readonly maxRecordBytes: number; readonly headerBytes: number },
    private readonly journal?: WriteJournal,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get(key: Buffer): Buffer | undefined {
    return this.inner.get(key);
  }

  put(key: Buffer, value: Buffer): void {
    if (this.limit) {
      const bytes = recordBatchBytes(key.length, value.length, this.limit.headerBytes);
      if (bytes > this.limit.maxRecordBytes) throw RecordProductionError.tooLarge(this.changelogTopic, bytes, this.limit.maxRecordBytes);
    }
    // One copy, shared by the store below (when it can keep buffers as given) and the changelog record.
    const owned = { key: Buffer.from(key), value: Buffer.from(value) };
    if (this.inner.putOwned) this.inner.putOwned(owned.key, owned.value);
    else this.inner.put(key, value);
    const k = bytesKey(key);
    this.journal?.record(this.pending, k, this.pending.get(k));
    this.pending.set(k, owned);
  }

  delete(key: Buffer): Buffer | undefined {
    const previous = this.inner.delete(key);
    const k = bytesKey(key);
    this.journal?.record(this.pending, k, this.pending.get(k));
    this.pending.set(k, { key: Buffer.from(key), value: null });
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
