import type { KeyValue } from '../../api/record';
import type { SyncSerde } from '../../api/serde';
import type { TaskStore } from '../task/contract';
import type { BytesStore } from './bytes-store';

/**
 * The outermost layer: what processors see. Applies the store's (synchronous) serdes around the
 * byte-level stack; `topic` is the name handed to the serdes (the changelog topic).
 */
export class TypedStore implements TaskStore {
  constructor(
    private readonly inner: BytesStore,
    private readonly keySerde: SyncSerde<unknown>,
    private readonly valueSerde: SyncSerde<unknown>,
    private readonly topic: string,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get(key: unknown): unknown {
    const bytes = this.inner.get(this.keyBytes(key));
    return bytes === undefined ? undefined : this.valueSerde.deserialize(this.topic, bytes);
  }

  put(key: unknown, value: unknown): void {
    if (value === null || value === undefined) {
      this.inner.delete(this.keyBytes(key));
      return;
    }
    this.inner.put(this.keyBytes(key), this.valueSerde.serialize(this.topic, value));
  }

  putIfAbsent(key: unknown, value: unknown): unknown {
    const previous = this.get(key);
    if (previous === undefined) this.put(key, value);
    return previous;
  }

  delete(key: unknown): unknown {
    const previous = this.inner.delete(this.keyBytes(key));
    return previous === undefined ? undefined : this.valueSerde.deserialize(this.topic, previous);
  }

  range(from?: unknown, to?: unknown): IterableIterator<KeyValue<unknown, unknown>> {
    return this.decode(
      this.inner.range(from === undefined ? undefined : this.keyBytes(from), to === undefined ? undefined : this.keyBytes(to)),
    );
  }

  prefixScan<P>(prefix: P, prefixSerde: SyncSerde<P>): IterableIterator<KeyValue<unknown, unknown>> {
    return this.decode(this.inner.prefixScan(prefixSerde.serialize(this.topic, prefix)));
  }

  all(): IterableIterator<KeyValue<unknown, unknown>> {
    return this.decode(this.inner.all());
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  flush(): void {
    this.inner.flush();
  }

  close(): void {
    this.inner.close();
  }

  private keyBytes(key: unknown): Buffer {
    return this.keySerde.serialize(this.topic, key);
  }

  /** Decodes lazily; returning/breaking closes the underlying cursor. */
  private decode(rows: IterableIterator<KeyValue<Buffer, Buffer>>): IterableIterator<KeyValue<unknown, unknown>> {
    const { keySerde, valueSerde, topic } = this;
    return (function* () {
      try {
        for (const row of rows) {
          yield { key: keySerde.deserialize(topic, row.key), value: valueSerde.deserialize(topic, row.value) };
        }
      } finally {
        rows.return?.();
      }
    })();
  }
}
