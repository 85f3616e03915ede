import { Histogram as PromHistogram, type Registry } from 'prom-client';
import { MetricsError } from './errors';
import { Metric, metricSignature, type LabelObject, type MetricDefinition } from './metric';

/** Default buckets, in seconds: 5 ms to 10 s. */
export const defaultLatencyBuckets: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One series of a histogram. */
export class HistogramChild {
  constructor(
    private readonly metric: string,
    private readonly prom: PromHistogram<string>,
    private readonly labels: LabelObject,
  ) {}

  /** Records one value; NaN throws `MetricsError`. */
  observe(value: number): void {
    if (Number.isNaN(value)) throw new MetricsError(`histogram ${this.metric} cannot observe NaN`);
    this.prom.observe(this.labels, value);
  }

  /** Returns `stop()`: the first call observes the seconds elapsed since now; every call returns them. */
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
}

export interface HistogramDefinition<L extends string> extends MetricDefinition<L> {
  /** Upper bounds, strictly increasing; `+Inf` is implied. Default `defaultLatencyBuckets`. */
  readonly buckets?: readonly number[];
}

/** A prom-client histogram with cached children. */
export class Histogram<L extends string = never> extends Metric<L, HistogramChild> {
  readonly type = 'histogram';
  readonly buckets: readonly number[];
  protected readonly prom: PromHistogram<string>;

  constructor(name: string, help: string, labelNames: readonly L[], registry: Registry, buckets: readonly number[] = defaultLatencyBuckets) {
    super(name, help, labelNames);
    this.buckets = normalizeBuckets(name, buckets);
    const collect = () => this.runCollectors();
    this.prom = new PromHistogram({ name, help, labelNames: [...labelNames], buckets: [...this.buckets], registers: [registry], collect });
  }

  observe(value: number): void {
    this.unlabelled().observe(value);
  }

  startTimer(): () => number {
    return this.unlabelled().startTimer();
  }

  override signature(): string {
    return metricSignature(this.type, this.help, this.labelNames, this.buckets);
  }

  protected newChild(labels: LabelObject): HistogramChild {
    return new HistogramChild(this.name, this.prom, labels);
  }
}

/** Bounds without a trailing +Inf; throws unless finite and strictly increasing. */
export function normalizeBuckets(name: string, buckets: readonly number[]): readonly number[] {
  const bounds = buckets[buckets.length - 1] === Infinity ? buckets.slice(0, -1) : [...buckets];
  bounds.forEach((bound, i) => {
    if (!Number.isFinite(bound)) throw new MetricsError(`histogram ${name}: bucket bound ${bound} is not finite`);
    if (i > 0 && bound <= bounds[i - 1]) throw new MetricsError(`histogram ${name}: buckets must be strictly increasing`);
  });
  return Object.freeze(bounds);
}
