import type { HistogramChild } from '@platform/metrics';
import type { KeyValue } from '../../api/record';
import type { SyncSerde } from '../../api/serde';
import type { StoreFactory, TaskStore } from '../task/contract';
import type { StreamsMetrics } from '../metrics/streams-metrics';

/** Point operations are timed 1 in 16 (mask 15); scans and flushes always. */
const SAMPLE_MASK = 15;

type Operation = 'get' | 'put' | 'delete' | 'range' | 'flush';

/**
 * The outermost layer of the store stack (metered → typed → changelogging → SQLite): times a
 * sample of the operations into `streams_store_operation_seconds` (serdes included). Range scans
 * are timed until the iterator is created, not while it is consumed.
 */
export class MeteredStore implements TaskStore {
  private counter = 0;
  private readonly histograms = new Map<Operation, HistogramChild>();

  constructor(
    private readonly inner: TaskStore,
    private readonly metrics: StreamsMetrics,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  // Each operation takes the fast path (a counter test, no closure) unless it is sampled.
  get(key: unknown): unknown {
    if ((++this.counter & SAMPLE_MASK) !== 0) return this.inner.get(key);
    const start = process.hrtime.bigint();
    const result = this.inner.get(key);
    this.observe('get', start);
    return result;
  }

  put(key: unknown, value: unknown): void {
    if ((++this.counter & SAMPLE_MASK) !== 0) return this.inner.put(key, value);
    const start = process.hrtime.bigint();
    this.inner.put(key, value);
    this.observe('put', start);
  }

  putIfAbsent(key: unknown, value: unknown): unknown {
    if ((++this.counter & SAMPLE_MASK) !== 0) return this.inner.putIfAbsent(key, value);
    const start = process.hrtime.bigint();
    const result = this.inner.putIfAbsent(key, value);
    this.observe('put', start);
    return result;
  }

  delete(key: unknown): unknown {
    if ((++this.counter & SAMPLE_MASK) !== 0) return this.inner.delete(key);
    const start = process.hrtime.bigint();
    const result = this.inner.delete(key);
    this.observe('delete', start);
    return result;
  }

  range(from?: unknown, to?: unknown): IterableIterator<KeyValue<unknown, unknown>> {
    const start = process.hrtime.bigint();
    const result = this.inner.range(from, to);
    this.observe('range', start);
    return result;
  }

  prefixScan<P>(prefix: P, prefixSerde: SyncSerde<P>): IterableIterator<KeyValue<unknown, unknown>> {
    const start = process.hrtime.bigint();
    const result = this.inner.prefixScan(prefix, prefixSerde);
    this.observe('range', start);
    return result;
  }

  all(): IterableIterator<KeyValue<unknown, unknown>> {
    const start = process.hrtime.bigint();
    const result = this.inner.all();
    this.observe('range', start);
    return result;
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  flush(): void {
    const start = process.hrtime.bigint();
    this.inner.flush();
    this.observe('flush', start);
  }

  close(): void {
    this.inner.close();
  }

  private observe(operation: Operation, start: bigint): void {
    let histogram = this.histograms.get(operation);
    if (!histogram) {
      histogram = this.metrics.storeOperation(this.name, operation);
      if (!histogram) return;
      this.histograms.set(operation, histogram);
    }
    histogram.observe(Number(process.hrtime.bigint() - start) / 1e9);
  }
}

/** Wraps a store factory so every store it builds is metered (or returns it as is without metrics). */
export function meteredStores(factory: StoreFactory, metrics: StreamsMetrics): StoreFactory {
  if (!metrics.enabled) return factory;
  const built = new Map<TaskStore, MeteredStore>();
  return (spec, taskId, partition) => {
    const store = factory(spec, taskId, partition);
    let metered = built.get(store);
    if (!metered) {
      metered = new MeteredStore(store, metrics);
      built.set(store, metered);
    }
    return metered;
  };
}
