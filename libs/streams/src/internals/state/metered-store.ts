import type { HistogramChild } from '@platform/metrics';
import type { KeyValue } from '../../api/record';
import type { SyncSerde } from '../../api/serde';
import type { StoreFactory, TaskStore } from '../task/contract';
import type { StreamsMetrics } from '../metrics/streams-metrics';

/** Time one operation in SAMPLE_EVERY: a clock read per operation costs ~5% of a SQLite get. */
const SAMPLE_EVERY = 16;

type Operation = 'get' | 'put' | 'delete' | 'range' | 'flush';

/**
 * The outermost layer of the store stack (metered → typed → changelogging → SQLite): times a
 * sample of the operations into `streams_store_operation_seconds` (serdes included). Range scans
 * are timed until the iterator is created, not while it is consumed.
 */
export class MeteredStore implements TaskStore {
  private counter = 0;
  private readonly histograms = new Map<Operation, HistogramChild | undefined>();

  constructor(
    private readonly inner: TaskStore,
    private readonly metrics: StreamsMetrics,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get(key: unknown): unknown {
    return this.timed('get', () => this.inner.get(key));
  }

  put(key: unknown, value: unknown): void {
    this.timed('put', () => this.inner.put(key, value));
  }

  putIfAbsent(key: unknown, value: unknown): unknown {
    return this.timed('put', () => this.inner.putIfAbsent(key, value));
  }

  delete(key: unknown): unknown {
    return this.timed('delete', () => this.inner.delete(key));
  }

  range(from?: unknown, to?: unknown): IterableIterator<KeyValue<unknown, unknown>> {
    return this.timed('range', () => this.inner.range(from, to));
  }

  prefixScan<P>(prefix: P, prefixSerde: SyncSerde<P>): IterableIterator<KeyValue<unknown, unknown>> {
    return this.timed('range', () => this.inner.prefixScan(prefix, prefixSerde));
  }

  all(): IterableIterator<KeyValue<unknown, unknown>> {
    return this.timed('range', () => this.inner.all());
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  flush(): void {
    const histogram = this.histogram('flush');
    if (!histogram) return this.inner.flush();
    const start = process.hrtime.bigint();
    this.inner.flush();
    histogram.observe(Number(process.hrtime.bigint() - start) / 1e9);
  }

  close(): void {
    this.inner.close();
  }

  private timed<T>(operation: Operation, run: () => T): T {
    if (++this.counter % SAMPLE_EVERY !== 0) return run();
    const histogram = this.histogram(operation);
    if (!histogram) return run();
    const start = process.hrtime.bigint();
    const result = run();
    histogram.observe(Number(process.hrtime.bigint() - start) / 1e9);
    return result;
  }

  private histogram(operation: Operation): HistogramChild | undefined {
    if (!this.histograms.has(operation)) this.histograms.set(operation, this.metrics.storeOperation(this.name, operation));
    return this.histograms.get(operation);
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
