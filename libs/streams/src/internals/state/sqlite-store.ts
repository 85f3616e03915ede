import type { KeyValue } from '../../api/record';
import { bytesKey, compareBytes, inRange, prefixUpperBound, type ByteRange } from './bytes';
import type { BytesStore } from './bytes-store';
import { mergeWithBuffer, type BufferedWrite } from './merge-iterator';
import type { StoreTable } from './task-database';
import type { WriteJournal } from './write-journal';

/**
 * The innermost store: a table of the task's SQLite database plus an in-memory write buffer.
 * Reads see buffered writes; `flush()` applies the buffer to the table (the task runs it inside
 * the transaction that also records the changelog/input offsets, so data and offsets commit
 * together). Iterators merge table rows with a snapshot of the buffer taken when they start; any
 * iterator still open at flush or close is closed first, so no cursor outlives a commit.
 */
export class SqliteStore implements BytesStore {
  private buffer = new Map<string, BufferedWrite>();
  private readonly openIterators = new Map<Generator<KeyValue<Buffer, Buffer>, void, undefined>, () => void>();
  private closed = false;

  constructor(
    readonly name: string,
    private readonly table: StoreTable,
    private readonly journal?: WriteJournal,
  ) {}

  get(key: Buffer): Buffer | undefined {
    const write = this.buffer.get(bytesKey(key));
    if (write) return write.value ?? undefined;
    return this.table.get(key);
  }

  put(key: Buffer, value: Buffer): void {
    this.putOwned(Buffer.from(key), Buffer.from(value));
  }

  putOwned(key: Buffer, value: Buffer): void {
    const k = bytesKey(key);
    this.journal?.record(this.buffer, k, this.buffer.get(k));
    this.buffer.set(k, { key, value });
  }

  delete(key: Buffer): Buffer | undefined {
    const previous = this.get(key);
    const k = bytesKey(key);
    this.journal?.record(this.buffer, k, this.buffer.get(k));
    this.buffer.set(k, { key: Buffer.from(key), value: null });
    return previous;
  }

  range(from?: Buffer, to?: Buffer): IterableIterator<KeyValue<Buffer, Buffer>> {
    return this.iterate({ from, to, toInclusive: true });
  }

  prefixScan(prefix: Buffer): IterableIterator<KeyValue<Buffer, Buffer>> {
    return this.iterate({ from: prefix, to: prefixUpperBound(prefix), toInclusive: false });
  }

  all(): IterableIterator<KeyValue<Buffer, Buffer>> {
    return this.iterate({ toInclusive: true });
  }

  /** Exact, at the cost of one lookup per buffered write. */
  approximateNumEntries(): number {
    let added = 0;
    for (const write of this.buffer.values()) {
      const stored = this.table.get(write.key) !== undefined;
      if (write.value === null && stored) added--;
      if (write.value !== null && !stored) added++;
    }
    return Math.max(0, this.table.count() + added);
  }

  /** Number of buffered writes (for metrics and tests). */
  pendingWrites(): number {
    return this.buffer.size;
  }

  flush(): void {
    this.closeIterators();
    if (this.buffer.size === 0) return;
    for (const write of this.buffer.values()) {
      if (write.value === null) this.table.delete(write.key);
      else this.table.put(write.key, write.value);
    }
    this.buffer = new Map();
  }

  close(): void {
    this.closeIterators();
    this.buffer = new Map();
    this.closed = true;
  }

  private iterate(range: ByteRange): IterableIterator<KeyValue<Buffer, Buffer>> {
    if (this.closed) throw new Error(`store ${this.name} is closed`);
    const buffered = [...this.buffer.values()]
      .filter((w) => inRange(w.key, range))
      .sort((a, b) => compareBytes(a.key, b.key));
    const rows = this.table.iterate(range.from, range.to, range.toInclusive);
    const close = () => void rows.return?.();
    const open = this.openIterators;
    const self: { outer?: Generator<KeyValue<Buffer, Buffer>, void, undefined> } = {};
    const outer = (function* () {
      try {
        yield* mergeWithBuffer(rows, buffered);
      } finally {
        close();
        if (self.outer) open.delete(self.outer);
      }
    })();
    self.outer = outer;
    open.set(outer, close);
    return outer;
  }

  private closeIterators(): void {
    for (const [iterator, close] of [...this.openIterators]) {
      iterator.return();
      close();
    }
    this.openIterators.clear();
  }
}
