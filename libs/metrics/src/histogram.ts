import { MetricsError } from './errors';
import type { Sample } from './internals/exposition';
import { Metric, type MetricDefinition } from './metric';

/** Latency buckets in seconds, 5 ms to 10 s (the Prometheus client defaults). */
export const defaultLatencyBuckets: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One series of a histogram: per-bucket counts, sum and count of the observations. */
export class HistogramChild {
  /** Non-cumulative; the last slot is the implicit `+Inf` bucket. */
  private readonly counts: number[];
  private total = 0;
  private observations = 0;

  constructor(
    private readonly metric: string,
    readonly buckets: readonly number[],
  ) {
    this.counts = new Array<number>(buckets.length + 1).fill(0);
  }

  /** Records one observation; NaN throws. */
  observe(value: number): void {
    if (Number.isNaN(value)) throw new MetricsError(`histogram ${this.metric} cannot observe NaN`);
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]) i++;
    this.counts[i]++;
    this.total += value;
    this.observations++;
  }

  /**
   * Starts a wall-clock timer; the returned function observes the elapsed seconds (once,
   * later calls only return the same value) and returns them.
   */
  startTimer(): () => number {
    const start = process.hrtime.bigint();
    let elapsed: number | undefined;
    return () => {
      if (elapsed === undefined) {
        elapsed = Number(process.hrtime.bigint() - start) / 1e9;
        this.observe(elapsed);
      }
      return elapsed;
    };
  }

  get sum(): number {
    return this.total;
  }

  get count(): number {
    return this.observations;
  }

  /** Cumulative counts per upper bound, `+Inf` last. */
  cumulative(): Array<[le: number, count: number]> {
    let running = 0;
    return [...this.buckets, Infinity].map((le, i) => {
      running += this.counts[i];
      return [le, running];
    });
  }
}

export interface HistogramDefinition<L extends string> extends MetricDefinition<L> {
  /** Strictly increasing upper bounds; `+Inf` is implicit. Default `defaultLatencyBuckets`. */
  readonly buckets?: readonly number[];
}

/** Histogram with fixed buckets, exposed as `_bucket{le}` (cumulative), `_sum` and `_count`. */
export class Histogram<L extends string = never> extends Metric<L, HistogramChild> {
  readonly type = 'histogram';
  readonly buckets: readonly number[];

  /** Built by `MetricsRegistry.histogram`. */
  constructor(name: string, help: string, labelNames: readonly L[], buckets: readonly number[] = defaultLatencyBuckets) {
    super(name, help, labelNames);
    this.buckets = normalizeBuckets(name, buckets);
    this.init();
  }

  observe(value: number): void {
    this.unlabelled().observe(value);
  }

  startTimer(): () => number {
    return this.unlabelled().startTimer();
  }

  override signature(): string {
    return JSON.stringify({ base: super.signature(), buckets: this.buckets });
  }

  protected newChild(): HistogramChild {
    return new HistogramChild(this.name, this.buckets);
  }

  protected samples(child: HistogramChild, labels: Sample['labels']): Sample[] {
    const samples: Sample[] = child.cumulative().map(([le, count]) => ({
      suffix: '_bucket',
      labels: [...labels, ['le', le === Infinity ? '+Inf' : String(le)] as const],
      value: count,
    }));
    samples.push({ suffix: '_sum', labels, value: child.sum }, { suffix: '_count', labels, value: child.count });
    return samples;
  }
}

function normalizeBuckets(name: string, buckets: readonly number[]): readonly number[] {
  const bounds = buckets[buckets.length - 1] === Infinity ? buckets.slice(0, -1) : [...buckets];
  bounds.forEach((bound, i) => {
    if (!Number.isFinite(bound)) throw new MetricsError(`histogram ${name}: bucket bound ${bound} is not finite`);
    if (i > 0 && bound <= bounds[i - 1]) throw new MetricsError(`histogram ${name}: buckets must be strictly increasing`);
  });
  return Object.freeze(bounds);
}
