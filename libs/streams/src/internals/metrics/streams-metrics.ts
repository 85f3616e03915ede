import type { Counter, CounterChild, Gauge, Histogram, HistogramChild, MetricsRegistry } from '@platform/metrics';
import type { EventHub } from '../runtime/events';
import { parseTpKey, tpKey } from '../topic-partition';

/** Store operation latency buckets in seconds: 1 µs to 100 ms. */
const STORE_BUCKETS = [0.000001, 0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.005, 0.01, 0.1];

interface Position {
  next: bigint;
  end: bigint;
}

/**
 * The application's Prometheus metrics, labelled with `application` (`<id>-v<version>`):
 * - `streams_records_processed_total{task,topic}`: input records processed (counted per chunk);
 * - `streams_consumer_lag{topic,partition}`: end offset − next offset, read lazily at scrape time
 *   from the high watermark of the latest fetch of each assigned partition;
 * - `streams_commit_latency_seconds`: duration of a commit (flush, state, group offsets);
 * - `streams_punctuations_total`: wall-clock punctuators fired;
 * - `streams_restore_records_total{store,partition}` and `streams_restore_remaining_records{store,partition}`;
 * - `streams_store_operation_seconds{store,operation}`: sampled store operation latency (MeteredStore);
 * - `streams_dead_letter_records_total{stage,topic}`: records written to a dead-letter topic;
 * - `streams_isolated_tasks`: tasks of this instance isolated after repeated failures.
 * Without a registry every method is a cheap no-op.
 */
export class StreamsMetrics {
  private readonly positions = new Map<string, Position>();
  private readonly processedChildren = new Map<string, CounterChild>();
  private readonly storeChildren = new Map<string, HistogramChild>();
  private readonly processed?: Counter<'application' | 'task' | 'topic'>;
  private readonly commitLatency?: HistogramChild;
  private readonly punctuation?: CounterChild;
  private readonly restored?: Counter<'application' | 'store' | 'partition'>;
  private readonly remaining?: Gauge<'application' | 'store' | 'partition'>;
  private readonly storeLatency?: Histogram<'application' | 'store' | 'operation'>;
  private readonly deadLetters?: Counter<'application' | 'stage' | 'topic'>;
  private isolated = 0;

  constructor(
    registry: MetricsRegistry | undefined,
    private readonly application: string,
  ) {
    if (!registry) return;
    const app = { application };
    this.processed = registry.counter({
      name: 'streams_records_processed_total',
      help: 'Input records processed, per task and source topic.',
      labelNames: ['application', 'task', 'topic'],
    });
    registry.gauge({
      name: 'streams_consumer_lag',
      help: 'Records behind the end of each assigned input partition (end offset minus position).',
      labelNames: ['application', 'topic', 'partition'],
      collect: (gauge) => {
        for (const [key, p] of this.positions) {
          const { topic, partition } = parseTpKey(key);
          const lag = p.end > p.next ? Number(p.end - p.next) : 0;
          gauge.labels({ ...app, topic, partition: String(partition) }).set(lag);
        }
      },
    });
    this.commitLatency = registry
      .histogram({ name: 'streams_commit_latency_seconds', help: 'Duration of a commit.', labelNames: ['application'] })
      .labels(app);
    this.punctuation = registry
      .counter({ name: 'streams_punctuations_total', help: 'Wall-clock punctuators fired.', labelNames: ['application'] })
      .labels(app);
    this.restored = registry.counter({
      name: 'streams_restore_records_total',
      help: 'Changelog records applied while restoring stores.',
      labelNames: ['application', 'store', 'partition'],
    });
    this.remaining = registry.gauge({
      name: 'streams_restore_remaining_records',
      help: 'Changelog records left to restore (0 once restored).',
      labelNames: ['application', 'store', 'partition'],
    });
    this.storeLatency = registry.histogram({
      name: 'streams_store_operation_seconds',
      help: 'Store operation latency (sampled).',
      labelNames: ['application', 'store', 'operation'],
      buckets: STORE_BUCKETS,
    });
    this.deadLetters = registry.counter({
      name: 'streams_dead_letter_records_total',
      help: 'Records written to a dead-letter topic.',
      labelNames: ['application', 'stage', 'topic'],
    });
    registry.gauge({
      name: 'streams_isolated_tasks',
      help: 'Tasks isolated after repeated failures on one record (their input is paused).',
      labelNames: ['application'],
      collect: (gauge) => gauge.labels(app).set(this.isolated),
    });
  }

  /** Number of tasks isolated here now. */
  isolatedTasks(count: number): void {
    this.isolated = count;
  }

  get enabled(): boolean {
    return this.processed !== undefined;
  }

  recordsProcessed(taskId: string, topic: string, count: number): void {
    if (!this.processed || count === 0) return;
    const key = `${taskId}|${topic}`;
    let child = this.processedChildren.get(key);
    if (!child) {
      child = this.processed.labels({ application: this.application, task: taskId, topic });
      this.processedChildren.set(key, child);
    }
    child.inc(count);
  }

  /** Position after a fetched chunk: next offset to read and the partition's high watermark. */
  position(topic: string, partition: number, nextOffset: string, highWatermark: string): void {
    if (!this.processed) return;
    const key = tpKey(topic, partition);
    const p = this.positions.get(key);
    const next = BigInt(nextOffset);
    const end = BigInt(highWatermark);
    if (p) {
      p.next = next;
      p.end = end;
    } else this.positions.set(key, { next, end });
  }

  /** Keeps the lag of the partitions still assigned (`topic|partition`). */
  retainPartitions(owned: ReadonlySet<string>): void {
    for (const key of [...this.positions.keys()]) if (!owned.has(key)) this.positions.delete(key);
  }

  /** Starts timing a commit; call the result when it is done. */
  commitTimer(): () => void {
    if (!this.commitLatency) return () => undefined;
    const start = process.hrtime.bigint();
    return () => this.commitLatency!.observe(Number(process.hrtime.bigint() - start) / 1e9);
  }

  punctuations(count: number): void {
    if (count > 0) this.punctuation?.inc(count);
  }

  deadLettered(stage: string, topic: string): void {
    this.deadLetters?.labels({ application: this.application, stage, topic }).inc();
  }

  /** Histogram child for one store operation, or undefined when metrics are off. */
  storeOperation(store: string, operation: string): HistogramChild | undefined {
    if (!this.storeLatency) return undefined;
    const key = `${store}|${operation}`;
    let child = this.storeChildren.get(key);
    if (!child) {
      child = this.storeLatency.labels({ application: this.application, store, operation });
      this.storeChildren.set(key, child);
    }
    return child;
  }

  /** Follows restoration through the runtime events. */
  observeRestore(events: EventHub): void {
    if (!this.restored || !this.remaining) return;
    const restored = this.restored;
    const remaining = this.remaining;
    const done = new Map<string, number>();
    const labels = (p: { taskId: string; store: string; partition: number }) => ({
      application: this.application,
      store: p.store,
      partition: String(p.partition),
    });
    events.on('restore.start', (p) => {
      done.set(`${p.taskId}|${p.store}`, 0);
      remaining.labels(labels(p)).set(Number(BigInt(p.endOffset) - BigInt(p.startOffset)));
    });
    events.on('restore.batch', (p) => {
      const key = `${p.taskId}|${p.store}`;
      restored.labels(labels(p)).inc(p.restored - (done.get(key) ?? 0));
      done.set(key, p.restored);
      const left = BigInt(p.endOffset) - BigInt(p.startOffset) - BigInt(p.restored);
      remaining.labels(labels(p)).set(left > 0n ? Number(left) : 0);
    });
    events.on('restore.end', (p) => {
      const key = `${p.taskId}|${p.store}`;
      restored.labels(labels(p)).inc(Math.max(0, p.restored - (done.get(key) ?? 0)));
      done.delete(key);
      remaining.labels(labels(p)).set(0);
    });
  }
}
